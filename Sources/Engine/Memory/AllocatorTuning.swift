#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
/// Keeps large, short-lived buffers (a batch of images, a layer's scratch) in glibc's heap
/// instead of fresh mmap'd pages, so training steps after the first do not page-fault their way
/// through newly zeroed memory. Applied once per process by ``Memory/configureProcess()``.
enum AllocatorTuning {
    /// glibc's `mallopt` (declared in malloc.h, which the Glibc module does not export).
    @_silgen_name("mallopt")
    private static func mallopt(_ parameter: Int32, _ value: Int32) -> Int32

    /// malloc.h's M_TRIM_THRESHOLD and M_MMAP_THRESHOLD.
    private static let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3

    /// Heap buffers up to this many bytes come from the heap, not from fresh mappings.
    static let mmapThresholdBytes: Int32 = 32 << 20
    /// Freed heap memory kept (not returned to the system) up to this many bytes.
    static let trimThresholdBytes: Int32 = 512 << 20

    /// Buffers up to 32 MB come from the heap; freed heap memory is kept up to 512 MB. Runs
    /// its body once, however often it is read.
    static let applied: Bool = {
        #if os(Linux)
        _ = mallopt(mmapThreshold, mmapThresholdBytes)
        _ = mallopt(trimThreshold, trimThresholdBytes)
        #endif
        return true
    }()
}
