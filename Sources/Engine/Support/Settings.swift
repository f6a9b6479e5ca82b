#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Every environment variable prunelab reads, read once when the process starts.
///
/// This file is the only place that calls `getenv`: Engine, Bindings and the shell read
/// ``Settings/current`` (or a ``Settings`` value handed to them), so the variables a run depends
/// on are listed in one place and `sys.settings()` can show them, with where each value came from.
/// The executable touches ``current`` first thing (``BLASCore/chooseForThisMachine()`` does), before
/// readline or OpenBLAS can change the environment; test processes read it on first use. Each
/// process reads the environment once, so `PRUNELAB_NO_AVX512=1 prunelab …` (as `scripts/test` runs
/// the suites) still chooses per process; a test that wants other values builds its own
/// ``Settings`` with ``init(environment:)`` and passes it (for example to ``ConvPlanner``).
///
/// A value that does not parse (`PRUNELAB_CONV_CHUNK=abc`) is ignored, the default applies, and
/// ``problem(_:)`` says why (`sys.settings()` shows it).
public struct Settings: Sendable, Equatable {
    /// The variables, in the order `sys.settings()` lists them.
    public enum Key: String, CaseIterable, Sendable {
        // Kernels and BLAS (Engine).
        case noAVX512 = "PRUNELAB_NO_AVX512"
        case noAVX2 = "PRUNELAB_NO_AVX2"
        case blasCore = "PRUNELAB_BLAS_CORE"
        case openBLASCoreType = "OPENBLAS_CORETYPE"
        case convolution = "PRUNELAB_CONV"
        case winograd = "PRUNELAB_WINOGRAD"
        case convolutionChunk = "PRUNELAB_CONV_CHUNK"
        case winogradBudget = "PRUNELAB_WINOGRAD_BUDGET"
        case directMinimumWork = "PRUNELAB_DIRECT_MIN_WORK"
        case noTapSkip = "PRUNELAB_NO_TAPSKIP"
        // Figures (Bindings, shell).
        case images = "PRUNELAB_IMAGES"
        case figureDirectory = "PRUNELAB_FIGURE_DIR"
        case temporaryDirectory = "TMPDIR"
        case term = "TERM"
        case termProgram = "TERM_PROGRAM"
        case lcTerminal = "LC_TERMINAL"
        case kittyWindow = "KITTY_WINDOW_ID"
        case columns = "COLUMNS"
        // The shell.
        case history = "PRUNELAB_HISTORY"
        case home = "HOME"
        case path = "PATH"
        case slurmArrayTask = "SLURM_ARRAY_TASK_ID"
        case jupyterData = "JUPYTER_DATA_DIR"

        /// The variable's name in the environment.
        public var name: String { rawValue }

        /// What it does, in a sentence.
        public var meaning: String {
            switch self {
            case .noAVX512: return "1 turns the AVX-512 kernels off (and keeps OpenBLAS's own kernel choice)"
            case .noAVX2: return "1 turns both AVX kernel builds off (the baseline build runs)"
            case .blasCore: return "OpenBLAS kernel set: auto (AVX-512 where the CPU has it, unless OPENBLAS_CORETYPE is set), openblas (OpenBLAS's choice) or a core name such as Haswell"
            case .openBLASCoreType: return "OpenBLAS's own kernel choice; respected when PRUNELAB_BLAS_CORE is auto"
            case .convolution: return "convolution routes: im2col (no direct kernels), flat (no channel kernel, no Winograd), channels (channel kernel wherever it runs, no Winograd)"
            case .winograd: return "0 or off: no Winograd convolutions; 1 or on: Winograd wherever it can run"
            case .convolutionChunk: return "floats of unrolled im2col columns per worker chunk (tuning)"
            case .winogradBudget: return "floats of transformed inputs per Winograd block of images (tuning)"
            case .directMinimumWork: return "output pixels × kernel taps from which the flat direct kernel runs, forward and backward (tuning)"
            case .noTapSkip: return "set: the channel kernel computes padding taps too (comparisons)"
            case .images: return "how the shell shows figures: kitty, iterm, sixel or file"
            case .figureDirectory: return "where figures shown outside a terminal are saved"
            case .temporaryDirectory: return "temporary files' directory (figures, when PRUNELAB_FIGURE_DIR is unset)"
            case .term: return "terminal type (kitty, sixel terminals show figures inline)"
            case .termProgram: return "terminal program (iTerm.app, WezTerm show figures inline)"
            case .lcTerminal: return "terminal over ssh (iTerm2 shows figures inline)"
            case .kittyWindow: return "set inside kitty (figures inline)"
            case .columns: return "width to wrap help and fit tables to, when the terminal does not say"
            case .history: return "the shell's history file (empty: no history)"
            case .home: return "home directory (history file, Jupyter kernel install)"
            case .path: return "where sweeps find sbatch, squeue and sacct"
            case .slurmArrayTask: return "a Slurm array task's index (prunelab sweep worker --tasks)"
            case .jupyterData: return "where prunelab kernel install puts the kernel spec"
            }
        }

