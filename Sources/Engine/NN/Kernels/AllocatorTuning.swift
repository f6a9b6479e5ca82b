/// Keeps large, short-lived buffers (a batch of images, a layer's scratch) in glibc's heap
/// instead of fresh mmap'd pages, so training steps after the first do not page-fault their way
/// through newly zeroed memory. Applied once, when the first model is built.
enum AllocatorTuning {
    /// glibc's `mallopt` (declared in malloc.h, which the Glibc module does not export).
    @_silgen_name("mallopt")
    private static func mallopt(_ parameter: Int32, _ value: Int32) -> Int32

    /// malloc.h's M_TRIM_THRESHOLD and M_MMAP_THRESHOLD.
    private static let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3

    /// Buffers up to 32 MB come from the heap; freed heap memory is kept up to 512 MB.
    static let applied: Bool = {
        #if os(Linux)
        _ = mallopt(mmapThreshold, 32 << 20)
        _ = mallopt(trimThreshold, 512 << 20)
        #endif
        return true
    }()
}
