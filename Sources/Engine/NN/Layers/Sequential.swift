/// A chain of layers applied in order (Torch7's `nn.Sequential`): `forward` feeds each
/// layer's output to the next; `backward` runs the chain in reverse.
///
/// Children are named (`conv1`, `relu1`, `0` …); names must be distinct within a container,
/// because pruning, recording and checkpoints find layers by their dotted names.
///
/// The steps `forward` runs (in-place layers, fused convolutions) are chosen once, when the
/// chain is built, from its layers' declarations; ``Model/inferencePlan`` lists them (see
/// ``InferencePlan``).
public final class Sequential: Layer, DeclaredLayer {
    public private(set) var layers: [Layer]
    /// What ``forward(_:)`` runs, chosen once from the layers' declared capabilities.
    private let steps: [Step]

    /// A chain of `layers`. Unnamed layers (empty names) get a name from their type's declared
    /// ``DeclaredLayer/stem`` and position among layers with that stem (`conv1`, `conv2`,
    /// `relu1` …).
    public init(name: String = "", _ layers: [Layer]) throws {
        self.layers = layers
        steps = Sequential.plan(layers)
        super.init(name: name)
        try Sequential.assignNames(layers)
        // Adopted layers pass gradients on (a layer built alone may have had it switched off).
        for layer in layers { layer.needsInputGradient = true }
    }

    /// Gives unnamed layers kind-based names and checks that names are distinct.
    static func assignNames(_ layers: [Layer]) throws {
        var counters: [String: Int] = [:]
        var used = Set(layers.map(\.name).filter { !$0.isEmpty })
        for layer in layers where layer.name.isEmpty {
            let stem = layer.declaration?.stem ?? Sequential.stem
            var n = counters[stem, default: 0]
            var candidate: String
            repeat {
                n += 1
                candidate = "\(stem)\(n)"
            } while used.contains(candidate)
            counters[stem] = n
            layer.name = candidate
            used.insert(candidate)
        }
        var seen = Set<String>()
        for layer in layers {
            guard !layer.name.contains("."), seen.insert(layer.name).inserted else {
                throw EngineError.invalid("layer names", expected: "distinct names without dots within a container", given: "\"\(layer.name)\" in [\(layers.map(\.name).joined(separator: ", "))]")
            }
        }
    }

    public static let kind = "Sequential"
    public static let stem = "seq"
    public static let capabilities: LayerCapabilities = [.container]
    public static func make(from spec: LayerSpec, in context: inout LayerBuildContext) throws -> Sequential {
        guard !spec.children.isEmpty else { throw EngineError("architecture: Sequential '\(spec.name)' has no layers", kind: .io) }
        return try Sequential(name: spec.name, try context.children(of: spec))
    }

    public override var summary: String { "Sequential(\(layers.count) layers)" }
    public override var children: [Layer] { layers }
    public override var spec: LayerSpec { LayerSpec(kind: kind, name: name, children: layers.map(\.spec)) }

    public override func copy() throws -> Layer {
        let other = try Sequential(name: name, layers.map { try $0.copy() })
        copyState(to: other)
        return other
    }

    public override func outputShape(for inputShape: [Int]) throws -> [Int] {
        try layers.reduce(inputShape) { try $1.checkedOutputShape(for: $0) }
    }

    public override func flops(for inputShape: [Int]) -> Int {
        var shape = inputShape, total = 0
        for layer in layers {
            total = total.saturatingAdding(layer.flops(for: shape))
            guard let next = try? layer.outputShape(for: shape) else { return total }
            shape = next
        }
        return total
    }

    /// One step of the chain (see ``plan(_:)``).
    private enum Step {
        /// `layer.forward(x)`.
        case forward(Layer)
        /// `layer.forwardInPlace(x)`: an ``LayerCapabilities/inPlace`` layer after an
        /// ``LayerCapabilities/outputOverwritable`` one.
        case inPlace(Layer)
        /// A convolution and the BatchNorm after it (and the rectifier after that), or a
        /// convolution and the rectifier right after it: one convolution during evaluations
        /// (the BatchNorm folded in, the rectifier on its way out), one by one otherwise.
        case convolution(Conv2d, BatchNorm?, rectifier: Layer?)
    }

    /// The steps for `layers`, from their declared capabilities: an in-place layer after an
    /// overwritable output runs over it (in training, it saves one activation-sized buffer per
    /// such pair); a convolution followed by a layer that folds into it (and then a
    /// convolution epilogue), or by a convolution epilogue alone, becomes one fused step.
    private static func plan(_ layers: [Layer]) -> [Step] {
        var steps: [Step] = []
        var i = 0
        while i < layers.count {
            let layer = layers[i]
            if i > 0, layer.capabilities.contains(.inPlace), layers[i - 1].capabilities.contains(.outputOverwritable) {
                steps.append(.inPlace(layer))
            } else if let conv = layer as? Conv2d, i + 1 < layers.count, layers[i + 1].capabilities.contains(.foldsIntoConvolution),
                      let bn = layers[i + 1] as? BatchNorm {
                let rectifier = i + 2 < layers.count && layers[i + 2].capabilities.contains(.convolutionEpilogue) ? layers[i + 2] : nil
                steps.append(.convolution(conv, bn, rectifier: rectifier))
                i += rectifier == nil ? 1 : 2
            } else if let conv = layer as? Conv2d, i + 1 < layers.count, layers[i + 1].capabilities.contains(.convolutionEpilogue),
                      layers[i + 1].capabilities.contains(.inPlace) {
                steps.append(.convolution(conv, nil, rectifier: layers[i + 1]))
                i += 1
            } else {
                steps.append(.forward(layer))
            }
            i += 1
        }
        return steps
    }

