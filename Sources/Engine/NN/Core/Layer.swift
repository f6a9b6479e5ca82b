/// A network layer in the style of Torch7's `nn.Module`.
///
/// `forward(x)` computes the output and keeps what `backward` needs; `backward(dy)` (called
/// after `forward` with ∂loss/∂output) returns ∂loss/∂input and *adds* ∂loss/∂θ to each
/// parameter's `gradient` (so gradients accumulate until ``zeroGradients()``), exactly as
/// Torch7's `updateGradInput` + `accGradParameters`.
///
/// Tensors are batch-first Float32: `N × features` for fully connected layers and
/// `N × C × H × W` for spatial ones. Shapes passed to ``outputShape(for:)`` and
/// ``flops(for:)`` describe one sample (no batch dimension).
///
/// Buffers are reused: the tensor `forward` returns (and ``output``) belongs to the layer and
/// is overwritten by its next call (copy it to keep it); the one `backward` returns is the
/// caller's, a ``TensorPool`` loan that goes back to the pool when dropped (see ``Memory``).
///
/// The contract has two halves. What a layer *type* is — its kind, name stem, how it is built
/// from a spec, its capabilities — it declares by conforming to ``DeclaredLayer`` (and being
/// listed in ``LayerRegistry``). What each *instance* does it gives by overriding the members
/// below, grouped as "Must override" and "May override"; the rest is container plumbing that
/// subclasses leave alone. Containers (``Sequential``, ``BasicBlock``) hold other layers as
/// ``children``.
public class Layer {
    /// Name within the parent: `conv1`, `bn1`, `layer2`, `0`. Full names join the names on the
    /// path from the root with dots (`layer2.0.conv1`).
    public var name: String
    /// Training mode (batch statistics in BatchNorm, active Dropout) when true; evaluation
    /// mode otherwise. Set it for a whole tree with ``setTraining(_:)``.
    public internal(set) var isTraining = true
    /// The output of the last `forward` (valid until the next one), or nil before any.
    public internal(set) var output: Tensor?
    /// When false, `backward` still accumulates parameter gradients but may skip computing
    /// ∂loss/∂input (and returns an unspecified tensor of the input's shape). Models clear it
    /// on their first layer, whose input gradient nobody needs.
    public var needsInputGradient = true
    /// When true, containers keep every layer's output intact (no in-place ReLU or residual
    /// addition), so that recording can read each one; set on a whole tree by
    /// ``setPreservesOutputs(_:)``. Off by default, which saves an activation-sized buffer per
    /// ReLU and per residual addition.
    public internal(set) var preservesOutputs = false
    /// When true (set by ``Model/evaluate(_:batchSize:)`` for the duration of an evaluation),
    /// containers in evaluation mode fold each BatchNorm into the convolution before it:
    /// faster, but the convolution's own output is then not kept, so no backward may follow.
    var fusesForInference = false

    init(name: String) {
        self.name = name
    }

    // MARK: - Must override (every concrete layer)

    /// Computes the output for a batch `input`, keeping what ``backward(_:)`` needs and
    /// setting ``output``.
    public func forward(_ input: Tensor) throws -> Tensor {
        throw EngineError("\(kind) '\(name)' cannot run forward")
    }

    /// Given ∂loss/∂output of the last `forward`, returns ∂loss/∂input (a buffer from
    /// ``TensorPool/acquire(_:)``, or a view of `gradOutput`) and *adds* the parameter
    /// gradients (Torch7's `updateGradInput` and `accGradParameters` in one).
    public func backward(_ gradOutput: Tensor) throws -> Tensor {
        throw EngineError("\(kind) '\(name)' cannot run backward")
    }

    /// A deep copy: same configuration, mode and weights, fresh buffers and zero gradients.
    public func copy() throws -> Layer {
        throw EngineError("\(kind) '\(name)' cannot be copied")
    }

    // MARK: - May override (defaults suit a parameterless, shape-preserving layer)

    /// The layer type as it appears in summaries and architecture specs (`Conv2d`): the
    /// declared ``DeclaredLayer/kind``. Declared layers do not override it.
    public var kind: String { declaration?.kind ?? "Layer" }

    /// A one-line description of the configuration: `Conv2d(3→64, 3×3, stride 1, pad 1)`.
    public var summary: String { kind }

    /// This layer's own trainable tensors (not its children's), in a fixed order.
    public var parameters: [Parameter] { [] }

    /// Non-trainable state saved in checkpoints (BatchNorm's running statistics), by name.
    public var buffers: [(name: String, tensor: Tensor)] { [] }

    /// Layers this one contains, in forward order.
    public var children: [Layer] { [] }

    /// The per-sample output shape for a per-sample input shape, or an error saying what
    /// input this layer accepts.
    public func outputShape(for inputShape: [Int]) throws -> [Int] { inputShape }

    /// Floating-point operations of one forward pass over one sample of `inputShape`
    /// (2 per multiply-add for convolutions and linear maps, about one per output element for
    /// element-wise layers; children included).
    public func flops(for inputShape: [Int]) -> Int { 0 }

    /// The configuration (without weights) that ``DeclaredLayer/make(from:in:)`` rebuilds this
    /// layer from; the default (kind and name) suits layers without options.
    public var spec: LayerSpec { LayerSpec(kind: kind, name: name) }

