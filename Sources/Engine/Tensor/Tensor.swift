/// A strided n-dimensional array of Float32 or Float64 elements.
///
/// A tensor is a view: a ``Storage`` plus a `shape`, `strides` (in elements, may be zero for
/// broadcast dimensions) and an `offset`. Views (``reshaped(_:)``, ``permuted(_:)``,
/// ``narrowed(_:start:length:)``, ``selected(_:index:)`` …) share storage with the tensor they
/// come from, so writing through one is visible through the other, as in NumPy and Torch.
///
/// Dimensions and indices are 0-based in Engine; the Lua face converts from Lua's 1-based
/// convention.
public final class Tensor: @unchecked Sendable {
    /// The buffer this tensor views.
    public let storage: Storage
    /// Size of each dimension.
    public let shape: [Int]
    /// Step, in elements, between neighbours along each dimension.
    public let strides: [Int]
    /// Index of element `[0, 0, …]` in `storage`.
    public let offset: Int
    /// Number of elements (the product of `shape`; 1 for a 0-d tensor).
    public let count: Int

    /// Element type.
    @inline(__always) public var dtype: DType { storage.dtype }
    /// Number of dimensions.
    @inline(__always) public var rank: Int { shape.count }

    /// Wraps existing storage. The caller guarantees every addressed element lies in `storage`.
    public init(storage: Storage, shape: [Int], strides: [Int], offset: Int = 0) {
        self.storage = storage
        self.shape = shape
        self.strides = strides
        self.offset = offset
        self.count = shape.reduce(1, *)
    }

    /// A new contiguous tensor of zeros.
    public convenience init(zeros shape: [Int], dtype: DType = .float32) throws {
        try self.init(shape: shape, dtype: dtype, zeroed: true)
    }

    /// A new contiguous tensor; when `zeroed` is false its contents are undefined until written.
    public convenience init(shape: [Int], dtype: DType, zeroed: Bool) throws {
        let count = try Shape.validatedCount(shape)
        let storage = try Storage(dtype: dtype, count: count, zeroed: zeroed)
        self.init(storage: storage, shape: shape, strides: Shape.contiguousStrides(shape))
    }

    /// A new contiguous tensor holding `values` in row-major order.
    public convenience init<T: TensorScalar>(shape: [Int], values: [T]) throws {
        let count = try Shape.validatedCount(shape)
        guard values.count == count else {
            throw EngineError.invalid("tensor data", expected: "\(count) values for shape \(Shape.describe(shape))", given: "\(values.count)")
        }
        try self.init(shape: shape, dtype: T.dtype, zeroed: false)
        let destination = mutablePointer(as: T.self)
        values.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { destination.update(from: base, count: count) }
        }
    }

    /// A 0-d (scalar) tensor.
    public convenience init<T: TensorScalar>(scalar: T) throws {
        try self.init(shape: [], values: [scalar])
    }

    /// True when elements are laid out row-major without gaps, starting at `offset`.
    public var isContiguous: Bool { Tensor.isContiguousLayout(shape: shape, strides: strides) }

    /// Pointer to element `[0, 0, …]`, typed as `T` (which must be this tensor's element type).
    /// Address element `i` with `Σ index[d] * strides[d]`.
    @inline(__always)
    public func mutablePointer<T: TensorScalar>(as _: T.Type) -> UnsafeMutablePointer<T> {
        storage.pointer(as: T.self) + offset
    }

    /// The size of dimension `d`; negative `d` counts from the end.
    public func size(_ d: Int) throws -> Int {
        shape[try Shape.normalizedDimension(d, rank: rank)]
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String { TensorFormatter.format(self) }
}
