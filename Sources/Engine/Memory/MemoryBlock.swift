#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One raw buffer of `count` elements of `dtype`: what a ``Storage`` owns, and what
/// ``TensorPool`` keeps between loans. A value without a lifetime of its own: exactly one
/// owner (a storage or a pool) must ``dispose()`` of it.
///
/// Small buffers come from `malloc`/`calloc`. Buffers of ``largeThreshold`` bytes or more are
/// anonymous `mmap`s aligned to 2 MiB and advised `MADV_HUGEPAGE`, as NumPy does for its large
/// arrays: first-touch page faults then cost one fault per 2 MiB instead of one per 4 KiB, which
/// dominates elementwise work on fresh 10⁷-element results. Fresh mappings are already zero;
/// freed ones go to ``MappingPool`` (a reused one requested zeroed is cleared with `memset`).
struct MemoryBlock: @unchecked Sendable {
    /// A whole mapping: its base address and length in bytes.
    struct Mapping {
        let base: UnsafeMutableRawPointer
        let length: Int
    }

    let dtype: DType
    let count: Int
    /// Start of the elements.
    let raw: UnsafeMutableRawPointer
    /// The mapping `raw` lies in (nil for malloc'd buffers).
    let mapping: Mapping?

    /// Largest element count a single block may hold (2^40 elements).
    static let maxCount = 1 << 40

    /// Buffers at least this large (bytes) are huge-page-advised mappings.
    static let largeThreshold = 4 << 20

    static let hugePage = 2 << 20

    /// A new block of `count` elements, zeroed unless `zeroed` is false.
    static func allocate(dtype: DType, count: Int, zeroed: Bool) throws -> MemoryBlock {
        guard count >= 0, count <= maxCount else {
            throw EngineError.invalid("tensor size", expected: "0 to \(maxCount) elements", given: "\(count)")
        }
        let bytes = max(count * dtype.byteSize, 1)
        if bytes >= largeThreshold {
            // Whole huge pages, plus one for alignment.
            let length = (bytes + hugePage - 1) / hugePage * hugePage + hugePage
            if let reused = MappingPool.take(length: length) {
                let start = alignedStart(reused)
                if zeroed { memset(start, 0, bytes) }
                return MemoryBlock(dtype: dtype, count: count, raw: start, mapping: Mapping(base: reused, length: length))
            }
            let base = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
            guard let base, base != UnsafeMutableRawPointer(bitPattern: -1) else {
                throw EngineError("cannot allocate \(bytes) bytes for a tensor of \(count) elements")
            }
            let start = alignedStart(base)
            _ = madvise(start, length - hugePage, MADV_HUGEPAGE)
            return MemoryBlock(dtype: dtype, count: count, raw: start, mapping: Mapping(base: base, length: length))
        }
        let pointer = zeroed ? calloc(1, bytes) : malloc(bytes)
        guard let pointer else {
            throw EngineError("cannot allocate \(bytes) bytes for a tensor of \(count) elements")
        }
        return MemoryBlock(dtype: dtype, count: count, raw: pointer, mapping: nil)
    }

    /// Gives the memory back: a mapping to ``MappingPool`` (or the system), a malloc'd buffer
    /// to `free`.
    func dispose() {
        if let mapping {
            if !MappingPool.keep(mapping.base, length: mapping.length) { munmap(mapping.base, mapping.length) }
        } else {
            free(raw)
        }
    }

    /// The first 2 MiB boundary at or after `base`.
    private static func alignedStart(_ base: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
        let address = UInt(bitPattern: base)
        let aligned = (address + UInt(hugePage - 1)) & ~UInt(hugePage - 1)
        return base + Int(aligned - address)
    }
}
