import Synchronization

/// Fashion-MNIST (Xiao, Rasul, Vollgraf, 2017): 70,000 grey 28×28 images of clothing in
/// 10 classes, 60,000 for training and 10,000 for testing — prunelab's embedded default
/// dataset, read from Debian's `dataset-fashion-mnist` package (IDX files, gzip).
public enum FashionMNIST {
    /// Where Debian's package installs the files.
    public static let defaultDirectory = "/usr/share/datasets/fashion-mnist"

    /// The ten classes, label 0 to 9.
    public static let classNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

    /// The training and test sets from `directory` (which holds `train-images-idx3-ubyte.gz`,
    /// `train-labels-idx1-ubyte.gz`, `t10k-images-idx3-ubyte.gz`, `t10k-labels-idx1-ubyte.gz`).
    ///
    /// The two parts are decoded in parallel. While a caller still holds the stores from an
    /// earlier call for the same directory, they are returned again instead of being re-read
    /// (they are immutable); once released, the next call reads the files anew.
    public static func load(directory: String = defaultDirectory) throws -> (train: SampleStore, test: SampleStore) {
        if let cached = cache.withLock({ $0[directory]?.stores }) { return cached }
        @Sendable func part(_ prefix: String, _ name: String) throws -> SampleStore {
            let store = try IDXFile.load(images: "\(directory)/\(prefix)-images-idx3-ubyte.gz",
                                         labels: "\(directory)/\(prefix)-labels-idx1-ubyte.gz",
                                         classCount: 10, classNames: classNames, name: name)
            guard store.sampleShape == [1, 28, 28] else {
                throw EngineError.file("\(directory)/\(prefix)-images-idx3-ubyte.gz", "expected 28×28 images, got \(Shape.describe(Array(store.sampleShape.dropFirst())))")
            }
            return store
        }
        let (train, test) = try Parallel.both({ try part("train", "Fashion-MNIST train") },
                                              { try part("t10k", "Fashion-MNIST test") })
        cache.withLock { $0[directory] = WeakPair(train: train, test: test) }
        return (train, test)
    }

    private struct WeakPair: Sendable {
        weak var train: SampleStore?
        weak var test: SampleStore?
        var stores: (train: SampleStore, test: SampleStore)? {
            guard let train, let test else { return nil }
            return (train, test)
        }
    }

    private static let cache = Mutex<[String: WeakPair]>([:])
}
