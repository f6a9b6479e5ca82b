/// A labelled dataset that training, evaluation and activation recording read in batches.
///
/// Implementations keep their samples in whatever form is compact (Fashion-MNIST and CIFAR
/// as bytes) and produce Float32 batches on demand, applying their normalisation and, when a
/// generator is passed, their training augmentation.
///
/// ``SampleDataset`` implements it for every `data.*` dataset (Fashion-MNIST, IDX, CIFAR,
/// tensors). Training visits it in the order given by ``EpochOrder``, which also supplies each
/// batch's augmentation generator, so that every model of a study sees the same images.
public protocol Dataset: AnyObject {
    /// Number of samples.
    var count: Int { get }
    /// Shape of one sample, e.g. `[1, 28, 28]` (channels × height × width) or `[784]`.
    var sampleShape: [Int] { get }
    /// Number of classes; labels lie in `0..<classCount`.
    var classCount: Int { get }

    /// The samples at `indices` (0-based) as a Float32 tensor `indices.count × sampleShape`,
    /// with their labels. When `augmentation` is non-nil the dataset's augmentation (if any)
    /// draws its random choices from it; nil means no augmentation (evaluation).
    func batch(_ indices: [Int], augmentation: inout RandomGenerator?) throws -> Batch
}

/// Inputs and labels of one batch.
public struct Batch {
    /// `N × sampleShape`, Float32, contiguous.
    public let inputs: Tensor
    /// N labels in `0..<classCount`.
    public let labels: [Int]

    public init(inputs: Tensor, labels: [Int]) {
        self.inputs = inputs
        self.labels = labels
    }
}
