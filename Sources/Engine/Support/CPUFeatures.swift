#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Instruction-set extensions of this machine, for choosing kernels at run time.
///
/// Read once from the `flags` line of /proc/cpuinfo, which lists an extension only when both
/// the processor and the kernel support it (AVX2 needs the kernel to save its registers).
/// `PRUNELAB_NO_AVX2=1` in the environment turns the AVX2 kernels off (for comparisons).
public enum CPUFeatures {
    /// Whether the AVX2 kernels may run.
    public static let hasAVX2: Bool = {
        if let off = getenv("PRUNELAB_NO_AVX2"), String(cString: off) == "1" { return false }
        guard let file = fopen("/proc/cpuinfo", "r") else { return false }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 8192)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.hasPrefix("flags") {
                return text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).contains("avx2")
            }
        }
        return false
    }()

    /// Whether the CPU has FMA (fused multiply-add, for the AVX2 + FMA kernels).
    public static let hasFMA: Bool = {
        guard let file = fopen("/proc/cpuinfo", "r") else { return false }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 8192)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.hasPrefix("flags") {
                return text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).contains("fma")
            }
        }
        return false
    }()
}
