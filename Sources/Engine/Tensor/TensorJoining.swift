/// Joining tensors: concatenation along an existing dimension and stacking along a new one
/// (`torch.cat` / `numpy.concatenate`, `torch.stack` / `numpy.stack`).
extension Tensor {
    /// The tensors of `parts` joined along `dim` (0-based): every part has the same rank and the
    /// same sizes except along `dim`. The result is float64 when any part is, else float32.
    public static func concatenated(_ parts: [Tensor], dim: Int) throws -> Tensor {
        guard let first = parts.first else {
            throw EngineError.invalid("tensors", expected: "at least one tensor", given: "none")
        }
        let d = try Shape.normalizedDimension(dim, rank: first.rank)
        var shape = first.shape
        var total = 0
        for (i, part) in parts.enumerated() {
            var a = part.shape, b = first.shape
            guard a.count == b.count else {
                throw EngineError.invalid("tensor \(i + 1)", expected: "\(first.rank) dimensions (as tensor 1)", given: "shape \(Shape.describe(part.shape))")
            }
            a[d] = 0; b[d] = 0
            guard a == b else {
                throw EngineError.invalid("tensor \(i + 1)", expected: "the sizes of tensor 1 (\(Shape.describe(first.shape))) except along dimension \(d + 1)", given: "shape \(Shape.describe(part.shape))")
            }
            let (sum, overflow) = total.addingReportingOverflow(part.shape[d])
            guard !overflow else { throw EngineError.invalid("result", expected: "a representable size", given: "an overflowing one") }
            total = sum
        }
        shape[d] = total
        let type: DType = parts.contains { $0.dtype == .float64 } ? .float64 : .float32
        let result = try Tensor(shape: shape, dtype: type, zeroed: false)
        var start = 0
        for part in parts {
            let length = part.shape[d]
            if length > 0 { try result.narrowed(d, start: start, length: length).assign(from: part) }
            start += length
        }
        return result
    }

    /// The tensors of `parts` (all of one shape) stacked along a new dimension `dim`
    /// (0…rank, the new dimension's position in the result).
    public static func stacked(_ parts: [Tensor], dim: Int) throws -> Tensor {
        guard let first = parts.first else {
            throw EngineError.invalid("tensors", expected: "at least one tensor", given: "none")
        }
        for (i, part) in parts.enumerated() where part.shape != first.shape {
            throw EngineError.invalid("tensor \(i + 1)", expected: "the shape of tensor 1 (\(Shape.describe(first.shape)))", given: "shape \(Shape.describe(part.shape))")
        }
        guard dim >= 0, dim <= first.rank else {
            throw EngineError.invalid("dimension", expected: "a position in 0…\(first.rank)", given: "\(dim)")
        }
        return try concatenated(parts.map { try $0.unsqueezed(dim) }, dim: dim)
    }
}
