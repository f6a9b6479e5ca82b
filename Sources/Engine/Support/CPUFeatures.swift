import CCPUID
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Instruction-set extensions of this machine, for choosing kernels at run time.
///
/// Read once from the `flags` line of /proc/cpuinfo, which lists an extension only when both
/// the processor and the kernel support it (AVX needs the kernel to save its registers), and
/// checked against CPUID/XGETBV: a vector extension counts only when both agree. The two differ
/// under emulators — `qemu-x86_64 -cpu EPYC-Milan` runs this program on an emulated Zen 3 (AVX2,
/// no AVX-512) while /proc/cpuinfo still shows the host's AVX-512 — and the process must choose
/// the kernels the processor it runs on can execute.
/// `PRUNELAB_NO_AVX512=1` in the environment (``Settings``) turns the AVX-512 kernels off, `PRUNELAB_NO_AVX2=1`
/// turns off both AVX builds (for comparisons and for reproducing a machine without them).
public enum CPUFeatures {
    /// The kernel builds this machine can run, best last.
    public enum Level: Int, Comparable, Sendable {
        case baseline, avx2, avx512
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
    }

    /// The best kernel build this machine (and the environment) allows.
    public static let level: Level = {
        level(flags: flags, settings: .current)
    }()

    /// The kernel build's name: "avx512", "avx2" or "baseline".
    public static var levelName: String {
        switch level {
        case .avx512: return "avx512"
        case .avx2: return "avx2"
        case .baseline: return "baseline"
        }
    }

    /// The best kernel build for a CPU with `flags` under `settings` (``level`` is this
    /// machine's under ``Settings/current``).
    public static func level(flags: Set<Substring>, settings: Settings) -> Level {
        if settings.disablesAVX2 || !flags.contains("avx2") { return .baseline }
        if settings.disablesAVX512 { return .avx2 }
        return ["avx512f", "avx512dq", "avx512vl"].allSatisfy(flags.contains) ? .avx512 : .avx2
    }

    /// Whether the AVX2 kernels may run.
    public static var hasAVX2: Bool { level >= .avx2 }

    /// Whether the AVX-512 kernels may run.
    public static var hasAVX512: Bool { level >= .avx512 }

    /// Whether the AVX2 + FMA kernels (direct convolution) may run.
    public static let hasAVX2FMA: Bool = hasAVX2 && flags.contains("fma")

    /// The processor's extensions as /proc/cpuinfo's `flags` line names them (`avx512f`,
    /// `avx512_bf16`, …), whatever the environment says, less the vector extensions CPUID denies.
    public static let flags: Set<Substring> = cpuFlags().subtracting(deniedByCPUID())

    /// The vector extensions (by their /proc/cpuinfo names) that CPUID and XGETBV say this
    /// process cannot execute.
    static func deniedByCPUID() -> Set<Substring> {
        var found = prunelab_cpuid_features()
        prunelab_cpuid_read(&found)
        let reported: [(String, Int32)] = [
            ("avx", found.avx), ("avx2", found.avx2), ("fma", found.fma),
            ("avx512f", found.avx512f), ("avx512cd", found.avx512cd), ("avx512bw", found.avx512bw),
            ("avx512dq", found.avx512dq), ("avx512vl", found.avx512vl),
            ("avx512_bf16", found.avx512_bf16), ("amx_bf16", found.amx_bf16),
        ]
        return Set(reported.filter { $0.1 == 0 }.map { Substring($0.0) })
    }

    private static func cpuFlags() -> Set<Substring> {
        guard let file = fopen("/proc/cpuinfo", "r") else { return [] }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 16384)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.hasPrefix("flags") {
                return Set(text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }))
            }
        }
        return []
    }
}
