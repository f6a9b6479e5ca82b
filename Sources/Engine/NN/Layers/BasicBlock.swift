/// The residual basic block of ResNet-18/34 (He et al., "Deep Residual Learning", 2016):
///
///     out = relu2( bn2(conv2(relu1(bn1(conv1(x))))) + shortcut(x) )
///
/// with 3×3 convolutions (the first with `stride`), no convolution biases, and an identity
/// shortcut, or — when the stride is not 1 or the channel count changes — a projection
/// `downsample` = 1×1 convolution with `stride` followed by BatchNorm (torchvision's "option B").
/// Child names follow torchvision (`conv1`, `bn1`, `conv2`, `bn2`, `downsample.0`,
/// `downsample.1`), plus `relu1`, `add` and `relu2` for the outputs the study records.
public final class BasicBlock: Layer, DeclaredLayer {
    public let inChannels: Int
    public let outChannels: Int
    public let stride: Int
    public let conv1: Conv2d, bn1: BatchNorm2d, relu1: ReLU
    public let conv2: Conv2d, bn2: BatchNorm2d
    public let downsample: Sequential?
    public let add: ResidualAdd
    public let relu2: ReLU
    private var input: Tensor?

    public init(name: String = "", inChannels: Int, outChannels: Int, stride: Int = 1, initializer: Initializer = .pytorch,
                generator: inout RandomGenerator) throws {
        guard stride > 0, stride <= 64 else {
            throw EngineError.invalid("BasicBlock stride", expected: "an integer in 1...64", given: "\(stride)")
        }
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.stride = stride
        conv1 = try Conv2d(name: "conv1", inChannels: inChannels, outChannels: outChannels, kernel: (3, 3), stride: (stride, stride),
                           padding: (1, 1), bias: false, initializer: initializer, generator: &generator)
        bn1 = try BatchNorm2d(name: "bn1", features: outChannels)
        relu1 = ReLU(name: "relu1")
        conv2 = try Conv2d(name: "conv2", inChannels: outChannels, outChannels: outChannels, kernel: (3, 3), padding: (1, 1),
                           bias: false, initializer: initializer, generator: &generator)
        bn2 = try BatchNorm2d(name: "bn2", features: outChannels)
        if stride != 1 || inChannels != outChannels {
            downsample = try Sequential(name: "downsample", [
                Conv2d(name: "0", inChannels: inChannels, outChannels: outChannels, kernel: (1, 1), stride: (stride, stride),
                       bias: false, initializer: initializer, generator: &generator),
                BatchNorm2d(name: "1", features: outChannels),
            ])
        } else {
            downsample = nil
        }
        add = ResidualAdd(name: "add")
        relu2 = ReLU(name: "relu2")
        super.init(name: name)
    }

    private init(copying other: BasicBlock) throws {
        inChannels = other.inChannels
        outChannels = other.outChannels
        stride = other.stride
        func same<T: Layer>(_ layer: T) throws -> T {
            guard let c = try layer.copy() as? T else { throw EngineError("BasicBlock: cannot copy \(layer.name)") }
            return c
        }
        conv1 = try same(other.conv1); bn1 = try same(other.bn1); relu1 = try same(other.relu1)
        conv2 = try same(other.conv2); bn2 = try same(other.bn2)
        downsample = try other.downsample.map { try same($0) }
        add = try same(other.add); relu2 = try same(other.relu2)
        super.init(name: other.name)
        other.copyState(to: self)
    }

    public static let kind = "BasicBlock"
    public static let stem = "block"
    public static func make(from spec: LayerSpec, in context: inout LayerBuildContext) throws -> BasicBlock {
        let (inputs, outputs) = (try spec.integer("in"), try spec.integer("out"))
        try context.spend([inputs, outputs, 9], for: spec)
        try context.spend([outputs, outputs, 9], for: spec)
        return try BasicBlock(name: spec.name, inChannels: inputs, outChannels: outputs, stride: try spec.integer("stride"), generator: &context.generator)
    }

    public override var summary: String {
        "BasicBlock(\(inChannels)→\(outChannels)\(stride != 1 ? ", stride \(stride)" : "")\(downsample != nil ? ", projection" : ""))"
    }
    public override var children: [Layer] {
        [conv1, bn1, relu1, conv2, bn2] + (downsample.map { [$0] } ?? []) + [add, relu2]
    }
    public override var spec: LayerSpec {
        LayerSpec(kind: kind, name: name, integers: ["in": inChannels, "out": outChannels, "stride": stride])
    }
    public override func copy() throws -> Layer { try BasicBlock(copying: self) }

