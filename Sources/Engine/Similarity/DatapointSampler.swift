/// A deterministic subset of a layer's datapoints, for capping how many enter a similarity
/// (`max_datapoints`): a convolutional layer flattened over a probe of N images has N·H·W
/// datapoints, which can be far more than a covariance needs.
///
/// **Rule (stratified sampling).** The T datapoints, in their column order (column
/// `(n·H + h)·W + w` for conv layers, n for the others), are cut into k consecutive strata
/// `[⌊i·T/k⌋, ⌊(i+1)·T/k⌋)` and one datapoint is drawn uniformly from each, by a
/// ``RandomGenerator`` seeded with `seed`. So exactly k datapoints are kept, spread evenly over
/// the probe (every image contributes about k/N positions, at random places, so there is no
/// aliasing with the image grid), and the choice depends only on T, k and the seed — not on
/// the batch size, so a streamed comparison gives the same subset whatever its batches.
public struct DatapointSampler: Sendable {
    /// The kept column indices, ascending.
    public let selected: [Int]

    /// Keeps `keep` of `total` datapoints (all of them when `keep ≥ total`).
    public init(total: Int, keep: Int, seed: UInt64) {
        guard keep < total else {
            selected = Array(0..<total)
            return
        }
        var generator = RandomGenerator(seed: seed)
        var kept: [Int] = []
        kept.reserveCapacity(keep)
        for i in 0..<keep {
            let lower = i * total / keep, upper = (i + 1) * total / keep
            kept.append(lower + generator.nextInt(below: upper - lower))
        }
        selected = kept
    }

    /// The kept columns that fall in `range`, ascending.
    public func columns(in range: Range<Int>) -> ArraySlice<Int> {
        selected[firstIndex(atLeast: range.lowerBound)..<firstIndex(atLeast: range.upperBound)]
    }

    private func firstIndex(atLeast value: Int) -> Int {
        var low = 0, high = selected.count
        while low < high {
            let mid = (low + high) / 2
            if selected[mid] < value { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