    /// Forward that may write the result over `input`, a buffer the layer before owns and does
    /// not need again (it is ``LayerCapabilities/outputOverwritable``). Layers that declare
    /// ``LayerCapabilities/inPlace`` override it; it must fall back to ``forward(_:)`` unless
    /// ``mayWorkInPlace(_:)`` holds for `self`. The default runs ``forward(_:)``.
    public func forwardInPlace(_ input: Tensor) throws -> Tensor { try forward(input) }

    /// Draws fresh values for this layer's own parameters (and resets its statistics) with
    /// `scheme`, in a fixed order, from `generator`; layers that declare
    /// ``LayerCapabilities/reinitializable`` override it. The default does nothing (a layer
    /// with parameters but without the capability is refused before this is called).
    public func reinitialize(scheme: Initializer, generator: inout RandomGenerator) {}

    // MARK: - Container plumbing (not overridden by leaf layers)

    /// Sets training mode on this layer and all its descendants.
    public func setTraining(_ on: Bool) {
        isTraining = on
        for child in children { child.setTraining(on) }
    }

    /// Whether `layer` may overwrite its input buffer: in training (memory for backward) and
    /// during evaluations, never while outputs are preserved or in plain evaluation forwards.
    static func mayWorkInPlace(_ layer: Layer) -> Bool {
        !layer.preservesOutputs && (layer.isTraining || layer.fusesForInference)
    }

    /// Records that a container computed this layer's output elsewhere: a convolution that
    /// folded this BatchNorm in, added this residual sum or rectified on its way out
    /// (see ``InferencePlan``).
    func adoptFusedOutput(_ y: Tensor) {
        output = y
    }

    /// The steps an evaluation runs for this layer, named under `path` (its full name): one
    /// step of its own for a leaf, its children's steps for a container. Containers that plan
    /// (``Sequential``, ``BasicBlock``) override it with the steps they chose.
    func planSteps(path: String) -> [InferencePlan.Step] {
        let children = children
        if children.isEmpty { return [InferencePlan.Step(layers: [path], action: .alone)] }
        return children.flatMap { $0.planSteps(path: path.isEmpty ? $0.name : "\(path).\($0.name)") }
    }

    /// Sets ``fusesForInference`` on this layer and all its descendants.
    func setFusesForInference(_ on: Bool) {
        fusesForInference = on
        for child in children { child.setFusesForInference(on) }
    }

    /// Sets ``preservesOutputs`` on this layer and all its descendants.
    public func setPreservesOutputs(_ on: Bool) {
        preservesOutputs = on
        for child in children { child.setPreservesOutputs(on) }
    }

    /// Zeroes the gradients of this layer's and its descendants' parameters.
    public func zeroGradients() {
        for p in parameters { p.zeroGradient() }
        for child in children { child.zeroGradients() }
    }

    /// The error for a bad input: names the layer, what it accepts and what it got.
    func inputError(_ expected: String, _ input: Tensor) -> EngineError {
        EngineError.invalid("\(name.isEmpty ? kind : "\(name) (\(kind))") input", expected: expected,
                            given: "\(input.dtype.rawValue) \(Shape.describe(input.shape))")
    }

    /// The error for a shape problem in a per-sample input shape.
    /// ``outputShape(for:)``, checked to be a shape a tensor can have (at most
    /// `Storage.maxCount` elements per sample), so that shape inference on a huge declared input
    /// stops with an error instead of carrying an overflowing size into the next layer.
    public func checkedOutputShape(for inputShape: [Int]) throws -> [Int] {
        let shape = try outputShape(for: inputShape)
        guard (try? Shape.validatedCount(shape)) != nil else {
            throw EngineError.invalid("\(name.isEmpty ? kind : "\(name) (\(kind))") output", expected: "at most \(Storage.maxCount) elements per sample",
                                      given: "shape \(Shape.describe(shape)) for an input of shape \(Shape.describe(inputShape))")
        }
        return shape
    }

    func shapeError(_ expected: String, _ shape: [Int]) -> EngineError {
        EngineError.invalid("\(name.isEmpty ? kind : "\(name) (\(kind))") input", expected: expected, given: "a sample of shape \(Shape.describe(shape))")
    }

    /// Checks that `gradOutput` matches the last output and returns it contiguous.
    func checkedGradient(_ gradOutput: Tensor) throws -> Tensor {
        guard let output else {
            throw EngineError("\(name.isEmpty ? kind : "\(name) (\(kind))"): backward called before forward")
        }
        guard gradOutput.shape == output.shape, gradOutput.dtype == .float32 else {
            throw EngineError.invalid("\(name.isEmpty ? kind : "\(name) (\(kind))") backward gradient", expected: "float32 \(Shape.describe(output.shape)) (the shape of the last output)",
                                      given: "\(gradOutput.dtype.rawValue) \(Shape.describe(gradOutput.shape))")
        }
        return try gradOutput.contiguous()
    }

    /// Copies mode and gradient flag onto a copy of this layer.
    func copyState(to other: Layer) {
        other.isTraining = isTraining
        other.needsInputGradient = needsInputGradient
    }
}