    /// Runs the chain by its planned steps.
    public override func forward(_ input: Tensor) throws -> Tensor {
        var x = input
        for step in steps {
            switch step {
            case .forward(let layer):
                x = try layer.forward(x)
            case .inPlace(let layer):
                x = try layer.forwardInPlace(x)
            case .convolution(let conv, let bn, let rectifier):
                if let fused = try Sequential.fusedForward(conv, bn, x, then: rectifier) {
                    x = fused
                } else {
                    x = try conv.forward(x)
                    if let bn { x = try bn.forward(x) }
                    if let rectifier { x = try rectifier.forwardInPlace(x) }
                }
            }
        }
        output = x
        return x
    }

    /// The planned steps as an ``InferencePlan``'s, with full names under `path`.
    override func planSteps(path: String) -> [InferencePlan.Step] {
        func named(_ layer: Layer) -> String { path.isEmpty ? layer.name : "\(path).\(layer.name)" }
        var result: [InferencePlan.Step] = []
        var previous: Layer?
        for step in steps {
            switch step {
            case .forward(let layer):
                result += layer.planSteps(path: named(layer))
                previous = layer
            case .inPlace(let layer):
                result.append(InferencePlan.Step(layers: [named(layer)], action: .inPlace(over: previous.map(named) ?? "")))
                previous = layer
            case .convolution(let conv, let bn, let rectifier):
                result.append(InferencePlan.Step(layers: [conv, bn, rectifier].compactMap { $0.map(named) }, action: .fusedConvolution))
                previous = rectifier ?? bn ?? conv
            }
        }
        return result
    }

    /// During an evaluation (``Layer/fusesForInference``, evaluation mode, outputs not
    /// preserved) a convolution with no BatchNorm after it and the ReLU that follows it run as
    /// one convolution, rectified on its way out (the same values, one pass over the activations
    /// fewer); with a BatchNorm, see ``fusedForward(_:_:_:then:)``. Returns nil when the fusion
    /// does not apply (outside evaluations, or when the ReLU may not work in place).
    static func fusedForward(_ conv: Conv2d, _ bn: BatchNorm?, _ x: Tensor, then relu: Layer?) throws -> Tensor? {
        if let bn { return try fusedForward(conv, bn, x, then: relu) }
        guard let relu, conv.fusesForInference, !conv.isTraining, !conv.preservesOutputs, !relu.isTraining,
              Layer.mayWorkInPlace(relu) else { return nil }
        let y = try conv.forward(x, then: nil, rectified: true)
        relu.adoptFusedOutput(y)
        return y
    }

    /// During an evaluation (``Layer/fusesForInference``, evaluation mode, outputs not
    /// preserved) a convolution and the BatchNorm after it run as one convolution with the
    /// BatchNorm folded in, then `relu` when given: on the convolution's way out where it may
    /// work in place (one pass over the activations fewer; the same values), else after it.
    /// Returns nil when the folding does not apply.
    static func fusedForward(_ conv: Conv2d, _ bn: BatchNorm, _ x: Tensor, then relu: Layer? = nil) throws -> Tensor? {
        guard canFold(conv, bn) else { return nil }
        let rectified = relu.map(Layer.mayWorkInPlace) ?? false
        let y = try conv.forward(x, then: bn.inferenceAffine(), rectified: rectified)
        bn.adoptFusedOutput(y)
        guard let relu else { return y }
        if rectified {
            relu.adoptFusedOutput(y)
            return y
        }
        return try relu.forwardInPlace(y)
    }

    /// The end of a residual block during an evaluation, `relu(bn(conv(x)) + shortcut)`, as
    /// one convolution: the BatchNorm folded in and the sum and ReLU on the convolution's way
    /// out, where ``fusedForward(_:_:_:then:)`` applies and `add` and `relu` may work in place
    /// (the unfused block writes its sum over the BatchNorm's output and rectifies that: the
    /// same values, one pass over the activations fewer). Returns nil otherwise, also when
    /// `shortcut` does not have the convolution's output shape (for `add`'s error).
    static func fusedForward(_ conv: Conv2d, _ bn: BatchNorm, _ x: Tensor, adding shortcut: Tensor,
                             through add: ResidualAdd, then relu: Layer) throws -> Tensor? {
        guard canFold(conv, bn), Layer.mayWorkInPlace(add), Layer.mayWorkInPlace(relu), x.rank == 4,
              let shape = try? conv.outputShape(for: Array(x.shape.dropFirst())),
              shortcut.shape == [x.shape[0]] + shape, shortcut.dtype == .float32 else { return nil }
        let y = try conv.forward(x, then: bn.inferenceAffine(), rectified: true, adding: shortcut)
        bn.adoptFusedOutput(y)
        add.adoptFusedOutput(y)
        relu.adoptFusedOutput(y)
        return y
    }

    /// Whether `bn` folds into `conv` for this forward pass (see ``fusedForward(_:_:_:then:)``).
    private static func canFold(_ conv: Conv2d, _ bn: BatchNorm) -> Bool {
        conv.fusesForInference && !conv.isTraining && !bn.isTraining && !bn.preservesOutputs && bn.features == conv.outChannels
    }

    /// Backpropagates through the chain in reverse. Each intermediate gradient is a
    /// ``TensorPool`` loan that goes back to the pool as soon as it is dropped here, once the
    /// layer before has consumed it.
    public override func backward(_ gradOutput: Tensor) throws -> Tensor {
        guard output != nil else { throw EngineError("\(name.isEmpty ? "Sequential" : name): backward called before forward") }
        var g = gradOutput
        for layer in layers.reversed() { g = try layer.backward(g) }
        return g
    }

    public override var needsInputGradient: Bool {
        didSet { layers.first?.needsInputGradient = needsInputGradient }
    }
}
