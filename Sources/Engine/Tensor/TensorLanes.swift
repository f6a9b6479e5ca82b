import Glibc

/// Lanes: the 1-D runs of a tensor along one dimension. Operations that need a whole run at once
/// (sorting, scans, softmax, quantiles) read each lane as contiguous `Double`s and write a lane
/// of results, whatever the tensor's strides.
extension Tensor {
    /// The sizes of every dimension but `d`.
    func shapeWithout(_ d: Int) -> [Int] {
        var s = shape
        s.remove(at: d)
        return s
    }

    /// A new tensor whose lanes along `dim` are `body`'s outputs: `body(input, output)` gets each
    /// lane of `self` (as `Double`s, `shape[dim]` of them) and fills `outputLength` values.
    /// The result has `self`'s shape with dimension `dim` of size `outputLength`, and type
    /// `dtype` (the tensor's own by default). Works on any strides (views, broadcasts).
    func mappingLanes(_ dim: Int, outputLength: Int, dtype resultType: DType? = nil,
                      _ body: (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) throws -> Void) throws -> Tensor {
        let d = try Shape.normalizedDimension(dim, rank: rank)
        let n = shape[d]
        let outer = try Shape.validatedCount(shapeWithout(d))
        var order = Array(0..<rank)
        order.remove(at: d)
        order.append(d)
        let moved = try permuted(order)
        let (total, overflow) = outer.multipliedReportingOverflow(by: outputLength)
        guard !overflow, total <= Storage.maxCount else {
            throw EngineError.invalid("result", expected: "at most \(Storage.maxCount) elements", given: "\(outer) × \(outputLength)")
        }
        var results = [Double](repeating: 0, count: total)
        try moved.withContiguousBuffer(as: Double.self) { input in
            try results.withUnsafeMutableBufferPointer { output in
                for lane in 0..<outer {
                    let source = UnsafeBufferPointer(rebasing: input[(lane * n)..<(lane * n + n)])
                    let target = UnsafeMutableBufferPointer(rebasing: output[(lane * outputLength)..<(lane * outputLength + outputLength)])
                    try body(source, target)
                }
            }
        }
        var movedShape = shapeWithout(d)
        movedShape.append(outputLength)
        let flat = try Tensor(shape: movedShape, values: results)
        // Put the lane dimension back at position d.
        var inverse = Array(0..<(rank - 1))
        inverse.insert(rank - 1, at: d)
        return try flat.permuted(inverse).converted(to: resultType ?? dtype, forceCopy: true)
    }

    /// Softmax along `dim`: exp(xᵢ − max) / Σⱼ exp(xⱼ − max), computed in `Double` after
    /// subtracting the lane's maximum so large inputs do not overflow (NaN propagates; a lane
    /// of −inf gives NaN, as in PyTorch).
    public func softmax(dim: Int) throws -> Tensor {
        try mappingLanes(dim, outputLength: try size(dim)) { x, y in
            guard let top = Tensor.laneMaximum(x) else { return }
            var total = 0.0
            for i in x.indices { y[i] = Glibc.exp(x[i] - top); total += y[i] }
            for i in y.indices { y[i] /= total }
        }
    }

    /// log softmax along `dim`: xᵢ − max − log Σⱼ exp(xⱼ − max) (the log-sum-exp trick, so no
    /// term overflows and the log of a tiny probability stays finite).
    public func logSoftmax(dim: Int) throws -> Tensor {
        try mappingLanes(dim, outputLength: try size(dim)) { x, y in
            guard let top = Tensor.laneMaximum(x) else { return }
            var total = 0.0
            for v in x { total += Glibc.exp(v - top) }
            let shift = top + Glibc.log(total)
            for i in x.indices { y[i] = x[i] - shift }
        }
    }

    /// Cumulative sums along `dim` (yᵢ = x₁ + … + xᵢ), accumulated in `Double`.
    public func cumulativeSum(dim: Int) throws -> Tensor {
        try mappingLanes(dim, outputLength: try size(dim)) { x, y in
            var total = 0.0
            for i in x.indices { total += x[i]; y[i] = total }
        }
    }

    /// The largest value of a lane (NaN if any is NaN); nil for an empty lane.
    static func laneMaximum(_ x: UnsafeBufferPointer<Double>) -> Double? {
        guard var top = x.first else { return nil }
        for v in x {
            if v.isNaN { return v }
            if v > top { top = v }
        }
        return top
    }
}
