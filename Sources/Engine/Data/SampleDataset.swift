/// A dataset: a view onto a ``SampleStore`` choosing which samples it shows (``IndexMap``),
/// how values are normalised (``Normalization``) and how training batches are augmented
/// (``ImageAugmentation``).
///
/// Views are immutable and cheap: ``subset(first:count:)``, ``split(fraction:seed:)``,
/// ``normalized(mean:std:)`` and ``augmented(_:)`` return new views that share the store's
/// images. Batches are assembled on demand as Float32 (see ``batch(_:augmentation:)``).
/// Indices are 0-based; labels are 0-based class indices.
public final class SampleDataset: Dataset, Sendable, CustomStringConvertible {
    /// The samples this view reads.
    public let store: SampleStore
    /// Which store samples the view shows, in order.
    public let indices: IndexMap
    /// Applied to every value read (identity unless normalised).
    public let normalization: Normalization
    /// Applied to training batches (nil: none).
    public let augmentation: ImageAugmentation?

    /// Every sample of `store`, unnormalised, unaugmented.
    public convenience init(store: SampleStore) {
        self.init(store: store, indices: IndexMap(range: 0..<store.count),
                  normalization: .identity(channels: SampleDataset.channelCount(of: store.sampleShape)), augmentation: nil)
    }

    private init(store: SampleStore, indices: IndexMap, normalization: Normalization, augmentation: ImageAugmentation?) {
        self.store = store
        self.indices = indices
        self.normalization = normalization
        self.augmentation = augmentation
    }

    /// Number of channels of a sample shape: its first dimension when it has two or more,
    /// else 1.
    public static func channelCount(of shape: [Int]) -> Int { shape.count >= 2 ? shape[0] : 1 }

    public var count: Int { indices.count }
    public var sampleShape: [Int] { store.sampleShape }
    public var classCount: Int { store.classCount }
    /// One name per class (index = 0-based label).
    public var classNames: [String] { store.classNames }
    /// Channels of a sample (see ``channelCount(of:)``).
    public var channelCount: Int { normalization.mean.count }

    // MARK: views

    /// Samples `first..<first + count` of this view (0-based), sharing its images, normalisation
    /// and augmentation.
    public func subset(first: Int, count length: Int) throws -> SampleDataset {
        guard first >= 0, first <= count else {
            throw EngineError.invalid("subset start", expected: "a sample index in 1…\(count)", given: "\(first + 1)")
        }
        guard length >= 0, length <= count - first else {
            throw EngineError.invalid("subset count", expected: "a count in 0…\(count - first) (samples from \(first + 1) to the end)", given: "\(length)")
        }
        return SampleDataset(store: store, indices: indices.slice(first, length), normalization: normalization, augmentation: augmentation)
    }

    /// Two disjoint views that together hold every sample: a seeded random
    /// `round(fraction · count)` samples, and the rest. Each part keeps this view's order
    /// (a split selects, it does not shuffle). The selection is the first part of
    /// `RandomGenerator(seed: seed).permutation(count)`.
    public func split(fraction: Double, seed: UInt64) throws -> (SampleDataset, SampleDataset) {
        guard fraction.isFinite, fraction >= 0, fraction <= 1 else {
            throw EngineError.invalid("split fraction", expected: "a number in [0, 1]", given: "\(fraction)")
        }
        var generator = RandomGenerator(seed: seed)
        let permutation = generator.permutation(count)
        let k = Int((fraction * Double(count)).rounded())
        let first = permutation[..<k].sorted(), second = permutation[k...].sorted()
        return (SampleDataset(store: store, indices: indices.picking(first[...]), normalization: normalization, augmentation: augmentation),
                SampleDataset(store: store, indices: indices.picking(second[...]), normalization: normalization, augmentation: augmentation))
    }

    /// This view with values normalised per channel, `(x − mean) / std`, after any existing
    /// normalisation. `mean` and `std` have one value per channel, or one for all.
    public func normalized(mean: [Double], std: [Double]) throws -> SampleDataset {
        let next = try Normalization(mean: mean, std: std, channels: channelCount)
        return SampleDataset(store: store, indices: indices, normalization: normalization.then(next), augmentation: augmentation)
    }