        /// The value that applies when the variable is unset, as `sys.settings()` shows it.
        public var defaultValue: String {
            switch self {
            case .noAVX512, .noAVX2: return "unset (the widest build the CPU runs)"
            case .blasCore: return "auto"
            case .convolution: return "unset (routes chosen by measurement)"
            case .winograd: return "unset (chosen by measurement)"
            case .convolutionChunk: return "\(Settings.defaultConvolutionChunk)"
            case .winogradBudget: return "\(Settings.defaultWinogradBudget)"
            case .directMinimumWork: return "unset (100 forward, 2000 backward, with the measured limits)"
            case .noTapSkip: return "unset (padding taps skipped)"
            case .images: return "unset (chosen from TERM, TERM_PROGRAM, LC_TERMINAL, KITTY_WINDOW_ID)"
            case .figureDirectory: return "unset (TMPDIR)"
            case .temporaryDirectory: return "unset (/tmp)"
            case .columns: return "unset (the terminal's width, else 100 for tables)"
            case .history: return "unset (~/.prunelab_history)"
            case .slurmArrayTask: return "unset (index -1)"
            case .jupyterData: return "unset (~/.local/share/jupyter)"
            case .openBLASCoreType, .term, .termProgram, .lcTerminal, .kittyWindow, .home, .path: return "unset"
            }
        }
    }

    /// Where a value came from.
    public enum Source: String, Sendable {
        case environment, `default`
    }

    /// The values found in the environment (unset variables are absent).
    public let values: [Key: String]

    /// Settings with these values (the rest unset): for tests, which must not change the
    /// process's environment.
    public init(environment values: [Key: String] = [:]) {
        self.values = values
    }

    /// The process's settings, read from the environment the first time they are used.
    public static let current = Settings(environment: readEnvironment())

    private static func readEnvironment() -> [Key: String] {
        var values: [Key: String] = [:]
        for key in Key.allCases {
            if let v = getenv(key.name) { values[key] = String(cString: v) }
        }
        return values
    }

    /// The value of `key` when it is set (possibly empty), else nil.
    public subscript(_ key: Key) -> String? { values[key] }

    /// The value of `key` when it is set and not empty.
    public func nonEmpty(_ key: Key) -> String? { values[key].flatMap { $0.isEmpty ? nil : $0 } }

    /// Whether `key`'s value came from the environment or is the default.
    public func source(_ key: Key) -> Source { values[key] == nil ? .default : .environment }

    /// Why a value set for `key` is ignored (it does not parse), or nil.
    public func problem(_ key: Key) -> String? {
        guard let v = values[key] else { return nil }
        switch key {
        case .convolutionChunk, .winogradBudget:
            return positiveInteger(key) == nil ? "not a positive integer: the default applies" : nil
        case .directMinimumWork:
            return Int(v) == nil ? "not an integer: the default applies" : nil
        case .winograd:
            return ["0", "off", "1", "on"].contains(v) ? nil : "expected 0, off, 1 or on: the default applies"
        case .convolution:
            return ["im2col", "flat", "channels"].contains(v) ? nil : "expected im2col, flat or channels: the default applies"
        case .noAVX512, .noAVX2:
            return v == "1" ? nil : "only 1 turns the kernels off: the default applies"
        case .images:
            return ["kitty", "iterm", "sixel", "file"].contains(v) ? nil : "expected kitty, iterm, sixel or file: chosen from the terminal"
        case .slurmArrayTask:
            return Int(v) == nil ? "not an integer: ignored" : nil
        default:
            return nil
        }
    }

