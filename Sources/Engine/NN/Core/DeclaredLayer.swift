/// What a layer type says about itself, in its own file: the closed layer contract.
///
/// Every concrete layer class conforms (`final class LeakyReLU: Layer, DeclaredLayer`) and is
/// listed once in ``LayerRegistry/types``. Everything that used to be a string switch or an `is`
/// list elsewhere reads these declarations instead: ``LayerFactory`` (building from a spec,
/// checkpoints), ``Sequential``'s automatic names, the inference plan (``InferencePlan``: which
/// layer may overwrite which output, what folds into a convolution), re-initialisation
/// (``Layer/reinitialize(scheme:generator:)``) and the `nn` module's generic constructors.
///
/// **Must declare** (no defaults): ``kind``, ``stem``, ``make(from:in:)``.
/// **May declare** (defaults in the extension): ``capabilities`` (none),
/// ``prunableParameters`` (none), ``constructor`` (nil: no generic `nn.<kind>` constructor).
///
/// Per-instance behaviour stays on ``Layer`` (see its "Must override" and "May override"
/// sections): `forward`, `backward`, `copy`, `outputShape`, `flops`, `spec`, `summary`, …
public protocol DeclaredLayer: Layer {
    /// The type name in specs, checkpoints and summaries (`Conv2d`); unique in the registry.
    static var kind: String { get }
    /// The stem of automatic names in a ``Sequential`` (`conv` gives `conv1`, `conv2`, …).
    static var stem: String { get }
    /// What containers and passes may do with layers of this type.
    static var capabilities: LayerCapabilities { get }
    /// Names of the parameters a pruning pass considers (``Parameter/isPrunable``), e.g.
    /// `["weight"]`; the layer's initialiser passes `isPrunable` from this list.
    static var prunableParameters: Set<String> { get }
    /// The layer `spec` describes (the inverse of ``Layer/spec``), weights fresh from
    /// `context.generator`, each weight tensor counted with ``LayerBuildContext/spend(_:for:)``
    /// before it is allocated. Used for checkpoints and by the generic `nn` constructor.
    static func make(from spec: LayerSpec, in context: inout LayerBuildContext) throws -> Self
    /// The arguments of a generic Lua constructor `nn.<kind>(…)`, or nil when the layer has a
    /// hand-written one (or none). A declared constructor needs no binding code.
    static var constructor: LayerConstructor? { get }
}

extension DeclaredLayer {
    public static var capabilities: LayerCapabilities { [] }
    public static var prunableParameters: Set<String> { [] }
    public static var constructor: LayerConstructor? { nil }
}

/// Capabilities a layer type declares (``DeclaredLayer/capabilities``).
public struct LayerCapabilities: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// The layer after it may overwrite this layer's output: its backward reads its input or
    /// its own saved state, never its output (convolution, linear, BatchNorm).
    public static let outputOverwritable = LayerCapabilities(rawValue: 1 << 0)
    /// The layer can compute its output over its input's buffer
    /// (``Layer/forwardInPlace(_:)``), e.g. ReLU; containers use that after an
    /// ``outputOverwritable`` layer, in training and during evaluations.
    public static let inPlace = LayerCapabilities(rawValue: 1 << 1)
    /// In evaluation, the layer is a per-channel affine map that folds into the convolution
    /// before it (BatchNorm2d: ``BatchNorm/inferenceAffine()``).
    public static let foldsIntoConvolution = LayerCapabilities(rawValue: 1 << 2)
    /// The layer is `max(0, x)`, which a convolution can apply on its way out (its epilogue).
    public static let convolutionEpilogue = LayerCapabilities(rawValue: 1 << 3)
    /// The layer's spec carries child specs (``Sequential``); others must have none.
    public static let container = LayerCapabilities(rawValue: 1 << 4)
    /// In evaluation the layer's output holds its input's values (Flatten's view, Dropout's
    /// pass-through): recording leaves it out unless asked for it by name.
    public static let identityInEvaluation = LayerCapabilities(rawValue: 1 << 6)
    /// The layer overrides ``Layer/reinitialize(scheme:generator:)`` (layers with parameters
    /// and without this capability cannot be re-initialised).
    public static let reinitializable = LayerCapabilities(rawValue: 1 << 5)
}

/// What ``DeclaredLayer/make(from:in:)`` builds with: the weight generator and the element
/// budget of the checkpoint being read.
public struct LayerBuildContext {
    /// Draws fresh weights (seed 0 for checkpoints, whose weights are then overwritten).
    public var generator: RandomGenerator
    /// Stored elements not yet spent on weights.
    public private(set) var budget: Int

