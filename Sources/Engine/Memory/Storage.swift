#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A reference-counted buffer of one element type. Tensors that are views of one another
/// share a `Storage`.
///
/// The memory comes from ``MemoryBlock/allocate(dtype:count:zeroed:)``: small buffers from
/// `malloc`/`calloc`, buffers of ``largeThreshold`` bytes or more as huge-page-advised mappings
/// recycled through ``MappingPool``. A storage lent by a ``BufferPool`` (``TensorPool``) hands
/// its block back to that pool when its last reference goes, instead of freeing it; every other
/// storage frees its block. Either way the owner is whoever holds the storage: nobody releases a buffer by hand.
public final class Storage: @unchecked Sendable {
    /// Element type of every element.
    public let dtype: DType
    /// Number of elements.
    public let count: Int
    /// Start of the buffer. Valid for `count * dtype.byteSize` bytes while `self` lives.
    public let raw: UnsafeMutableRawPointer
    /// The mapping to release (nil for malloc'd buffers).
    private let mapping: MemoryBlock.Mapping?
    /// The pool the block goes back to when this storage dies (nil: the block is freed).
    private let lender: BufferPool?

    /// Largest element count a single storage may hold (2^40 elements): absurd requests get a
    /// clear error instead of an allocation failure.
    public static let maxCount = MemoryBlock.maxCount

    /// Buffers at least this large (bytes) are huge-page-advised mappings.
    public static let largeThreshold = MemoryBlock.largeThreshold

    /// Allocates `count` elements, zeroed unless `zeroed` is false (then the caller must write
    /// every element before anyone reads it).
    public init(dtype: DType, count: Int, zeroed: Bool = true) throws {
        let block = try MemoryBlock.allocate(dtype: dtype, count: count, zeroed: zeroed)
        self.dtype = dtype
        self.count = count
        self.raw = block.raw
        self.mapping = block.mapping
        self.lender = nil
    }

    /// Wraps `block`, which this storage then owns; at the end it goes back to `lender` when
    /// there is one, else it is freed.
    init(owning block: MemoryBlock, lender: BufferPool?) {
        self.dtype = block.dtype
        self.count = block.count
        self.raw = block.raw
        self.mapping = block.mapping
        self.lender = lender
    }

    deinit {
        let block = MemoryBlock(dtype: dtype, count: count, raw: raw, mapping: mapping)
        if let lender {
            lender.reclaim(block)
        } else {
            block.dispose()
        }
    }

    /// Bytes of freed mappings kept for reuse at most (see ``MappingPool``).
    public static var poolLimit: Int { MappingPool.limit }

    /// Returns every pooled mapping to the system.
    public static func releasePool() { MappingPool.releaseAll() }

    /// The buffer typed as `T` (which must match `dtype`).
    @inline(__always)
    public func pointer<T: TensorScalar>(as _: T.Type) -> UnsafeMutablePointer<T> {
        raw.assumingMemoryBound(to: T.self)
    }

    /// The buffer's size in bytes.
    public var byteCount: Int { count * dtype.byteSize }
}
