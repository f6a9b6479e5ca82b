/// Copies, conversions and element access.
extension Tensor {
    /// `self` if already contiguous, else a contiguous copy.
    public func contiguous() throws -> Tensor {
        isContiguous ? self : try copy()
    }

    /// A new contiguous tensor with the same values (never shares storage).
    public func copy() throws -> Tensor {
        try converted(to: dtype, forceCopy: true)
    }

    /// `self` with elements of type `target` (`self` when it already has that type and
    /// `forceCopy` is false).
    public func converted(to target: DType, forceCopy: Bool = false) throws -> Tensor {
        if target == dtype && !forceCopy { return self }
        let result = try Tensor(shape: shape, dtype: target, zeroed: false)
        try result.assign(from: self)
        return result
    }

    /// Writes `source` (same shape, or broadcastable to it; either element type) into `self`.
    public func assign(from source: Tensor) throws {
        let input = source.shape == shape ? source : try source.expanded(to: shape)
        switch (dtype, input.dtype) {
        case (.float32, .float32): copyElements(from: input, Float.self, Float.self)
        case (.float32, .float64): copyElements(from: input, Double.self, Float.self)
        case (.float64, .float32): copyElements(from: input, Float.self, Double.self)
        case (.float64, .float64): copyElements(from: input, Double.self, Double.self)
        }
    }

    private func copyElements<S: TensorScalar, D: TensorScalar>(from source: Tensor, _: S.Type, _: D.Type) {
        let src = source.mutablePointer(as: S.self)
        let dst = mutablePointer(as: D.self)
        StridedLoop(shape: shape, strides: [strides, source.strides]).forEachRun { offsets, length, inner in
            let d = dst + offsets[0], s = src + offsets[1]
            let ds = inner[0], ss = inner[1]
            if ds == 1 && ss == 1 {
                if S.self == D.self {
                    UnsafeMutableRawPointer(d).copyMemory(from: UnsafeRawPointer(s), byteCount: length * MemoryLayout<D>.stride)
                } else {
                    for i in 0..<length { d[i] = D(s[i]) }
                }
            } else {
                for i in 0..<length { d[i * ds] = D(s[i * ss]) }
            }
        }
    }

    /// Every element in row-major order, as `T`.
    public func scalars<T: TensorScalar>(as _: T.Type = T.self) -> [T] {
        guard let flat = try? converted(to: T.dtype).contiguous() else { return [] }
        return Array(UnsafeBufferPointer(start: flat.mutablePointer(as: T.self), count: count))
    }

    /// Runs `body` on the elements as a contiguous buffer of `T` (copying/converting only if
    /// needed). The buffer must not escape `body`.
    public func withContiguousBuffer<T: TensorScalar, R>(as _: T.Type, _ body: (UnsafeBufferPointer<T>) throws -> R) throws -> R {
        let flat = try converted(to: T.dtype).contiguous()
        return try withExtendedLifetime(flat) {
            try body(UnsafeBufferPointer(start: flat.mutablePointer(as: T.self), count: count))
        }
    }

    /// Storage offset (relative to `offset`) of the element at `index`, after bounds checks.
    public func elementOffset(_ index: [Int]) throws -> Int {
        guard index.count == rank else {
            throw EngineError.invalid("index", expected: "\(rank) indices", given: "\(index.count)")
        }
        var position = 0
        for d in 0..<rank {
            guard index[d] >= 0, index[d] < shape[d] else {
                throw EngineError.invalid("index", expected: "an index in 0..<\(shape[d]) for dimension \(d)", given: "\(index[d])")
            }
            position += index[d] * strides[d]
        }
        return position
    }

    /// The element at `index` (0-based, one index per dimension) as a Double.
    public func element(_ index: [Int]) throws -> Double {
        let position = try elementOffset(index)
        switch dtype {
        case .float32: return Double(mutablePointer(as: Float.self)[position])
        case .float64: return mutablePointer(as: Double.self)[position]
        }
    }

    /// Sets the element at `index` (0-based) to `value` (rounded to Float32 if needed).
    public func setElement(_ index: [Int], _ value: Double) throws {
        let position = try elementOffset(index)
        switch dtype {
        case .float32: mutablePointer(as: Float.self)[position] = Float(value)
        case .float64: mutablePointer(as: Double.self)[position] = value
        }
    }

    /// The value of a one-element tensor.
    public func item() throws -> Double {
        guard count == 1 else {
            throw EngineError.invalid("item", expected: "a tensor with one element", given: "shape \(Shape.describe(shape))")
        }
        return try element([Int](repeating: 0, count: rank))
    }

    /// Sets every element to `value`.
    public func fill(_ value: Double) {
        switch dtype {
        case .float32: fillElements(Float(value))
        case .float64: fillElements(value)
        }
    }

    private func fillElements<T: TensorScalar>(_ value: T) {
        let base = mutablePointer(as: T.self)
        StridedLoop(shape: shape, strides: [strides]).forEachRun { offsets, length, inner in
            let p = base + offsets[0], s = inner[0]
            if s == 1 { p.update(repeating: value, count: length) } else { for i in 0..<length { p[i * s] = value } }
        }
    }
}
