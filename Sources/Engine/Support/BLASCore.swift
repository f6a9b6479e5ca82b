#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CBLAS
import Synchronization

/// Which of OpenBLAS's kernel sets ("cores") this process uses, and choosing it for the CPU.
///
/// Debian builds OpenBLAS with `DYNAMIC_ARCH`: one library holds kernels for many processors and
/// picks a set when it loads, from `OPENBLAS_CORETYPE` or from its own CPU detection. That
/// choice can leave most of the machine unused: OpenBLAS 0.3.21 does not know AMD's Zen 5, and
/// environments that pin `OPENBLAS_CORETYPE=Haswell` get 256-bit kernels on a CPU with full-width
/// AVX-512. Measured on this project's 2-core Zen 5 machines (`scripts/bench_similarity`,
/// BENCHMARKS.md): dgemm 512×50,000×512 runs about 1.6× faster and sgemm 1.7× faster with the
/// Cooperlake kernels than with Haswell's.
///
/// ``chooseForThisMachine()`` (the `prunelab` executable calls it first thing) applies the
/// `PRUNELAB_BLAS_CORE` setting:
/// - unset or `auto`: when `OPENBLAS_CORETYPE` is set, keep the core it names (OpenBLAS's own
///   convention: environments set it on processors where some OpenBLAS builds compute wrong
///   results or crash, so an explicit choice is respected). Otherwise, on a CPU whose
///   kernel-confirmed flags include the AVX-512 subsets of OpenBLAS's SkylakeX kernels (F, CD,
///   BW, DQ, VL), switch to `Cooperlake` (when AVX512-BF16 is there too) or `SkylakeX`, unless
///   OpenBLAS already runs an AVX-512 core. Nothing changes on other CPUs, or with
///   `PRUNELAB_NO_AVX512=1`.
/// - `openblas`: keep OpenBLAS's own choice (which honours `OPENBLAS_CORETYPE`).
/// - a core name (`Haswell`, `SkylakeX`, `Cooperlake`, `Zen`, …): use it, if this CPU has the
///   instructions it needs, whatever `OPENBLAS_CORETYPE` says (the user's explicit opt-in).
///
/// The switch goes through OpenBLAS's own initialisation (`gotoblas_dynamic_quit`, then
/// `gotoblas_dynamic_init` with `OPENBLAS_CORETYPE` set for the call and restored after it), so
/// the process computes exactly what one started with that `OPENBLAS_CORETYPE` computes
/// (suites/shell/blas_core.sh compares the bits). It must run before the first BLAS call.
public enum BLASCore {
    /// The outcome of ``chooseForThisMachine()``.
    /// (The core in use afterwards is ``current``.)
    public struct Choice: Sendable, Equatable {
        /// The core OpenBLAS had chosen when it loaded.
        public var openBLASCore: String
        /// Whether prunelab switched OpenBLAS to another core.
        public var switched: Bool
        /// Why, in a few words (printed by `sys.blas()`).
        public var reason: String
        /// A problem with `PRUNELAB_BLAS_CORE` worth telling the user, or nil.
        public var warning: String?
        /// Whether the core was kept because `OPENBLAS_CORETYPE` named it.
        public var keptForEnvironment = false

        /// Who chose the core in use: "prunelab" (switched), "environment" (`OPENBLAS_CORETYPE`,
        /// respected) or "openblas" (its own detection, kept).
        public var chosenBy: String { switched ? "prunelab" : keptForEnvironment ? "environment" : "openblas" }

        /// OpenBLAS's own choice, kept.
        static func kept(_ loaded: String, _ reason: String, warning: String? = nil) -> Choice {
            Choice(openBLASCore: loaded, switched: false, reason: reason, warning: warning)
        }
    }

    /// The core OpenBLAS is using now.
    public static var current: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// OpenBLAS's build description (version, DYNAMIC_ARCH, thread limit).
    public static var configuration: String {
        guard let text = openblas_get_config() else { return "unknown" }
        return String(cString: text).trimmingSpaces
    }

    /// The result of the last ``chooseForThisMachine()``; nil before it ran (OpenBLAS's choice).
    public static var lastChoice: Choice? { stored.withLock { $0 } }

    /// Applies `PRUNELAB_BLAS_CORE` (see the type's documentation). Call once, before any BLAS
    /// work; later calls return the first result without touching OpenBLAS again.
    @discardableResult
    public static func chooseForThisMachine() -> Choice {
        stored.withLock { choice in
            if let made = choice { return made }
            let settings = Settings.current
            let made = choose(setting: settings.blasCore, flags: CPUFeatures.flags, allowAVX512: CPUFeatures.hasAVX512,
                              environmentCore: settings.openBLASCoreType)
            choice = made
            return made
        }
    }

    /// OpenBLAS's AVX-512 cores (SapphireRapids from 0.3.22 on).
    static let avx512Cores = ["SapphireRapids", "Cooperlake", "SkylakeX"]

