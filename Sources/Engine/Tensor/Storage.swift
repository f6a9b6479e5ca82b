#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A reference-counted buffer of one element type. Tensors that are views of one another
/// share a `Storage`.
///
/// Small buffers come from `malloc`/`calloc`. Buffers of ``largeThreshold`` bytes or more are
/// anonymous `mmap`s aligned to 2 MiB and advised `MADV_HUGEPAGE`, as NumPy does for its large
/// arrays: first-touch page faults then cost one fault per 2 MiB instead of one per 4 KiB, which
/// dominates elementwise work on fresh 10⁷-element results. Fresh mappings are already zero.
public final class Storage: @unchecked Sendable {
    /// Element type of every element.
    public let dtype: DType
    /// Number of elements.
    public let count: Int
    /// Start of the buffer. Valid for `count * dtype.byteSize` bytes while `self` lives.
    public let raw: UnsafeMutableRawPointer
    /// The mapping to release (nil for malloc'd buffers).
    private let mapping: (base: UnsafeMutableRawPointer, length: Int)?

    /// Largest element count a single storage may hold (2^40 elements): absurd requests get a
    /// clear error instead of an allocation failure.
    public static let maxCount = 1 << 40

    /// Buffers at least this large (bytes) are huge-page-advised mappings.
    public static let largeThreshold = 4 << 20

    private static let hugePage = 2 << 20

    /// Allocates `count` elements, zeroed unless `zeroed` is false (then the caller must write
    /// every element before anyone reads it).
    public init(dtype: DType, count: Int, zeroed: Bool = true) throws {
        guard count >= 0, count <= Storage.maxCount else {
            throw EngineError.invalid("tensor size", expected: "0 to \(Storage.maxCount) elements", given: "\(count)")
        }
        let bytes = max(count * dtype.byteSize, 1)
        self.dtype = dtype
        self.count = count
        if bytes >= Storage.largeThreshold {
            let length = bytes + Storage.hugePage
            let base = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
            guard let base, base != UnsafeMutableRawPointer(bitPattern: -1) else {
                throw EngineError("cannot allocate \(bytes) bytes for a tensor of \(count) elements")
            }
            let address = UInt(bitPattern: base)
            let aligned = (address + UInt(Storage.hugePage - 1)) & ~UInt(Storage.hugePage - 1)
            let start = base + Int(aligned - address)
            _ = madvise(start, bytes, MADV_HUGEPAGE)
            self.raw = start
            self.mapping = (base, length)
        } else {
            let pointer = zeroed ? calloc(1, bytes) : malloc(bytes)
            guard let pointer else {
                throw EngineError("cannot allocate \(bytes) bytes for a tensor of \(count) elements")
            }
            self.raw = pointer
            self.mapping = nil
        }
    }

    deinit {
        if let mapping {
            munmap(mapping.base, mapping.length)
        } else {
            free(raw)
        }
    }

    /// The buffer typed as `T` (which must match `dtype`).
    @inline(__always)
    public func pointer<T: TensorScalar>(as _: T.Type) -> UnsafeMutablePointer<T> {
        raw.assumingMemoryBound(to: T.self)
    }

    /// The buffer's size in bytes.
    public var byteCount: Int { count * dtype.byteSize }
}
