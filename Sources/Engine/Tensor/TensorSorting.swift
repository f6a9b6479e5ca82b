/// Sorting along a dimension, the k largest (or smallest) entries, and quantiles.
extension Tensor {
    /// The positions of a lane in sorted order. Stable: equal values keep their original order
    /// (as NumPy's `kind="stable"` and PyTorch's `stable=True`), in both directions. NaN counts
    /// as larger than every number (last ascending, first descending, as PyTorch).
    static func sortedOrder(_ x: UnsafeBufferPointer<Double>, descending: Bool) -> [Int] {
        var order = Array(x.indices)
        order.sort { i, j in
            let a = x[i], b = x[j]
            if a.isNaN || b.isNaN {
                if a.isNaN && b.isNaN { return i < j }
                return descending ? a.isNaN : b.isNaN
            }
            if a != b { return descending ? a > b : a < b }
            return i < j
        }
        return order
    }

    /// The values along `dim` (0-based) in ascending (or descending) order, and their 0-based
    /// positions in `self` (a float64 tensor). Stable for ties; see ``sortedOrder(_:descending:)``.
    public func sorted(dim: Int, descending: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        try topEntries(dim: dim, k: try size(dim), largest: descending)
    }

    /// The `k` largest (or smallest) values along `dim`, in that order, and their 0-based
    /// positions (as `torch.topk` with `sorted=True`; ties in their original order).
    public func top(_ k: Int, dim: Int, largest: Bool = true) throws -> (values: Tensor, indices: Tensor) {
        let n = try size(dim)
        guard k >= 0, k <= n else {
            throw EngineError.invalid("k", expected: "0…\(n) (the size of dimension \(try Shape.normalizedDimension(dim, rank: rank) + 1))", given: "\(k)")
        }
        return try topEntries(dim: dim, k: k, largest: largest)
    }

    private func topEntries(dim: Int, k: Int, largest: Bool) throws -> (values: Tensor, indices: Tensor) {
        var positions: [[Int]] = []
        let values = try mappingLanes(dim, outputLength: k) { x, y in
            let order = Tensor.sortedOrder(x, descending: largest)
            for i in 0..<k { y[i] = x[order[i]] }
            positions.append(Array(order.prefix(k)))
        }
        var lane = 0
        let indices = try mappingLanes(dim, outputLength: k, dtype: .float64) { _, y in
            for i in 0..<k { y[i] = Double(positions[lane][i]) }
            lane += 1
        }
        return (values, indices)
    }

    /// The `q`-quantile of a sorted lane by linear interpolation between the two nearest ranks
    /// (NumPy's default `method="linear"`, Hyndman & Fan's type 7): with h = (n − 1)q,
    /// x⌊h⌋ + (h − ⌊h⌋)(x⌊h⌋₊₁ − x⌊h⌋). NaN when the lane holds NaN.
    static func quantile(sorted x: [Double], _ q: Double) -> Double {
        guard let last = x.last else { return .nan }
        if last.isNaN { return .nan }
        let h = Double(x.count - 1) * q
        let low = Int(h.rounded(.down))
        let t = h - Double(low)
        if low + 1 >= x.count { return x[x.count - 1] }
        let a = x[low], b = x[low + 1]
        // NumPy's _lerp: a + (b − a)t, computed from the nearer end for t ≥ 0.5.
        return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t
    }

    /// Checks quantile levels are in [0, 1].
    private static func checkLevels(_ qs: [Double]) throws {
        for q in qs where !(q >= 0 && q <= 1) {
            throw EngineError.invalid("q", expected: "quantile levels in [0, 1]", given: "\(q)")
        }
    }

    /// The quantiles `qs` of all elements (linear interpolation, as `numpy.quantile`).
    public func quantiles(_ qs: [Double]) throws -> [Double] {
        try Tensor.checkLevels(qs)
        guard count > 0 else { throw EngineError.invalid("quantile", expected: "a non-empty tensor", given: "shape \(Shape.describe(shape))") }
        let sorted = try withContiguousBuffer(as: Double.self) { buffer in
            Tensor.sortedOrder(buffer, descending: false).map { buffer[$0] }
        }
        return qs.map { Tensor.quantile(sorted: sorted, $0) }
    }

    /// The quantiles `qs` along `dim`: a tensor without `dim` (or with it as size 1 under
    /// `keepDim`), with a leading dimension of `qs.count` when `leading` (as `numpy.quantile`
    /// with an array of levels).
    public func quantiles(_ qs: [Double], dim: Int, keepDim: Bool = false, leading: Bool) throws -> Tensor {
        try Tensor.checkLevels(qs)
        let d = try Shape.normalizedDimension(dim, rank: rank)
        guard shape[d] > 0 else { throw EngineError.invalid("quantile", expected: "a non-empty dimension \(d + 1)", given: "shape \(Shape.describe(shape))") }
        // Lanes of qs.count values each, at position d; then move that dimension to the front.
        let lanes = try mappingLanes(d, outputLength: qs.count) { x, y in
            let sorted = Tensor.sortedOrder(x, descending: false).map { x[$0] }
            for (i, q) in qs.enumerated() { y[i] = Tensor.quantile(sorted: sorted, q) }
        }
        var order = Array(0..<rank)
        order.remove(at: d)
        order.insert(d, at: 0)
        var result = try lanes.permuted(order).contiguous()
        if keepDim { result = try result.unsqueezed(d + 1) }
        return leading ? result : try result.squeezed(0)
    }
}