    /// The instruction-set flags (as /proc/cpuinfo names them) each OpenBLAS x86-64 core needs.
    static func requiredFlags(core: String) -> [String]? {
        let avx512 = ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]
        switch core.lowercased() {
        case "sapphirerapids": return avx512 + ["avx512_bf16", "amx_bf16"]
        case "cooperlake": return avx512 + ["avx512_bf16"]
        case "skylakex": return avx512
        case "haswell", "zen", "excavator": return ["avx2", "fma"]
        case "sandybridge", "bulldozer", "piledriver", "steamroller": return ["avx"]
        case "nehalem": return ["sse4_2"]
        case "penryn", "dunnington": return ["sse4_1"]
        case "core2", "atom", "nano": return ["ssse3"]
        case "prescott", "barcelona", "opteron_sse3", "bobcat": return ["pni"]
        case "opteron": return ["sse2"]
        default: return nil
        }
    }

    /// The best AVX-512 core for these flags, or nil when they lack AVX-512. (Not SapphireRapids:
    /// Debian 12's OpenBLAS 0.3.21 has no such core.)
    static func bestAVX512Core(flags: Set<Substring>) -> String? {
        ["Cooperlake", "SkylakeX"].first { core in
            requiredFlags(core: core)?.allSatisfy { flags.contains(Substring($0)) } ?? false
        }
    }

    private static func choose(setting: String, flags: Set<Substring>, allowAVX512: Bool, environmentCore: String?) -> Choice {
        let loaded = current
        switch setting.lowercased() {
        case "openblas":
            return .kept(loaded, "PRUNELAB_BLAS_CORE=openblas")
        case "auto", "":
            if let named = environmentCore, !named.isEmpty {
                var choice = Choice.kept(loaded, "OPENBLAS_CORETYPE=\(named) in the environment")
                choice.keptForEnvironment = true
                return choice
            }
            if avx512Cores.contains(where: { $0.caseInsensitiveEquals(loaded) }) {
                return .kept(loaded, "OpenBLAS already uses AVX-512 kernels")
            }
            guard allowAVX512, let best = bestAVX512Core(flags: flags) else {
                let settings = Settings.current
                let turnedOff = settings.disablesAVX2 ? "PRUNELAB_NO_AVX2=1" : settings.disablesAVX512 ? "PRUNELAB_NO_AVX512=1" : nil
                return .kept(loaded, allowAVX512 ? "no AVX-512 on this CPU" : turnedOff ?? "no AVX-512 on this CPU")
            }
            return switchCore(to: best, from: loaded, reason: "this CPU has AVX-512")
        default:
            guard let needed = requiredFlags(core: setting) else {
                return .kept(loaded, "PRUNELAB_BLAS_CORE not understood",
                             warning: "PRUNELAB_BLAS_CORE=\(setting) names no x86-64 core of OpenBLAS (try auto, openblas, Haswell, SkylakeX or Cooperlake); keeping OpenBLAS's choice, \(loaded)")
            }
            let missing = needed.filter { !flags.contains(Substring($0)) }
            guard missing.isEmpty else {
                return .kept(loaded, "PRUNELAB_BLAS_CORE refused",
                             warning: "PRUNELAB_BLAS_CORE=\(setting) needs \(missing.joined(separator: ", ")), which this CPU lacks; keeping OpenBLAS's choice, \(loaded)")
            }
            return switchCore(to: setting, from: loaded, reason: "PRUNELAB_BLAS_CORE=\(setting)")
        }
    }

    /// Re-runs OpenBLAS's dynamic-architecture initialisation with `OPENBLAS_CORETYPE = core`.
    private static func switchCore(to core: String, from loaded: String, reason: String) -> Choice {
        let failed = { (why: String) in
            Choice.kept(loaded, why, warning: "could not switch OpenBLAS to its \(core) kernels (\(why)); keeping \(loaded)")
        }
        if core.caseInsensitiveEquals(loaded) { return .kept(loaded, reason) }
        guard let process = dlopen(nil, RTLD_NOW),
              let quitSymbol = dlsym(process, "gotoblas_dynamic_quit"),
              let initSymbol = dlsym(process, "gotoblas_dynamic_init") else {
            return failed("this OpenBLAS is not a DYNAMIC_ARCH build")
        }
        typealias Entry = @convention(c) () -> Void
        let quit = unsafeBitCast(quitSymbol, to: Entry.self)
        let initialise = unsafeBitCast(initSymbol, to: Entry.self)
        let previous = Settings.current.openBLASCoreType
        let initialiseOn = { (name: String) in
            setenv("OPENBLAS_CORETYPE", name, 1)
            quit()
            initialise()
        }
        defer { if let previous { setenv("OPENBLAS_CORETYPE", previous, 1) } else { unsetenv("OPENBLAS_CORETYPE") } }
        initialiseOn(core)
        let now = current
        guard now.caseInsensitiveEquals(core) else {
            // This OpenBLAS lacks the core (it falls back to its oldest kernels): go back.
            initialiseOn(loaded)
            return failed("this OpenBLAS has no such core; it answered with \(now)")
        }
        return Choice(openBLASCore: loaded, switched: true, reason: reason, warning: nil)
    }

    private static let stored = Mutex<Choice?>(nil)
}

private extension String {
    func caseInsensitiveEquals(_ other: String) -> Bool { lowercased() == other.lowercased() }
}
