import Testing
@testable import Engine

/// Dataset views: subsets, splits, batches, normalisation and statistics on hand-made data.
@Suite struct DataViewTests {
    /// n samples of 2×1×3 whose values are `id*10 + k` (k = 0…5), labels id % 3.
    static func numbered(_ n: Int) throws -> SampleDataset {
        let values = (0..<n).flatMap { i in (0..<6).map { Float(i * 10 + $0) } }
        let store = try SampleStore.copying(inputs: try Tensor(shape: [n, 2, 1, 3], values: values), labels: (0..<n).map { $0 % 3 })
        return SampleDataset(store: store)
    }

    static func ids(_ batch: Batch) -> [Int] {
        let v = batch.inputs.scalars(as: Float.self)
        return stride(from: 0, to: v.count, by: 6).map { Int(v[$0]) / 10 }
    }

    @Test func subsetsAreViewsWithTheirOwnIndices() throws {
        let ds = try Self.numbered(10)
        let s = try ds.subset(first: 3, count: 4)
        #expect(s.count == 4 && s.store === ds.store)
        var none: RandomGenerator? = nil
        #expect(Self.ids(try s.batch([0, 3, 1], augmentation: &none)) == [3, 6, 4])
        #expect(try s.batch([0, 3, 1], augmentation: &none).labels == [0, 0, 1])
        let ss = try s.subset(first: 1, count: 2)
        #expect(Self.ids(try ss.all()) == [4, 5])
        #expect(throws: EngineError.self) { try s.subset(first: 2, count: 3) }
        #expect(throws: EngineError.self) { try s.batch([4], augmentation: &none) }
        #expect(throws: EngineError.self) { try s.label(at: -1) }
        #expect(try ds.subset(first: 10, count: 0).count == 0)
    }

    @Test func splitsAreDisjointCompleteAndSeeded() throws {
        let ds = try Self.numbered(50)
        let (a, b) = try ds.split(fraction: 0.2, seed: 9)
        let idsA = Self.ids(try a.all()), idsB = Self.ids(try b.all())
        #expect(idsA.count == 10 && idsB.count == 40)
        #expect(Set(idsA).isDisjoint(with: idsB))
        #expect(Set(idsA + idsB) == Set(0..<50))
        #expect(idsA == idsA.sorted())  // a split keeps the order
        #expect(Self.ids(try ds.split(fraction: 0.2, seed: 9).0.all()) == idsA)
        #expect(Self.ids(try ds.split(fraction: 0.2, seed: 10).0.all()) != idsA)
        // A split of a subset picks from the subset.
        let (c, _) = try ds.subset(first: 20, count: 10).split(fraction: 0.5, seed: 1)
        #expect(Self.ids(try c.all()).allSatisfy { (20..<30).contains($0) })
        #expect(throws: EngineError.self) { try ds.split(fraction: 1.5, seed: 1) }
    }

    @Test func statisticsAndNormalisationByHand() throws {
        // Channel 0 of sample i holds i*10 + {0,1,2}, channel 1 holds i*10 + {3,4,5}.
        let ds = try Self.numbered(2)
        let (mean, std) = try ds.statistics()
        // Channel 0: {0,1,2,10,11,12}: mean 6, population variance (36+25+16+16+25+36)/6 = 154/6.
        #expect(abs(mean[0] - 6) < 1e-12 && abs(mean[1] - 9) < 1e-12)
        #expect(abs(std[0] - (154.0 / 6).squareRoot()) < 1e-12 && abs(std[1] - std[0]) < 1e-12)
        let n = try ds.normalized(mean: mean, std: std)
        let (m2, s2) = try n.statistics()
        #expect(m2.allSatisfy { abs($0) < 1e-12 } && s2.allSatisfy { abs($0 - 1) < 1e-12 })
        let values = try n.all().inputs.scalars(as: Float.self)
        #expect(abs(Double(values[4]) - (4 - 9) / std[1]) < 1e-6)
        // Composition: normalising twice equals one combined normalisation.
        let twice = try ds.normalized(mean: [1, 2], std: [2, 4]).normalized(mean: [3], std: [5])
        #expect(twice.normalization.mean == [1 + 3 * 2, 2 + 3 * 4] && twice.normalization.std == [10, 20])
        #expect(throws: EngineError.self) { try ds.normalized(mean: [0, 0, 0], std: [1]) }
        #expect(throws: EngineError.self) { try ds.normalized(mean: [0], std: [0]) }
        #expect(throws: EngineError.self) { try ds.normalized(mean: [.nan], std: [1]) }
    }

