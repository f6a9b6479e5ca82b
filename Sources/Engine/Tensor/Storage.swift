#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization

/// A reference-counted buffer of one element type. Tensors that are views of one another
/// share a `Storage`.
///
/// Small buffers come from `malloc`/`calloc`. Buffers of ``largeThreshold`` bytes or more are
/// anonymous `mmap`s aligned to 2 MiB and advised `MADV_HUGEPAGE`, as NumPy does for its large
/// arrays: first-touch page faults then cost one fault per 2 MiB instead of one per 4 KiB, which
/// dominates elementwise work on fresh 10⁷-element results. Fresh mappings are already zero.
///
/// Freed large mappings are kept in a small pool (at most ``poolLimit`` bytes) and handed to the
/// next allocation of the same size, as caching allocators do: a loop that makes a new 40 MB
/// result each step then reuses warm memory instead of faulting in fresh pages every time. A
/// reused buffer requested zeroed is cleared with `memset`.
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
            // Whole huge pages, plus one for alignment.
            let length = (bytes + Storage.hugePage - 1) / Storage.hugePage * Storage.hugePage + Storage.hugePage
            if let reused = Storage.takePooled(length: length) {
                let start = Storage.alignedStart(reused)
                if zeroed { memset(start, 0, bytes) }
                self.raw = start
                self.mapping = (reused, length)
                return
            }
            let base = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
            guard let base, base != UnsafeMutableRawPointer(bitPattern: -1) else {
                throw EngineError("cannot allocate \(bytes) bytes for a tensor of \(count) elements")
            }
            let start = Storage.alignedStart(base)
            _ = madvise(start, length - Storage.hugePage, MADV_HUGEPAGE)
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
            if !Storage.pool(mapping.base, length: mapping.length) { munmap(mapping.base, mapping.length) }
        } else {
            free(raw)
        }
    }

    // MARK: the pool of freed large mappings

    /// Most bytes of freed mappings kept for reuse.
    public static let poolLimit = 256 << 20

    /// Freed mappings (base address, length), most recent last.
    private static let freed = Mutex<[(base: UInt, length: Int)]>([])

    private static func alignedStart(_ base: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
        let address = UInt(bitPattern: base)
        let aligned = (address + UInt(hugePage - 1)) & ~UInt(hugePage - 1)
        return base + Int(aligned - address)
    }

    private static func takePooled(length: Int) -> UnsafeMutableRawPointer? {
        freed.withLock { list in
            guard let i = list.lastIndex(where: { $0.length == length }) else { return nil }
            return UnsafeMutableRawPointer(bitPattern: list.remove(at: i).base)
        }
    }

    /// Keeps a freed mapping if it fits the pool (evicting the oldest ones); false if not kept.
    private static func pool(_ base: UnsafeMutableRawPointer, length: Int) -> Bool {
        guard length <= poolLimit / 2 else { return false }
        var evicted: [(base: UInt, length: Int)] = []
        freed.withLock { list in
            list.append((UInt(bitPattern: base), length))
            var total = list.reduce(0) { $0 + $1.length }
            while total > poolLimit, let oldest = list.first {
                evicted.append(oldest)
                total -= oldest.length
                list.removeFirst()
            }
        }
        for e in evicted { munmap(UnsafeMutableRawPointer(bitPattern: e.base), e.length) }
        return true
    }

    /// Returns every pooled mapping to the system.
    public static func releasePool() {
        let all = freed.withLock { list -> [(base: UInt, length: Int)] in
            defer { list.removeAll() }
            return list
        }
        for e in all { munmap(UnsafeMutableRawPointer(bitPattern: e.base), e.length) }
    }

    /// The buffer typed as `T` (which must match `dtype`).
    @inline(__always)
    public func pointer<T: TensorScalar>(as _: T.Type) -> UnsafeMutablePointer<T> {
        raw.assumingMemoryBound(to: T.self)
    }

    /// The buffer's size in bytes.
    public var byteCount: Int { count * dtype.byteSize }
}