    public override func outputShape(for inputShape: [Int]) throws -> [Int] {
        let main = try bn2.outputShape(for: conv2.outputShape(for: bn1.outputShape(for: conv1.outputShape(for: inputShape))))
        let short = try downsample?.outputShape(for: inputShape) ?? inputShape
        guard main == short else { throw shapeError("a shape whose shortcut matches the residual branch", inputShape) }
        return main
    }

    public override func flops(for inputShape: [Int]) -> Int {
        guard let mid = try? conv1.outputShape(for: inputShape), let out = try? outputShape(for: inputShape) else { return 0 }
        return [conv1.flops(for: inputShape), bn1.flops(for: mid), relu1.flops(for: mid), conv2.flops(for: mid),
                bn2.flops(for: out), downsample?.flops(for: inputShape) ?? 0, add.flops(for: out), relu2.flops(for: out)].saturatingSum
    }

    /// The per-sample input shape of each child, for summaries.
    func childInputShapes(_ inputShape: [Int]) throws -> [(Layer, [Int])] {
        let mid = try conv1.outputShape(for: inputShape)
        let out = try outputShape(for: inputShape)
        var rows: [(Layer, [Int])] = [(conv1, inputShape), (bn1, mid), (relu1, mid), (conv2, mid), (bn2, out)]
        if let downsample { rows.append((downsample, inputShape)) }
        rows += [(add, out), (relu2, out)]
        return rows
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        guard input.rank == 4, input.shape[1] == inChannels, input.dtype == .float32 else {
            throw inputError("float32 N×\(inChannels)×H×W", input)
        }
        let x = try input.contiguous()
        let h = try Sequential.fusedForward(conv1, bn1, x, then: relu1) ?? relu1.forwardInPlace(bn1.forward(conv1.forward(x)))
        let short = try downsample?.forward(x) ?? x
        let y: Tensor
        if let fused = try Sequential.fusedForward(conv2, bn2, h, adding: short, through: add, then: relu2) {
            y = fused
        } else {
            let branch = try Sequential.fusedForward(conv2, bn2, h) ?? bn2.forward(conv2.forward(h))
            y = try add.add(branch, short, then: relu2)
        }
        self.input = x
        output = y
        return y
    }

    /// The block's fixed plan: `conv1`+`bn1`+`relu1` as one convolution, the shortcut's
    /// steps, then `conv2`+`bn2`+`add`+`relu2` as one convolution adding the shortcut.
    override func planSteps(path: String) -> [InferencePlan.Step] {
        func named(_ layer: Layer) -> String { path.isEmpty ? layer.name : "\(path).\(layer.name)" }
        return [InferencePlan.Step(layers: [conv1, bn1, relu1].map(named), action: .fusedConvolution)]
            + (downsample.map { $0.planSteps(path: named($0)) } ?? [])
            + [InferencePlan.Step(layers: [conv2, bn2, add, relu2].map(named), action: .fusedConvolution)]
    }

    /// Backward through both paths: the gradient at the addition goes to the residual branch
    /// and to the shortcut, and their input gradients are summed. Intermediate gradients are
    /// ``TensorPool`` loans that go back to the pool as soon as they are dropped.
    public override func backward(_ gradOutput: Tensor) throws -> Tensor {
        guard let x = input, output != nil else { throw EngineError("\(name) (BasicBlock): backward called before forward") }
        let g = try add.backward(relu2.backward(gradOutput))
        var main = g
        for layer in [bn2, conv2, relu1, bn1, conv1] as [Layer] { main = try layer.backward(main) }
        let short = try downsample?.backward(g) ?? g
        guard needsInputGradient else { return main }
        let dx = try TensorPool.acquire(x.shape)
        let a = main.mutablePointer(as: Float.self), b = short.mutablePointer(as: Float.self), d = dx.mutablePointer(as: Float.self)
        withExtendedLifetime((main, short)) {  // their buffers go back to the pool only after the sum
            ParallelLoops.forRanges(dx.count) { range in
                VectorOps.add(a + range.lowerBound, b + range.lowerBound, d + range.lowerBound, range.count)
            }
        }
        return dx
    }

    public override var needsInputGradient: Bool {
        didSet {
            conv1.needsInputGradient = needsInputGradient
            downsample?.needsInputGradient = needsInputGradient
        }
    }
}
