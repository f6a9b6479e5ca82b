#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A reference-counted buffer of one element type. Tensors that are views of one another
/// share a `Storage`.
public final class Storage: @unchecked Sendable {
    /// Element type of every element.
    public let dtype: DType
    /// Number of elements.
    public let count: Int
    /// Start of the buffer. Valid for `count * dtype.byteSize` bytes while `self` lives.
    public let raw: UnsafeMutableRawPointer

    /// Largest element count a single storage may hold (2^40 elements): absurd requests get a
    /// clear error instead of an allocation failure.
    public static let maxCount = 1 << 40

    /// Allocates `count` elements, zeroed unless `zeroed` is false (then the caller must write
    /// every element before anyone reads it).
    public init(dtype: DType, count: Int, zeroed: Bool = true) throws {
        guard count >= 0, count <= Storage.maxCount else {
            throw EngineError.invalid("tensor size", expected: "0 to \(Storage.maxCount) elements", given: "\(count)")
        }
        let bytes = max(count * dtype.byteSize, 1)
        let pointer = zeroed ? calloc(1, bytes) : malloc(bytes)
        guard let pointer else {
            throw EngineError("cannot allocate \(bytes) bytes for a tensor of \(count) elements")
        }
        self.dtype = dtype
        self.count = count
        self.raw = pointer
    }

    deinit { free(raw) }

    /// The buffer typed as `T` (which must match `dtype`).
    @inline(__always)
    public func pointer<T: TensorScalar>(as _: T.Type) -> UnsafeMutablePointer<T> {
        raw.assumingMemoryBound(to: T.self)
    }
}
