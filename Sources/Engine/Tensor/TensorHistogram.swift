/// Histograms: Torch's `histc` (counts in equal bins between two bounds) and NumPy's
/// `histogram` (counts and bin edges).
extension Tensor {
    /// Counts of the elements in `bins` equal-width bins over [low, high] (`torch.histc`):
    /// elements outside (and NaN) are ignored, an element equal to `high` falls in the last bin.
    /// With low = high = 0 the bounds are the data's minimum and maximum; equal bounds are
    /// widened by 1 on each side. The counts have the tensor's type.
    public func histc(bins: Int, low: Double = 0, high: Double = 0) throws -> Tensor {
        guard bins >= 1 else { throw EngineError.invalid("bins", expected: "at least 1 bin", given: "\(bins)") }
        guard bins <= Storage.maxCount else { throw EngineError.invalid("bins", expected: "at most \(Storage.maxCount)", given: "\(bins)") }
        guard low <= high, low.isFinite, high.isFinite else {
            throw EngineError.invalid("range", expected: "finite min ≤ max", given: "min \(low), max \(high)")
        }
        let values = try withContiguousBuffer(as: Double.self) { Array($0) }
        var (lo, hi) = (low, high)
        if lo == 0 && hi == 0, !values.isEmpty {
            let finite = values.filter { !$0.isNaN }
            lo = finite.min() ?? 0
            hi = finite.max() ?? 0
            guard lo.isFinite, hi.isFinite else {
                throw EngineError.invalid("histc", expected: "finite values to take the range from (or give min and max)", given: "min \(lo), max \(hi)")
            }
        }
        if lo == hi { lo -= 1; hi += 1 }
        var counts = [Double](repeating: 0, count: bins)
        let width = hi - lo
        for v in values where v >= lo && v <= hi {
            let bin = Swift.min(Int((v - lo) / width * Double(bins)), bins - 1)
            counts[bin] += 1
        }
        return try Tensor(shape: [bins], values: counts).converted(to: dtype)
    }

    /// `numpy.histogram(t, bins, range)`: counts (float64) and the `bins + 1` edges (in the
    /// tensor's type). The edges are `numpy.linspace(low, high, bins + 1)`; every bin is
    /// half-open [eᵢ, eᵢ₊₁) except the last, which includes `high`. Without `range` the bounds
    /// are the data's minimum and maximum (which must be finite; equal ones are widened by 0.5;
    /// an empty tensor uses [0, 1]). Values outside the range are not counted.
    public func histogram(bins: Int, range: (Double, Double)? = nil) throws -> (counts: Tensor, edges: Tensor) {
        guard bins >= 1 else { throw EngineError.invalid("bins", expected: "at least 1 bin", given: "\(bins)") }
        guard bins < Storage.maxCount else { throw EngineError.invalid("bins", expected: "fewer than \(Storage.maxCount)", given: "\(bins)") }
        let values = try withContiguousBuffer(as: Double.self) { Array($0) }
        var first: Double, last: Double
        if let range {
            (first, last) = range
            guard first <= last else { throw EngineError.invalid("range", expected: "min ≤ max", given: "{\(first), \(last)}") }
        } else if values.isEmpty {
            (first, last) = (0, 1)
        } else {
            first = values.min() ?? 0
            last = values.max() ?? 0
            if values.contains(where: { $0.isNaN }) { first = .nan }
        }
        guard first.isFinite, last.isFinite else {
            throw EngineError.invalid("histogram", expected: "a finite range (the data's minimum and maximum, or give {range = {min, max}})", given: "[\(first), \(last)]")
        }
        if first == last { first -= 0.5; last += 0.5 }
        // numpy.linspace: i·step + start in float64, the last edge exactly `last`; then the
        // tensor's type.
        let step = (last - first) / Double(bins)
        var edgeValues = (0...bins).map { Double($0) * step + first }
        edgeValues[bins] = last
        let edges = try Tensor(shape: [bins + 1], values: edgeValues).converted(to: dtype)
        let e = edges.scalars(as: Double.self)
        var counts = [Double](repeating: 0, count: bins)
        let lo = e[0], hi = e[bins]
        let scale = Double(bins) / (hi - lo)
        for v in values where v >= lo && v <= hi {
            // A first guess from the arithmetic, corrected against the edges themselves (as
            // NumPy does), so every value lands in the bin its edges say.
            var bin = Swift.min(Swift.max(Int((v - lo) * scale), 0), bins - 1)
            if v < e[bin] { bin -= 1 }
            if bin < bins - 1 && v >= e[bin + 1] { bin += 1 }
            counts[bin] += 1
        }
        return (try Tensor(shape: [bins], values: counts), edges)
    }
}
