/// A network ready for training, evaluation, pruning, recording and checkpoints: a root
/// ``Layer`` (usually a ``Sequential``) plus the per-sample input shape and a description of
/// how it was built.
///
/// Layers are addressed by dotted names from the root (`conv1`, `layer2.0.conv1`,
/// `layer2.0.add`); parameters by `<layer>.<weight|bias>` (PyTorch's `state_dict` names).
public final class Model {
    /// The network.
    public let root: Layer
    /// Shape of one input sample (`[1, 28, 28]`) when declared at construction; inputs must
    /// then have it. Models of free-standing layers (`nn.ReLU()`) accept any valid shape.
    public let inputShape: [Int]?
    /// The per-sample shape of the last forward's input.
    public private(set) var lastInputShape: [Int]?
    /// The shape summaries use: the declared one, else the last one seen.
    public var shapeForSummary: [Int]? { inputShape ?? lastInputShape }
    /// How the model was built, for display: `convnet{input = {1, 28, 28}, classes = 10}`.
    public var title: String
    /// How the model came to be (training settings, data normalisation, metrics, user
    /// metadata); written into checkpoints. See ``ModelProvenance``.
    public var provenance = ModelProvenance()

    public init(root: Layer, inputShape: [Int]?, title: String) throws {
        self.root = root
        self.title = title
        self.inputShape = inputShape
        if let inputShape {
            guard (try? Shape.validatedCount(inputShape)) != nil else {
                throw EngineError.invalid("model input", expected: "a sample shape of at most \(Storage.maxCount) elements", given: Shape.describe(inputShape))
            }
            _ = try root.checkedOutputShape(for: inputShape)
        }
    }

    // MARK: structure

    /// Every layer whose output the study can record — the leaves of the layer tree and the
    /// residual additions — in forward order, with full dotted names.
    public var layers: [(name: String, layer: Layer)] {
        var result: [(String, Layer)] = []
        func walk(_ layer: Layer, _ path: String) {
            let children = layer.children
            if children.isEmpty {
                result.append((path.isEmpty ? rootLeafName : path, layer))
                return
            }
            for child in children { walk(child, path.isEmpty ? child.name : "\(path).\(child.name)") }
        }
        walk(root, "")
        return result
    }

    /// The name a model made of a single layer lists for it: its own name, else its kind.
    var rootLeafName: String { root.name.isEmpty ? root.kind : root.name }

    /// The layer called `name` (any node of the tree, containers included), or nil.
    public func layer(named name: String) -> Layer? {
        if root.children.isEmpty { return name == rootLeafName ? root : nil }
        var node = root
        for part in name.split(separator: ".", omittingEmptySubsequences: false) {
            guard let next = node.children.first(where: { $0.name == part }) else { return nil }
            node = next
        }
        return node
    }

    /// Every trainable tensor as `(full name, parameter)`, in layer order. Names are relative
    /// to the root (a model of one layer has parameters `weight` and `bias`).
    public var parameters: [(name: String, parameter: Parameter)] {
        var result: [(String, Parameter)] = []
        func walk(_ layer: Layer, _ path: String) {
            for p in layer.parameters { result.append((path.isEmpty ? p.name : "\(path).\(p.name)", p)) }
            for child in layer.children { walk(child, path.isEmpty ? child.name : "\(path).\(child.name)") }
        }
        walk(root, "")
        return result
    }

    /// Bytes the model's tensors hold: every parameter's value, gradient and mask, and every
    /// buffer (BatchNorm running statistics). Layer outputs and scratch come and go with
    /// forward passes and are not counted. Front ends that manage object lifetimes with a
    /// garbage collector (Lua) report it so that dropped models are collected promptly.
    public var storageBytes: Int {
        var bytes = 0
        for (_, p) in parameters {
            bytes += (p.value.count + p.gradient.count + (p.mask?.count ?? 0)) * MemoryLayout<Float>.size
        }
        for (_, b) in buffers { bytes += b.count * b.dtype.byteSize }
        return bytes
    }

    /// Every non-trainable saved tensor (BatchNorm running statistics) as `(full name, tensor)`.
    public var buffers: [(name: String, tensor: Tensor)] {
        var result: [(String, Tensor)] = []
        func walk(_ layer: Layer, _ path: String) {
            for b in layer.buffers { result.append((path.isEmpty ? b.name : "\(path).\(b.name)", b.tensor)) }
            for child in layer.children { walk(child, path.isEmpty ? child.name : "\(path).\(child.name)") }
        }
        walk(root, "")
        return result
    }

    /// Total number of trainable scalars.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.parameter.count } }

    /// Whether the model is in training mode.
    public var isTraining: Bool { root.isTraining }

    /// Switches the whole model to training (`true`) or evaluation mode.
    public func setTraining(_ on: Bool) { root.setTraining(on) }

    // MARK: running

    /// Checks a batch against the declared input shape and returns it as Float32.
    func checkedInput(_ input: Tensor) throws -> Tensor {
        guard input.rank >= 1 else {
            throw EngineError.invalid("model input", expected: inputShape.map { "a batch N×\(Shape.describe($0))" } ?? "a batch (N×…)", given: "a 0-d tensor")
        }
        let sample = Array(input.shape.dropFirst())
        if let inputShape {
            guard sample == inputShape else {
                throw EngineError.invalid("model input", expected: "a batch N×\(Shape.describe(inputShape))", given: Shape.describe(input.shape))
            }
        } else {
            _ = try root.outputShape(for: sample)
        }
        lastInputShape = sample
        return try input.converted(to: .float32)
    }

    /// The model's output for a batch (a buffer owned by the model: copy it to keep it).
    public func forward(_ input: Tensor) throws -> Tensor {
        lastPassWasFused = false
        return try root.forward(checkedInput(input))
    }

    /// Whether the last pass ran on the inference plan (``predict(_:)``, ``evaluate(_:batchSize:)``),
    /// which keeps no per-layer state for a backward pass.
    var lastPassWasFused = false

    /// Backpropagates ∂loss/∂output of the last forward, accumulating parameter gradients,
    /// and returns ∂loss/∂input (a model-owned buffer). Training passes
    /// `inputGradient: false` to skip the first layer's input gradient, which nobody needs;
    /// the returned tensor is then unspecified.
    @discardableResult
    public func backward(_ gradOutput: Tensor, inputGradient: Bool = true) throws -> Tensor {
        guard !lastPassWasFused else {
            throw EngineError("backward needs a forward pass first: the last pass was an evaluation or a prediction " +
                              "(m:evaluate, m:predict), whose fused steps keep no per-layer state for it; call m:forward(x)")
        }
        root.needsInputGradient = inputGradient
        return try root.backward(gradOutput.converted(to: .float32))
    }

    /// Zeroes every parameter gradient.
    public func zeroGradients() { root.zeroGradients() }

    /// A deep copy (weights, masks, running statistics, mode); gradients start at zero.
    public func clone() throws -> Model {
        let copy = try Model(root: root.copy(), inputShape: inputShape, title: title)
        copy.provenance = provenance
        return copy
    }

    /// Re-applies every parameter's pruning mask to its weights (a no-op for dense
    /// parameters). ``SGD`` does this after each step; call it after editing weights by hand.
    public func applyMasks() {
        for (_, p) in parameters { p.applyMask(to: p.value) }
    }
}
