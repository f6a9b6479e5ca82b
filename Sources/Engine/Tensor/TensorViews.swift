/// Views: new shapes over the same storage. Each returns a tensor sharing storage with `self`
/// (``reshaped(_:)`` copies only when no view can express the new shape, as torch.reshape).
extension Tensor {
    /// A view with `shape` (one entry may be -1). Throws when the element layout cannot be
    /// expressed as a view (use ``reshaped(_:)`` to copy in that case).
    public func view(_ newShape: [Int]) throws -> Tensor {
        let target = try Shape.inferred(newShape, count: count)
        guard let newStrides = Tensor.viewStrides(shape: shape, strides: strides, target: target) else {
            throw EngineError.invalid("view", expected: "a tensor whose layout allows shape \(Shape.describe(target)) without copying (call reshape instead)", given: "shape \(Shape.describe(shape)) with strides \(strides)")
        }
        return Tensor(storage: storage, shape: target, strides: newStrides, offset: offset)
    }

    /// `self` with `shape` (one entry may be -1): a view when possible, else a contiguous copy.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        let target = try Shape.inferred(newShape, count: count)
        if let newStrides = Tensor.viewStrides(shape: shape, strides: strides, target: target) {
            return Tensor(storage: storage, shape: target, strides: newStrides, offset: offset)
        }
        return try contiguous().view(target)
    }

    /// Dimensions reordered: dimension `i` of the result is dimension `order[i]` of `self`.
    public func permuted(_ order: [Int]) throws -> Tensor {
        guard order.count == rank else {
            throw EngineError.invalid("permute", expected: "\(rank) dimensions", given: "\(order.count)")
        }
        let normalized = try order.map { try Shape.normalizedDimension($0, rank: rank) }
        guard Set(normalized).count == rank else {
            throw EngineError.invalid("permute", expected: "each dimension exactly once", given: "\(order)")
        }
        return Tensor(storage: storage, shape: normalized.map { shape[$0] }, strides: normalized.map { strides[$0] }, offset: offset)
    }

    /// Dimensions `a` and `b` swapped.
    public func transposed(_ a: Int, _ b: Int) throws -> Tensor {
        let da = try Shape.normalizedDimension(a, rank: rank)
        let db = try Shape.normalizedDimension(b, rank: rank)
        var order = Array(0..<rank)
        order.swapAt(da, db)
        return try permuted(order)
    }

    /// The matrix transpose of a 2-D tensor (a 1-D or 0-d tensor is returned unchanged, as in Torch).
    public func t() throws -> Tensor {
        if rank < 2 { return self }
        guard rank == 2 else {
            throw EngineError.invalid("t", expected: "a tensor with at most 2 dimensions (use permute or transpose)", given: "\(rank) dimensions")
        }
        return try transposed(0, 1)
    }

    /// `length` entries of dimension `dim` starting at `start`.
    public func narrowed(_ dim: Int, start: Int, length: Int) throws -> Tensor {
        let d = try Shape.normalizedDimension(dim, rank: rank)
        guard start >= 0, length >= 0, length <= shape[d], start <= shape[d] - length else {
            throw EngineError.invalid("narrow", expected: "start and length within size \(shape[d]) of dimension \(d)", given: "start \(start), length \(length)")
        }
        var newShape = shape
        newShape[d] = length
        return Tensor(storage: storage, shape: newShape, strides: strides, offset: offset + start * strides[d])
    }

    /// Entries `start, start+step, …` below `end` of dimension `dim` (step ≥ 1).
    public func sliced(_ dim: Int, start: Int, end: Int, step: Int = 1) throws -> Tensor {
        let d = try Shape.normalizedDimension(dim, rank: rank)
        guard step >= 1 else {
            throw EngineError.invalid("slice", expected: "a step ≥ 1", given: "\(step)")
        }
        guard start >= 0, end >= start, end <= shape[d] else {
            throw EngineError.invalid("slice", expected: "0 ≤ start ≤ end ≤ \(shape[d]) in dimension \(d)", given: "start \(start), end \(end)")
        }
        var newShape = shape
        var newStrides = strides
        // Overflow-free for any step: with two or more entries, step < size, so the stride fits.
        newShape[d] = end > start ? (end - start - 1) / step + 1 : 0
        newStrides[d] = newShape[d] > 1 ? strides[d] * step : strides[d]
        return Tensor(storage: storage, shape: newShape, strides: newStrides, offset: offset + start * strides[d])
    }

    /// The sub-tensor at `index` of dimension `dim`, with that dimension removed.
    public func selected(_ dim: Int, index: Int) throws -> Tensor {
        let d = try Shape.normalizedDimension(dim, rank: rank)
        guard index >= 0, index < shape[d] else {
            throw EngineError.invalid("index", expected: "an index in 0..<\(shape[d]) for dimension \(d)", given: "\(index)")
        }
        var newShape = shape
        var newStrides = strides
        newShape.remove(at: d)
        newStrides.remove(at: d)
        return Tensor(storage: storage, shape: newShape, strides: newStrides, offset: offset + index * strides[d])
    }

    /// A view with a size-1 dimension inserted at `dim` (0…rank).
    public func unsqueezed(_ dim: Int) throws -> Tensor {
        let d = dim < 0 ? dim + rank + 1 : dim
        guard d >= 0, d <= rank else {
            throw EngineError.invalid("unsqueeze", expected: "a dimension in 0...\(rank)", given: "\(dim)")
        }
        var newShape = shape
        var newStrides = strides
        newShape.insert(1, at: d)
        newStrides.insert(d < rank ? strides[d] * shape[d] : 1, at: d)
        return Tensor(storage: storage, shape: newShape, strides: newStrides, offset: offset)
    }

    /// A view without size-1 dimensions (only `dim`, if given).
    public func squeezed(_ dim: Int? = nil) throws -> Tensor {
        if let dim {
            let d = try Shape.normalizedDimension(dim, rank: rank)
            guard shape[d] == 1 else { return self }
            var newShape = shape, newStrides = strides
            newShape.remove(at: d)
            newStrides.remove(at: d)
            return Tensor(storage: storage, shape: newShape, strides: newStrides, offset: offset)
        }
        let keep = shape.indices.filter { shape[$0] != 1 }
        return Tensor(storage: storage, shape: keep.map { shape[$0] }, strides: keep.map { strides[$0] }, offset: offset)
    }

    /// A broadcast view of `self` with `target` shape (stride 0 along expanded dimensions).
    public func expanded(to target: [Int]) throws -> Tensor {
        guard target.count >= rank else {
            throw EngineError.invalid("expand", expected: "at least \(rank) dimensions", given: Shape.describe(target))
        }
        _ = try Shape.validatedCount(target)
        let lead = target.count - rank
        var newStrides = [Int](repeating: 0, count: target.count)
        for d in 0..<rank {
            if shape[d] == target[lead + d] {
                newStrides[lead + d] = strides[d]
            } else if shape[d] == 1 {
                newStrides[lead + d] = 0
            } else {
                throw EngineError.invalid("broadcast", expected: "a shape that broadcasts to \(Shape.describe(target))", given: Shape.describe(shape))
            }
        }
        return Tensor(storage: storage, shape: target, strides: newStrides, offset: offset)
    }

    /// Whether (`shape`, `strides`) is row-major without gaps.
    static func isContiguousLayout(shape: [Int], strides: [Int]) -> Bool {
        var expected = 1
        for d in stride(from: shape.count - 1, through: 0, by: -1) where shape[d] != 1 {
            if strides[d] != expected { return false }
            expected *= shape[d]
        }
        return true
    }

    /// Strides that present (`shape`, `strides`) as `target` without copying, or nil.
    /// Follows the rule of torch's `computeStride`: each group of target dimensions must map onto
    /// a run of source dimensions that are contiguous with each other.
    static func viewStrides(shape: [Int], strides: [Int], target: [Int]) -> [Int]? {
        let count = shape.reduce(1, *)
        if shape == target { return strides }
        if count == 0 || isContiguousLayout(shape: shape, strides: strides) { return Shape.contiguousStrides(target) }
        var newStrides = [Int](repeating: 0, count: target.count)
        var viewD = target.count - 1
        var chunkBaseStride = strides.last ?? 1
        var tensorElements = 1
        var viewElements = 1
        for tensorD in stride(from: shape.count - 1, through: 0, by: -1) {
            tensorElements *= shape[tensorD]
            if tensorD == 0 || (shape[tensorD - 1] != 1 && strides[tensorD - 1] != tensorElements * chunkBaseStride) {
                while viewD >= 0 && (viewElements < tensorElements || target[viewD] == 1) {
                    newStrides[viewD] = viewElements * chunkBaseStride
                    viewElements *= target[viewD]
                    viewD -= 1
                }
                if viewElements != tensorElements { return nil }
                if tensorD > 0 {
                    chunkBaseStride = strides[tensorD - 1]
                    tensorElements = 1
                    viewElements = 1
                }
            }
        }
        if viewD != -1 { return nil }
        return newStrides
    }
}