    /// This view with `augmentation` (replacing any it had) applied to batches assembled with
    /// a generator. Needs image samples (`C × H × W`).
    public func augmented(_ augmentation: ImageAugmentation) throws -> SampleDataset {
        guard sampleShape.count == 3 else {
            throw EngineError.invalid("augmentation", expected: "image samples (channels × height × width)", given: "samples of shape \(Shape.describe(sampleShape))")
        }
        return SampleDataset(store: store, indices: indices, normalization: normalization,
                             augmentation: augmentation.isIdentity ? nil : augmentation)
    }

    // MARK: samples and batches

    /// The 0-based label of sample `i`.
    public func label(at i: Int) throws -> Int {
        try checkIndex(i)
        return Int(store.labels[indices[i]])
    }

    /// Sample `i` as a Float32 tensor of `sampleShape`, normalised, never augmented.
    public func sample(at i: Int) throws -> Tensor {
        var none: RandomGenerator? = nil
        let b = try batch([i], augmentation: &none)
        return try b.inputs.reshaped(sampleShape)
    }

    /// The samples at `positions` (0-based view indices) as `N × sampleShape` Float32, with
    /// their labels. With a generator and an augmentation, each image is cropped/flipped with
    /// draws from it (see ``ImageAugmentation/draw(_:)``: the draws per image are fixed, so
    /// the same generator state gives the same batch); then values are normalised.
    public func batch(_ positions: [Int], augmentation generator: inout RandomGenerator?) throws -> Batch {
        for i in positions { try checkIndex(i) }
        let size = store.sampleSize
        let inputs = try Tensor(shape: [positions.count] + sampleShape, dtype: .float32, zeroed: false)
        let out = inputs.mutablePointer(as: Float.self)
        var labels = [Int]()
        labels.reserveCapacity(positions.count)
        store.withValues { bytes, floats in
            if let augmentation, var draws = generator {
                defer { generator = draws }
                let shape = sampleShape
                let scratch = UnsafeMutablePointer<Float>.allocate(capacity: size)
                defer { scratch.deallocate() }
                for (k, i) in positions.enumerated() {
                    store.copySample(indices[i], into: scratch, bytes: bytes, floats: floats)
                    let placement = augmentation.draw(&draws)
                    ImageAugmentation.apply(placement, from: scratch, to: out + k * size,
                                            channels: shape[0], height: shape[1], width: shape[2])
                }
            } else {
                for (k, i) in positions.enumerated() {
                    store.copySample(indices[i], into: out + k * size, bytes: bytes, floats: floats)
                }
            }
        }
        for i in positions { labels.append(Int(store.labels[indices[i]])) }
        if !normalization.isIdentity {
            normalization.apply(to: out, samples: positions.count, planeSize: size / channelCount)
        }
        return Batch(inputs: inputs, labels: labels)
    }

    /// Every sample of the view as one batch (normalised, unaugmented).
    public func all() throws -> Batch {
        var none: RandomGenerator? = nil
        return try batch(Array(0..<count), augmentation: &none)
    }

    private func checkIndex(_ i: Int) throws {
        guard i >= 0, i < count else {
            throw EngineError.invalid("sample index", expected: count == 0 ? "no index (the dataset is empty)" : "an index in 1…\(count)", given: "\(i + 1)")
        }
    }

    // MARK: description

    /// One line: where the samples come from, how many, their shape, classes, and any
    /// normalisation and augmentation.
    public var description: String {
        var text = store.name
        if !indices.isIdentity(over: store.count) { text += " " + indices.summary }
        text += ", \(count) samples of \(Shape.describe(sampleShape)) (\(store.isBytes ? "bytes scaled to [0, 1]" : "float32")), \(classCount) classes"
        if !normalization.isIdentity { text += ", normalized (\(normalization))" }
        if let augmentation { text += ", augmented (\(augmentation))" }
        return text
    }
}