    @Test func byteStatisticsAreExact() throws {
        // Bytes {0, 255, 51, 102}: mean 102/255 = 0.4, E[x²] = (255² + 51² + 102²)/4/255².
        let store = try SampleStore(pixels: .bytes([0, 255, 51, 102]), labels: [0, 1], sampleShape: [2], classCount: 2, name: "bytes")
        let (mean, std) = try SampleDataset(store: store).statistics()
        let second: Double = (65_025.0 + 2_601.0 + 10_404.0) / 4.0 / 65_025.0  // (255² + 51² + 102²) / 4 / 255²
        #expect(abs(mean[0] - 0.4) < 1e-15)
        #expect(abs(std[0] - (second - 0.16).squareRoot()) < 1e-15)
    }

    @Test func storesValidateTheirContents() throws {
        #expect(throws: EngineError.self) { try SampleStore(pixels: .bytes([1, 2, 3]), labels: [0, 0], sampleShape: [2], classCount: 1, name: "x") }
        #expect(throws: EngineError.self) { try SampleStore(pixels: .bytes([1, 2]), labels: [0, 2], sampleShape: [1], classCount: 2, name: "x") }
        #expect(throws: EngineError.self) { try SampleStore(pixels: .bytes([1, 2]), labels: [0, 1], sampleShape: [1], classCount: 2, classNames: ["a"], name: "x") }
        #expect(throws: EngineError.self) { try SampleStore(pixels: .bytes([]), labels: [], sampleShape: [0], classCount: 1, name: "x") }
        #expect(throws: EngineError.self) { try SampleStore.copying(inputs: try Tensor(zeros: [3]), labels: [0, 0, 0]) }
        #expect(throws: EngineError.self) { try SampleStore.copying(inputs: try Tensor(zeros: [3, 1]), labels: [0, 0]) }
        #expect(throws: EngineError.self) { try SampleStore.copying(inputs: try Tensor(zeros: [1, 1]), labels: [-1]) }
        // Float64 inputs are copied as Float32, strided inputs contiguously.
        let t = try Tensor(shape: [2, 2], values: [1.0, 2.0, 3.0, 4.0]).t()
        let s = try SampleStore.copying(inputs: t, labels: [0, 1])
        #expect(try SampleDataset(store: s).all().inputs.scalars(as: Float.self) == [1, 3, 2, 4])
    }

    @Test func labelTensorsConvert() throws {
        #expect(try ClassLabels.from(try Tensor(shape: [3], values: [Float(1), 3, 2]), base: 1) == [0, 2, 1])
        #expect(throws: EngineError.self) { try ClassLabels.from(try Tensor(shape: [1], values: [Float(0.5)]), base: 0) }
        #expect(throws: EngineError.self) { try ClassLabels.from(try Tensor(shape: [1], values: [Float.nan]), base: 0) }
        #expect(try ClassLabels.tensor([0, 4], base: 1).scalars(as: Float.self) == [1, 5])
    }

    @Test func descriptionsSummarise() throws {
        let ds = try Self.numbered(4)
        #expect(ds.description == "tensors, 4 samples of 2×1×3 (float32), 3 classes")
        let view = try ds.subset(first: 1, count: 2).normalized(mean: [0.5], std: [2]).augmented(try ImageAugmentation(padding: 1, flip: true))
        #expect(view.description == "tensors [2…3], 2 samples of 2×1×3 (float32), 3 classes, normalized (mean 0.5000, std 2.0000), augmented (crop 1, flip)")
    }
}
