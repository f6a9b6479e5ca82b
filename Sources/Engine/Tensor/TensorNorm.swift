import Glibc

/// Vector norms of a tensor's elements (`torch.norm` / `torch.linalg.vector_norm`): over all
/// elements (the tensor read as one flat vector; for a matrix, p = 2 is the Frobenius norm,
/// not the spectral one) or along one dimension.
extension Tensor {
    /// Which norm: ‖x‖ₚ = (Σ|xᵢ|ᵖ)^(1/p) for p > 0, max|xᵢ| for p = ∞, the count of nonzero
    /// elements for p = 0.
    public enum NormOrder: Sendable, Equatable {
        case p(Double)
        case infinity
    }

    /// ‖x‖ of one lane. p = 2 scales by the largest magnitude first, so float64 values near
    /// the overflow threshold do not overflow when squared (as LAPACK's dnrm2).
    static func norm(_ x: UnsafeBufferPointer<Double>, _ order: NormOrder) -> Double {
        switch order {
        case .infinity:
            var top = 0.0
            for v in x { if v.isNaN { return v }; top = Swift.max(top, abs(v)) }
            return top
        case .p(let p) where p == 0:
            return Double(x.reduce(0) { $0 + ($1 != 0 ? 1 : 0) })
        case .p(let p) where p == 1:
            return x.reduce(0) { $0 + abs($1) }
        case .p(let p) where p == 2:
            let scale = Tensor.norm(x, .infinity)
            guard scale > 0, scale.isFinite else { return scale }
            var total = 0.0
            for v in x { let s = v / scale; total += s * s }
            return scale * total.squareRoot()
        case .p(let p):
            var total = 0.0
            for v in x { total += Glibc.pow(abs(v), p) }
            return Glibc.pow(total, 1 / p)
        }
    }

    /// Checks `order` is a norm this code computes (p ≥ 0 or ∞).
    private static func check(_ order: NormOrder) throws {
        if case .p(let p) = order, !(p >= 0 && p.isFinite) {
            throw EngineError.invalid("p", expected: "p ≥ 0, math.huge (∞) or \"fro\"", given: "\(p)")
        }
    }

    /// The norm of all elements as one vector (0 for an empty tensor).
    public func norm(_ order: NormOrder = .p(2)) throws -> Double {
        try Tensor.check(order)
        return try withContiguousBuffer(as: Double.self) { Tensor.norm($0, order) }
    }

    /// The norms of the lanes along `dim`: a tensor without `dim` (kept as size 1 under `keepDim`).
    public func norm(_ order: NormOrder = .p(2), dim: Int, keepDim: Bool = false) throws -> Tensor {
        try Tensor.check(order)
        let d = try Shape.normalizedDimension(dim, rank: rank)
        let lanes = try mappingLanes(d, outputLength: 1) { x, y in y[0] = Tensor.norm(x, order) }
        return keepDim ? lanes : try lanes.squeezed(d)
    }
}