    private func positiveInteger(_ key: Key) -> Int? {
        values[key].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil }
    }

    // MARK: Kernels and BLAS

    static let defaultConvolutionChunk = 1 << 20
    static let defaultWinogradBudget = 1 << 17

    /// `PRUNELAB_NO_AVX512=1`: no AVX-512 kernels.
    public var disablesAVX512: Bool { values[.noAVX512] == "1" }

    /// `PRUNELAB_NO_AVX2=1`: the baseline kernels only.
    public var disablesAVX2: Bool { values[.noAVX2] == "1" }

    /// `PRUNELAB_BLAS_CORE`, `auto` when unset.
    public var blasCore: String { values[.blasCore] ?? "auto" }

    /// `OPENBLAS_CORETYPE` as the process started with it.
    public var openBLASCoreType: String? { values[.openBLASCoreType] }

    /// What `PRUNELAB_CONV` asks of the convolution routes.
    public enum ConvolutionRoutes: Sendable, Equatable {
        /// Unset (or not understood): each route where measurements say it wins.
        case measured
        /// `im2col`: no direct kernels (channel or flat); Winograd still by its own rule.
        case im2col
        /// `flat`: no channel kernel and no Winograd (unless `PRUNELAB_WINOGRAD=1`).
        case flat
        /// `channels`: the channel kernel wherever it runs, no Winograd (unless `PRUNELAB_WINOGRAD=1`).
        case channels
    }

    /// `PRUNELAB_CONV`.
    public var convolutionRoutes: ConvolutionRoutes {
        switch values[.convolution] {
        case "im2col": return .im2col
        case "flat": return .flat
        case "channels": return .channels
        default: return .measured
        }
    }

    /// `PRUNELAB_WINOGRAD`: false (0, off), true (1, on), nil when unset or not understood.
    public var winograd: Bool? {
        switch values[.winograd] {
        case "0", "off": return false
        case "1", "on": return true
        default: return nil
        }
    }

    /// `PRUNELAB_CONV_CHUNK`: largest im2col chunk per worker, in floats.
    public var convolutionChunk: Int { positiveInteger(.convolutionChunk) ?? Settings.defaultConvolutionChunk }

    /// `PRUNELAB_WINOGRAD_BUDGET`: floats of transformed inputs and products per Winograd block.
    public var winogradBudget: Int { positiveInteger(.winogradBudget) ?? Settings.defaultWinogradBudget }

    /// `PRUNELAB_DIRECT_MIN_WORK`: one work limit for both flat-kernel passes, replacing the
    /// measured limits; nil when unset.
    public var directMinimumWork: Int? { values[.directMinimumWork].flatMap { Int($0) } }

    /// Whether the channel kernel skips padding taps (`PRUNELAB_NO_TAPSKIP` unset).
    public var skipsPaddingTaps: Bool { values[.noTapSkip] == nil }

    // MARK: Shell and figures

    /// `COLUMNS` when it is an integer in `minimum...maximum`.
    public func columns(minimum: Int = 20, maximum: Int = .max) -> Int? {
        values[.columns].flatMap { Int($0) }.flatMap { $0 >= minimum && $0 <= maximum ? $0 : nil }
    }
}

extension Settings {
    /// One row per variable: `name`, `value` (the environment's, or the default's
    /// description), `from` (`environment` or `default`), `meaning`, and `problem` when a set
    /// value is ignored (missing otherwise); what `sys.settings()` shows.
    public func table() throws -> Table {
        let rows: [[TableCell]] = Key.allCases.map { key in
            [.string(key.name), .string(values[key] ?? key.defaultValue), .string(source(key).rawValue),
             .string(key.meaning), problem(key).map { .string($0) } ?? .missing]
        }
        return try Table(columns: ["name", "value", "from", "meaning", "problem"], rows: rows,
                         title: "settings (read from the environment when prunelab started)")
    }
}
