/// The order in which one epoch of training visits a dataset, fixed by a data seed that is
/// separate from the model's initialisation seed.
///
/// Every model trained in a study with the same data seed sees the same images, in the same
/// batches, in the same order, with the same augmentation draws — whatever its architecture,
/// pruning or init seed. That is what makes layer-similarity comparisons between an original
/// network and its pruned/retrained versions fair (Blakeney et al., WACV 2020).
///
/// Usage (a training loop):
/// ```swift
/// for epoch in 0..<epochs {
///     let order = try EpochOrder(seed: dataSeed, epoch: epoch, count: ds.count,
///                                batchSize: 128, shuffle: true)
///     for b in 0..<order.batchCount {
///         var augmentation: RandomGenerator? = order.augmentationGenerator(batch: b)
///         let batch = try ds.batch(order.batch(b), augmentation: &augmentation)
///         …
///     }
/// }
/// ```
///
/// Definition (stable across versions, so that recorded studies can be reproduced):
/// - `shuffle == false`: `indices` is `0..<count`.
/// - `shuffle == true`: `indices` is `RandomGenerator(seed: mix(seed, epoch, 1)).permutation(count)`
///   (Fisher–Yates).
/// - batch `b` is `indices[b·batchSize ..< min((b+1)·batchSize, count)]`; with `dropLast`
///   a final short batch is left out.
/// - the augmentation generator of batch `b` is `RandomGenerator(seed: mix(seed, epoch, 2 + b))`,
///   independent of how many batches were consumed before it.
///
/// where `mix(s, e, k) = f(f(f(s) ^ UInt64(e)) ^ UInt64(k))` and `f` is SplitMix64's
/// finaliser (`z ^= z >> 30; z *= 0xBF58476D1CE4E5B9; z ^= z >> 27; z *= 0x94D049BB133111EB;
/// z ^= z >> 31`, after adding 0x9E3779B97F4A7C15). Epochs are 0-based here (the Lua face
/// counts them from 1).
public struct EpochOrder: Sendable {
    /// The data seed.
    public let seed: UInt64
    /// 0-based epoch number.
    public let epoch: Int
    /// Batch size.
    public let batchSize: Int
    /// Whether a final batch shorter than `batchSize` is dropped.
    public let dropLast: Bool
    /// Every sample index `0..<count` exactly once, in visiting order.
    public let indices: [Int]

    /// The order for `epoch` (≥ 0) over `count` samples in batches of `batchSize` (≥ 1).
    public init(seed: UInt64, epoch: Int, count: Int, batchSize: Int, shuffle: Bool, dropLast: Bool = false) throws {
        guard epoch >= 0 else { throw EngineError.invalid("epoch", expected: "a non-negative epoch number", given: "\(epoch)") }
        guard count >= 0 else { throw EngineError.invalid("sample count", expected: "a non-negative count", given: "\(count)") }
        guard batchSize >= 1 else { throw EngineError.invalid("batch size", expected: "a positive integer", given: "\(batchSize)") }
        self.seed = seed
        self.epoch = epoch
        self.batchSize = batchSize
        self.dropLast = dropLast
        if shuffle {
            var generator = RandomGenerator(seed: EpochOrder.mix(seed, epoch, 1))
            indices = generator.permutation(count)
        } else {
            indices = Array(0..<count)
        }
    }

    /// Number of samples visited per epoch before batching (`count`).
    public var count: Int { indices.count }

    /// Number of batches in the epoch.
    public var batchCount: Int {
        // Rounds up without forming count + batchSize − 1 (batchSize can be Int.max).
        dropLast || indices.isEmpty ? indices.count / batchSize : (indices.count - 1) / batchSize + 1
    }

    /// The sample indices of batch `b` (`0 ≤ b < batchCount`; others give an empty batch).
    public func batch(_ b: Int) -> [Int] {
        guard b >= 0, b < batchCount else { return [] }
        let start = b * batchSize
        return Array(indices[start..<(start + min(batchSize, indices.count - start))])
    }

    /// Every batch of the epoch, in order.
    public var batches: [[Int]] { (0..<batchCount).map(batch) }

    /// The generator that batch `b`'s augmentation draws from.
    public func augmentationGenerator(batch b: Int) -> RandomGenerator {
        RandomGenerator(seed: EpochOrder.mix(seed, epoch, 2 &+ b))
    }

    /// Hashes a seed, an epoch and a stream number into a seed (see the type's documentation).
    public static func mix(_ seed: UInt64, _ epoch: Int, _ stream: Int) -> UInt64 {
        finalize(finalize(finalize(seed) ^ UInt64(bitPattern: Int64(epoch))) ^ UInt64(bitPattern: Int64(stream)))
    }

    @inline(__always)
    private static func finalize(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
