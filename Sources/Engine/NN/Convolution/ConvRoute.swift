/// A way of computing a ``Conv2d`` pass. Each case is implemented by one type (one file):
///
/// | route | type | file | passes |
/// |---|---|---|---|
/// | ``winograd`` | ``WinogradConv2d`` | Kernels/WinogradConv2d.swift | forward, input gradient (AVX2 + FMA or AVX-512) |
/// | ``channels`` | ``ChannelConv2d`` | Kernels/ChannelConv2d.swift | all three (AVX2 + FMA) |
/// | ``flat`` | ``DirectConv2d`` | Kernels/DirectConv2d.swift | all three, stride 1 (AVX2 + FMA) |
/// | ``im2col`` | ``Im2colConv2d`` | Kernels/Im2colConv2d.swift | all three, any layer |
///
/// The order of the cases is the planner's order of preference: ``ConvPlanner`` gives each pass
/// to the first route that can run it and that its measurements pick. Adding a route (say a
/// sparse one) is a case here, in the right place of that order, with its line in
/// ``implementation``, plus one file holding a type that conforms to ``ConvRouteImplementation``.
public enum ConvRoute: String, CaseIterable, Sendable {
    case winograd, channels, flat, im2col

    /// The type that decides where the route applies and runs it.
    var implementation: any ConvRouteImplementation.Type {
        switch self {
        case .winograd: return WinogradConv2d.self
        case .channels: return ChannelConv2d.self
        case .flat: return DirectConv2d.self
        case .im2col: return Im2colConv2d.self
        }
    }
}

/// The three passes of a convolution, which may take different routes.
public enum ConvPass: String, CaseIterable, Sendable {
    /// `y = conv(x, W)` (with the fused epilogues).
    case forward
    /// `∂x` from `∂y`.
    case inputGradient
    /// `∂W += …` from `x` and `∂y`.
    case weightGradient
}

/// How a layer steers its routes (tests and comparisons; models use ``measured``).
public enum ConvRoutePreference: Equatable, Sendable {
    /// The planner's rule: each pass on the first route that can run it and whose
    /// measurements say it wins.
    case measured
    /// This route on every pass it can run (ignoring the measurements and the settings that
    /// only steer them); the measured choice on the others.
    case prefer(ConvRoute)
    /// The measured choice among the other routes.
    case avoid(ConvRoute)
}

/// What a route needs to know to decide whether it takes a pass.
struct ConvPlanQuery {
    let geometry: ConvGeometry
    let settings: Settings
    let machine: ConvMachine
    /// For the input gradient: the route already chosen for the weight gradient (the flat
    /// kernel computes ∂x only together with ∂W).
    var weightGradient: ConvRoute?
}

/// The CPU as the routes see it: the kernel build and whether FMA is there.
public struct ConvMachine: Equatable, Sendable {
    public var level: CPUFeatures.Level
    public var hasFMA: Bool

    public init(level: CPUFeatures.Level, hasFMA: Bool) {
        self.level = level
        self.hasFMA = hasFMA
    }

    /// This machine under ``Settings/current`` (``CPUFeatures``).
    public static let current = ConvMachine(level: CPUFeatures.level, hasFMA: CPUFeatures.flags.contains("fma"))

    /// Whether the AVX-512 kernels may run.
    var hasAVX512: Bool { level >= .avx512 }
    /// Whether the AVX2 + FMA direct kernels may run (``CPUFeatures/hasAVX2FMA``).
    var hasAVX2FMA: Bool { level >= .avx2 && hasFMA }
}

/// The pointers a forward pass reads and writes, and its fused epilogue.
struct ConvForwardIO {
    /// `N×C×H×W` input (contiguous).
    let x: UnsafePointer<Float>
    /// `N×K×Ho×Wo` output.
    let y: UnsafeMutablePointer<Float>
    /// Per-output-channel factor (a folded BatchNorm), nil for 1.
    let scale: [Float]?
    /// Per-output-channel term: the bias, or a folded BatchNorm's bias.
    let shift: [Float]
    /// Added after the affine step (a residual shortcut, laid out as `y`), or nil.
    let addend: UnsafePointer<Float>?
    /// A ReLU on the way out.
    let rectified: Bool
}

/// The pointers a backward pass reads and writes.
struct ConvBackwardIO {
    /// The forward pass's input.
    let x: UnsafePointer<Float>
    /// `∂y`, `N×K×Ho×Wo`.
    let dy: UnsafePointer<Float>
    /// Where to write `∂x` when this route computes it, else nil.
    let dx: UnsafeMutablePointer<Float>?
    /// Whether this route adds `∂W` to the weight's gradient.
    let weightGradient: Bool
}

/// One convolution route: where it applies and how it runs.
protocol ConvRouteImplementation {
    /// Whether the route can run `pass` at all: its kernels' limits on the geometry, the CPU,
    /// and a setting that switches it off.
    static func canRun(_ pass: ConvPass, _ query: ConvPlanQuery) -> Bool
    /// Whether, where it can run, measurements (and the settings that steer them) pick it.
    static func isMeasuredChoice(_ pass: ConvPass, _ query: ConvPlanQuery) -> Bool
    /// Runs the forward pass.
    static func forward(_ layer: Conv2d, _ plan: ConvPlan, _ io: ConvForwardIO) throws
    /// Runs the backward work the plan gives this route (`io.dx`, `io.weightGradient`).
    static func backward(_ layer: Conv2d, _ plan: ConvPlan, _ io: ConvBackwardIO) throws
}
