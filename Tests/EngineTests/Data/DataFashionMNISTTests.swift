import Testing
@testable import Engine

/// Fashion-MNIST from Debian's package, checked against the raw files read by Python.
@Suite struct DataFashionMNISTTests {
    static let directory = FashionMNIST.defaultDirectory

    @Test func countsShapesAndClasses() throws {
        let (train, test) = try FashionMNIST.load()
        #expect(train.count == 60_000)
        #expect(test.count == 10_000)
        #expect(train.sampleShape == [1, 28, 28])
        #expect(train.classCount == 10)
        #expect(train.classNames[0] == "T-shirt/top" && train.classNames[9] == "Ankle boot")
        #expect(train.isBytes)
        // Every class appears 6,000 times in training and 1,000 times in the test set.
        var counts = [Int](repeating: 0, count: 10)
        for l in train.labels { counts[Int(l)] += 1 }
        #expect(counts == Array(repeating: 6_000, count: 10))
    }

    @Test func labelsAndPixelsMatchTheRawFiles() throws {
        let (train, test) = try FashionMNIST.load()
        let trainLabels = DataTestSupport.python("gzip.open(\"\(Self.directory)/train-labels-idx1-ubyte.gz\").read()[8:48]")
        let testLabels = DataTestSupport.python("gzip.open(\"\(Self.directory)/t10k-labels-idx1-ubyte.gz\").read()[8:48]")
        #expect(trainLabels.count == 40 && testLabels.count == 40)
        #expect(train.labels.prefix(40).map(Int.init) == trainLabels)
        #expect(test.labels.prefix(40).map(Int.init) == testLabels)
        #expect(trainLabels.prefix(5) == [9, 0, 0, 3, 0])  // Ankle boot, T-shirt, T-shirt, Dress, T-shirt

        // The last training image, byte for byte, through a dataset view (÷255).
        let raw = DataTestSupport.python("gzip.open(\"\(Self.directory)/train-images-idx3-ubyte.gz\").read()[-784:]")
        #expect(raw.count == 784)
        let image = try SampleDataset(store: train).sample(at: 59_999)
        #expect(image.shape == [1, 28, 28])
        #expect(image.scalars(as: Float.self) == raw.map { Float($0) / 255 })
    }

    @Test func pixelStatisticsMatchThePublishedValues() throws {
        let train = SampleDataset(store: try FashionMNIST.load().train)
        let (mean, std) = try train.statistics()
        #expect(abs(mean[0] - 0.2860) < 1e-4)
        #expect(abs(std[0] - 0.3530) < 1e-4)
    }

    @Test func normalisingWithTheStatisticsGivesZeroMeanUnitStd() throws {
        let test = SampleDataset(store: try FashionMNIST.load().test)
        let (mean, std) = try test.statistics()
        let normalized = try test.normalized(mean: mean, std: std)
        let (m, s) = try normalized.statistics()
        #expect(abs(m[0]) < 1e-9 && abs(s[0] - 1) < 1e-9)
        // Independently: the values of the assembled batches.
        var sum = 0.0, squares = 0.0, n = 0.0
        let order = try EpochOrder(seed: 1, epoch: 0, count: normalized.count, batchSize: 1000, shuffle: true)
        for indices in order.batches {
            var none: RandomGenerator? = nil
            let batch = try normalized.batch(indices, augmentation: &none)
            for v in batch.inputs.scalars(as: Float.self) {
                sum += Double(v); squares += Double(v) * Double(v); n += 1
            }
        }
        #expect(n == 10_000 * 784)
        #expect(abs(sum / n) < 1e-4)
        #expect(abs((squares / n - (sum / n) * (sum / n)).squareRoot() - 1) < 1e-4)
    }

    @Test func heldStoresAreReused() throws {
        let first = try FashionMNIST.load()
        let second = try FashionMNIST.load()
        #expect(first.train === second.train && first.test === second.test)
    }

    @Test func aMissingDirectoryNamesTheFile() throws {
        let message = DataTestSupport.errorMessage { _ = try FashionMNIST.load(directory: "/nonexistent/fmnist") }
        #expect(message?.contains("/nonexistent/fmnist/train-images-idx3-ubyte.gz") == true || message?.contains("/nonexistent/fmnist/t10k-images-idx3-ubyte.gz") == true)
    }
}
