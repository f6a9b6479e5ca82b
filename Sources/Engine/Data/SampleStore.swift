/// The samples of a dataset, stored compactly and never modified after creation.
///
/// Byte sources (IDX, CIFAR) keep one `UInt8` per pixel (Fashion-MNIST's 60,000 training
/// images take 47 MB rather than 188 MB as Float32) and are scaled to [0, 1] (÷255) when a
/// batch is assembled; tensor sources keep a contiguous Float32 copy of the given values.
/// Samples are laid out one after another (sample-major), each `sampleShape` in row-major
/// order. Labels are 0-based class indices.
///
/// Datasets (``SampleDataset``) are views onto a store: subsets, splits, normalisation and
/// augmentation share it without copying images.
public final class SampleStore: Sendable {
    /// How the pixel values are held.
    public enum Pixels: Sendable {
        /// One byte per value; a value `v` reads as `v / 255`.
        case bytes([UInt8])
        /// Contiguous Float32 values, read as they are.
        case floats(Tensor)
    }

    /// The values of every sample, sample after sample.
    public let pixels: Pixels
    /// The label of every sample, in `0..<classCount`.
    public let labels: [Int32]
    /// Shape of one sample, e.g. `[1, 28, 28]`.
    public let sampleShape: [Int]
    /// Number of values in one sample (the product of `sampleShape`).
    public let sampleSize: Int
    /// Number of classes.
    public let classCount: Int
    /// One name per class (`classCount` of them); "1", "2", … when the source has none.
    public let classNames: [String]
    /// Where the samples came from ("Fashion-MNIST train", a file name, "tensors").
    public let name: String

    /// Largest accepted number of classes.
    public static let maxClassCount = 1 << 20

    /// Number of samples.
    public var count: Int { labels.count }

    /// Whether values are stored as bytes (scaled by 1/255 when read).
    public var isBytes: Bool {
        if case .bytes = pixels { return true }
        return false
    }

    /// A store over `pixels` (`labels.count` samples of `sampleShape`). Checks that the pixel
    /// count matches, that every label lies in `0..<classCount` and that `classNames` has
    /// `classCount` entries (an empty array gives the names "1", "2", …).
    public init(pixels: Pixels, labels: [Int32], sampleShape: [Int], classCount: Int, classNames: [String] = [], name: String) throws {
        let sampleSize = try Shape.validatedCount(sampleShape)
        guard !sampleShape.isEmpty, sampleSize > 0 else {
            throw EngineError.invalid("\(name): sample shape", expected: "at least one dimension and one value", given: Shape.describe(sampleShape))
        }
        guard (1...SampleStore.maxClassCount).contains(classCount) else {
            throw EngineError.invalid("\(name): class count", expected: "1 to \(SampleStore.maxClassCount)", given: "\(classCount)")
        }
        let (total, overflow) = labels.count.multipliedReportingOverflow(by: sampleSize)
        let stored: Int
        switch pixels {
        case .bytes(let b): stored = b.count
        case .floats(let t):
            guard t.dtype == .float32, t.isContiguous else {
                throw EngineError.invalid("\(name): values", expected: "a contiguous float32 tensor", given: "\(t.dtype.rawValue) \(t.isContiguous ? "contiguous" : "strided")")
            }
            stored = t.count
        }
        guard !overflow, total == stored else {
            throw EngineError.invalid("\(name): values", expected: "\(labels.count) samples × \(sampleSize) values", given: "\(stored) values")
        }
        if let bad = labels.firstIndex(where: { $0 < 0 || Int($0) >= classCount }) {
            throw EngineError.invalid("\(name): label of sample \(bad + 1)", expected: "a class in 1…\(classCount)", given: "\(Int(labels[bad]) + 1)")
        }
        guard classNames.isEmpty || classNames.count == classCount else {
            throw EngineError.invalid("\(name): class names", expected: "\(classCount) names", given: "\(classNames.count)")
        }
        self.pixels = pixels
        self.labels = labels
        self.sampleShape = sampleShape
        self.sampleSize = sampleSize
        self.classCount = classCount
        self.classNames = classNames.isEmpty ? (1...classCount).map { String($0) } : classNames
        self.name = name
    }

    /// Writes sample `i` (0-based, unchecked) as Float32 into `destination`
    /// (`sampleSize` values): bytes are scaled to [0, 1].
    @inline(__always)
    func copySample(_ i: Int, into destination: UnsafeMutablePointer<Float>, bytes: UnsafePointer<UInt8>?, floats: UnsafePointer<Float>?) {
        let n = sampleSize
        if let bytes {
            let source = bytes + i * n
            for k in 0..<n { destination[k] = Float(source[k]) / 255 }  // correctly rounded, as torchvision's ToTensor
        } else if let floats {
            destination.update(from: floats + i * n, count: n)
        }
    }

    /// Runs `body` with raw pointers to the stored values (exactly one is non-nil).
    func withValues<R>(_ body: (UnsafePointer<UInt8>?, UnsafePointer<Float>?) throws -> R) rethrows -> R {
        switch pixels {
        case .bytes(let b):
            return try b.withUnsafeBufferPointer { try body($0.baseAddress, nil) }
        case .floats(let t):
            return try body(nil, UnsafePointer(t.mutablePointer(as: Float.self)))
        }
    }
}

extension SampleStore {
    /// A store holding a Float32 copy of `inputs` (`N × …`: N samples of shape `…`) labelled by
    /// `labels` (N 0-based classes). `classCount` defaults to the largest label + 1.
    public static func copying(inputs: Tensor, labels: [Int], classCount: Int? = nil, classNames: [String] = [], name: String = "tensors") throws -> SampleStore {
        guard inputs.rank >= 2 else {
            throw EngineError.invalid("inputs", expected: "a tensor N×… with at least 2 dimensions (samples first)", given: "shape \(Shape.describe(inputs.shape))")
        }
        guard labels.count == inputs.shape[0] else {
            throw EngineError.invalid("labels", expected: "\(inputs.shape[0]) labels (one per sample)", given: "\(labels.count)")
        }
        if let bad = labels.firstIndex(where: { $0 < 0 || $0 >= SampleStore.maxClassCount }) {
            throw EngineError.invalid("label of sample \(bad + 1)", expected: "a class in 1…\(classCount ?? SampleStore.maxClassCount)", given: "\(labels[bad] + 1)")
        }
        let classes = classCount ?? ((labels.max() ?? 0) + 1)
        let values = try inputs.converted(to: .float32, forceCopy: true)
        return try SampleStore(pixels: .floats(values), labels: labels.map { Int32($0) }, sampleShape: Array(inputs.shape.dropFirst()),
                               classCount: classes, classNames: classNames, name: name)
    }
}