    public init(generator: RandomGenerator = RandomGenerator(seed: 0), budget: Int = .max) {
        self.generator = generator
        self.budget = budget
    }

    /// Subtracts the `factors`' product (one weight tensor's size) from the budget, or throws,
    /// with overflow-reporting arithmetic: a crafted architecture cannot make prunelab
    /// allocate terabytes. Negative factors are left to the layer's own checks.
    public mutating func spend(_ factors: [Int], for spec: LayerSpec) throws {
        var count = 1
        for f in factors {
            guard f >= 0 else { return }
            let (product, overflow) = count.multipliedReportingOverflow(by: f)
            guard !overflow, product <= budget else {
                throw EngineError("architecture: layer '\(spec.name)' (\(spec.kind)) needs \(factors.map(String.init).joined(separator: "×")) weights, more than the \(budget) stored elements left for it", kind: .io)
            }
            count = product
        }
        budget -= count
    }

    /// Builds every child spec of `spec` through the registry, in order.
    public mutating func children(of spec: LayerSpec) throws -> [Layer] {
        var layers: [Layer] = []
        for child in spec.children { layers.append(try LayerRegistry.build(child, in: &self)) }
        return layers
    }
}

/// A generic Lua constructor (``DeclaredLayer/constructor``): positional arguments, each
/// optional when it has a default, then an options table with `name` (and `seed` when the
/// layer draws weights). The binding reads the values into a ``LayerSpec`` under each
/// argument's key and builds the layer with ``DeclaredLayer/make(from:in:)``, so the spec is
/// the one path from Lua, from checkpoints and from Swift.
public struct LayerConstructor: Sendable {
    /// The value type of an argument and where it goes in the spec.
    public enum ValueType: Sendable {
        /// An integer in the range (``LayerSpec/integers``).
        case integer(ClosedRange<Int>)
        /// A finite number in the range (``LayerSpec/reals``).
        case real(ClosedRange<Double>)
        /// A boolean (``LayerSpec/flags``).
        case flag
    }

    /// A default value for an optional argument.
    public enum Value: Sendable, Equatable {
        case integer(Int), real(Double), flag(Bool)
    }

    /// One argument: its spec key (also its Lua name), type, default and meaning.
    public struct Argument: Sendable {
        public let key: String
        public let type: ValueType
        public let defaultValue: Value?
        public let doc: String

        public init(_ key: String, _ type: ValueType, default defaultValue: Value? = nil, doc: String) {
            self.key = key
            self.type = type
            self.defaultValue = defaultValue
            self.doc = doc
        }
    }

    /// Positional arguments, in order (those with defaults may be left out or nil).
    public let arguments: [Argument]
    /// Keys of the options table besides `name` (and `seed`).
    public let options: [Argument]
    /// Whether the layer draws weights (adds a `seed` option; unseeded layers take the next
    /// per-script seed, as the hand-written constructors do).
    public let drawsWeights: Bool
    /// One or two sentences for `help(nn.<kind>)`.
    public let doc: String

    public init(arguments: [Argument] = [], options: [Argument] = [], drawsWeights: Bool = false, doc: String) {
        self.arguments = arguments
        self.options = options
        self.drawsWeights = drawsWeights
        self.doc = doc
    }

    /// `1` for 1.0, `0.01` for 0.01: a number as a Lua user writes it.
    public static func text(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)"
    }

    /// `nn.LeakyReLU([slope = 0.01] [, {name = s}])`.
    public func signature(kind: String) -> String {
        func shown(_ a: Argument) -> String {
            guard let d = a.defaultValue else { return a.key }
            switch d {
            case .integer(let i): return "\(a.key) = \(i)"
            case .real(let r): return "\(a.key) = \(LayerConstructor.text(r))"
            case .flag(let b): return "\(a.key) = \(b)"
            }
        }
        var text = "nn.\(kind)("
        var first = true
        for a in arguments {
            let part = (first ? "" : ", ") + shown(a)
            text += a.defaultValue == nil ? part : (first ? "" : " ") + "[\(part)]"
            first = false
        }
        let keys = options.map { shown($0) } + (drawsWeights ? ["seed = s"] : []) + ["name = s"]
        text += (first ? "[{" : " [, {") + keys.joined(separator: ", ") + "}])"
        return text
    }
}

extension Layer {
    /// This layer's type declaration, or nil for an undeclared subclass (tests' ad-hoc layers).
    public var declaration: (any DeclaredLayer.Type)? { type(of: self) as? any DeclaredLayer.Type }

    /// The declared capabilities of this layer's type (none for undeclared layers).
    public var capabilities: LayerCapabilities { declaration?.capabilities ?? [] }
}
