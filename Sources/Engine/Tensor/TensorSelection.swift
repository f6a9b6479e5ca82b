/// Choosing elements: `where` (elementwise choice between two tensors) and boolean-mask
/// selection and assignment (`t[mask]`, `t[mask] = v`). Masks are tensors of 0s and 1s, as the
/// comparison methods (`lt`, `ge`, …) produce.
extension Tensor {
    /// One operand of ``choosing(_:_:_:)``: a tensor or a number.
    public enum Choice {
        case tensor(Tensor)
        case number(Double)
    }

    /// `a` where `condition` is nonzero, else `b` (`numpy.where`/`torch.where`; the three
    /// broadcast together). The result is float64 when a tensor operand is, else float32.
    public static func choosing(_ condition: Tensor, _ a: Choice, _ b: Choice) throws -> Tensor {
        var shape = condition.shape
        var type: DType = .float32
        for operand in [a, b] {
            if case .tensor(let t) = operand {
                shape = try Shape.broadcast(shape, t.shape)
                if t.dtype == .float64 { type = .float64 }
            }
        }
        let c = try condition.expanded(to: shape).converted(to: .float64).contiguous()
        func values(_ operand: Choice) throws -> Tensor {
            switch operand {
            case .tensor(let t): return try t.expanded(to: shape).converted(to: .float64).contiguous()
            case .number(let v): return try Tensor.full(shape, value: v, dtype: .float64)
            }
        }
        let x = try values(a), y = try values(b)
        let result = try Tensor(shape: shape, dtype: .float64, zeroed: false)
        let pc = c.mutablePointer(as: Double.self), px = x.mutablePointer(as: Double.self)
        let py = y.mutablePointer(as: Double.self), out = result.mutablePointer(as: Double.self)
        for i in 0..<result.count { out[i] = pc[i] != 0 ? px[i] : py[i] }
        return try withExtendedLifetime((c, x, y)) { try result.converted(to: type) }
    }

    /// The row-major positions (into `self`'s elements) that `mask` selects, after checking
    /// it has `self`'s shape and holds only 0s and 1s.
    func maskedPositions(_ mask: Tensor) throws -> [Int] {
        guard mask.shape == shape else {
            throw EngineError.invalid("mask", expected: "the tensor's shape \(Shape.describe(shape))", given: "shape \(Shape.describe(mask.shape))")
        }
        return try mask.withContiguousBuffer(as: Double.self) { m in
            var positions: [Int] = []
            for (i, v) in m.enumerated() {
                if v == 1 { positions.append(i) } else if v != 0 {
                    throw EngineError.invalid("mask", expected: "only 0s and 1s (as t:lt(0) gives)", given: "the value \(v)")
                }
            }
            return positions
        }
    }

    /// The elements where `mask` is 1, in row-major order, as a new 1-D tensor (NumPy's
    /// boolean indexing `t[mask]`).
    public func selecting(mask: Tensor) throws -> Tensor {
        let positions = try maskedPositions(mask)
        let values = try withContiguousBuffer(as: Double.self) { x in positions.map { x[$0] } }
        return try Tensor(shape: [values.count], values: values).converted(to: dtype)
    }

    /// Writes into the elements where `mask` is 1: `value` everywhere (a number), or the
    /// elements of `source` in row-major order (it must hold one element per selected position,
    /// or a single element). Works through views: `self` may be strided.
    public func assign(mask: Tensor, _ source: Choice) throws {
        let positions = try maskedPositions(mask)
        var values: [Double]
        switch source {
        case .number(let v): values = [v]
        case .tensor(let t):
            values = try t.withContiguousBuffer(as: Double.self) { Array($0) }
            guard values.count == positions.count || values.count == 1 else {
                throw EngineError.invalid("value", expected: "\(positions.count) element\(positions.count == 1 ? "" : "s") (one per selected position) or 1", given: "a tensor of shape \(Shape.describe(t.shape))")
            }
        }
        let contiguousStrides = Shape.contiguousStrides(shape)
        for (k, position) in positions.enumerated() {
            var rest = position, index = [Int](repeating: 0, count: rank)
            for d in 0..<rank {
                index[d] = rest / Swift.max(contiguousStrides[d], 1)
                rest -= index[d] * contiguousStrides[d]
            }
            try setElement(index, values.count == 1 ? values[0] : values[k])
        }
    }
}
