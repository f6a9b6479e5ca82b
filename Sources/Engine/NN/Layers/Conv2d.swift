/// 2-d convolution (cross-correlation, as Torch7's `nn.SpatialConvolution` and PyTorch's
/// `nn.Conv2d`): `y[n,k,oh,ow] = b[k] + Σ_{c,r,s} W[k,c,r,s] · x[n,c,oh·sh−ph+r, ow·sw−pw+s]`.
///
/// Implementation: each pass (forward, input gradient, weight gradient) runs on the route its
/// ``ConvPlan`` names, chosen by ``ConvPlanner`` once per geometry (``plan(height:width:batch:)``):
/// on AVX2 + FMA and AVX-512 machines, Winograd F(2×2, 3×3) for 3×3 stride-1 padding-1 layers
/// where it wins (``WinogradConv2d``; an AVX2 and an AVX-512 kernel that give the same bits,
/// each with its own measured rule), the output-channel kernel on small planes and strided
/// layers (``ChannelConv2d``) and the flat kernel on large stride-1 planes (``DirectConv2d``);
/// elsewhere im2col + sgemm with the batch folded into the GEMM's column dimension
/// (``Im2colConv2d``).
public final class Conv2d: Layer, DeclaredLayer {
    public let inChannels: Int
    public let outChannels: Int
    public let kernel: (height: Int, width: Int)
    public let stride: (height: Int, width: Int)
    public let padding: (height: Int, width: Int)
    /// `outChannels × inChannels × kH × kW`.
    public let weight: Parameter
    public let bias: Parameter?
    private var input: Tensor?
    /// The input of the last forward pass (what ``Model/compress(maxDensity:measuring:repeats:)`` times the routes on).
    var lastInput: Tensor? { input }
    /// Steers the route choice (tests and comparisons): ``ConvRoutePreference/measured``
    /// unless a test prefers or avoids a route. Copies keep it.
    public var routePreference: ConvRoutePreference = .measured {
        didSet { plans.removeAll() }
    }
    /// Plans made so far, per geometry (a few: training and evaluation batch sizes).
    private var plans: [ConvGeometry: ConvPlan] = [:]
    /// Set by `Model.compress()`: the inference route and its compressed weights (Sparse/).
    public internal(set) var sparseRoute: SparseRoute?

    public init(name: String = "", inChannels: Int, outChannels: Int, kernel: (Int, Int), stride: (Int, Int) = (1, 1),
                padding: (Int, Int) = (0, 0), bias: Bool = true, initializer: Initializer = .pytorch,
                generator: inout RandomGenerator) throws {
        guard inChannels > 0, outChannels > 0, inChannels <= 1 << 20, outChannels <= 1 << 20 else {
            throw EngineError.invalid("Conv2d channels", expected: "positive input and output channel counts (at most 2^20)", given: "\(inChannels) → \(outChannels)")
        }
        guard kernel.0 > 0, kernel.1 > 0, kernel.0 <= 1024, kernel.1 <= 1024 else {
            throw EngineError.invalid("Conv2d kernel", expected: "positive sizes up to 1024", given: "\(kernel.0)×\(kernel.1)")
        }
        guard stride.0 > 0, stride.1 > 0 else {
            throw EngineError.invalid("Conv2d stride", expected: "positive steps", given: "\(stride.0)×\(stride.1)")
        }
        guard padding.0 >= 0, padding.1 >= 0, padding.0 < 1024, padding.1 < 1024 else {
            throw EngineError.invalid("Conv2d padding", expected: "sizes in 0...1023", given: "\(padding.0)×\(padding.1)")
        }
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        let fanIn = inChannels * kernel.0 * kernel.1
        let w = try Tensor(zeros: [outChannels, inChannels, kernel.0, kernel.1])
        let b = bias ? try Tensor(zeros: [outChannels]) : nil
        initializer.initialize(weight: w, bias: b, fanIn: fanIn, generator: &generator)
        weight = try Parameter(name: "weight", value: w, isPrunable: Conv2d.prunableParameters.contains("weight"))
        self.bias = try b.map { try Parameter(name: "bias", value: $0, isPrunable: Conv2d.prunableParameters.contains("bias")) }
        super.init(name: name)
    }

    private init(copying other: Conv2d) throws {
        inChannels = other.inChannels
        outChannels = other.outChannels
        kernel = other.kernel
        stride = other.stride
        padding = other.padding
        weight = try other.weight.copy()
        bias = try other.bias?.copy()
        routePreference = other.routePreference
        super.init(name: other.name)
        other.copyState(to: self)
    }

    public static let kind = "Conv2d"
    public static let stem = "conv"
    public static let capabilities: LayerCapabilities = [.outputOverwritable, .reinitializable]
    public static let prunableParameters: Set<String> = ["weight"]

    public static func make(from spec: LayerSpec, in context: inout LayerBuildContext) throws -> Conv2d {
        func pair(_ a: String, _ b: String) throws -> (Int, Int) { (try spec.integer(a), try spec.integer(b)) }
        let (inputs, outputs) = (try spec.integer("in"), try spec.integer("out"))
        try context.spend([inputs, outputs, try spec.integer("kernel_h"), try spec.integer("kernel_w")], for: spec)
        return try Conv2d(name: spec.name, inChannels: inputs, outChannels: outputs,
                          kernel: try pair("kernel_h", "kernel_w"), stride: try pair("stride_h", "stride_w"),
                          padding: try pair("pad_h", "pad_w"), bias: try spec.flag("bias"), generator: &context.generator)
    }

    /// Weights and bias from `scheme` with fan-in `in·kH·kW`.
    public override func reinitialize(scheme: Initializer, generator: inout RandomGenerator) {
        scheme.initialize(weight: weight.value, bias: bias?.value, fanIn: inChannels * kernel.height * kernel.width, generator: &generator)
    }

    public override var summary: String {
        func pair(_ p: (Int, Int)) -> String { p.0 == p.1 ? "\(p.0)" : "\(p.0)×\(p.1)" }
        var s = "Conv2d(\(inChannels)→\(outChannels), \(kernel.0)×\(kernel.1)"
        if stride != (1, 1) { s += ", stride \(pair(stride))" }
        if padding != (0, 0) { s += ", pad \(pair(padding))" }
        if bias == nil { s += ", no bias" }
        return s + ")"
    }
    public override var parameters: [Parameter] { bias.map { [weight, $0] } ?? [weight] }
    public override var spec: LayerSpec {
        LayerSpec(kind: kind, name: name,
                  integers: ["in": inChannels, "out": outChannels, "kernel_h": kernel.0, "kernel_w": kernel.1,
                             "stride_h": stride.0, "stride_w": stride.1, "pad_h": padding.0, "pad_w": padding.1],
                  flags: ["bias": bias != nil])
    }
    public override func copy() throws -> Layer { try Conv2d(copying: self) }

    func geometry(height: Int, width: Int) -> WindowGeometry {
        WindowGeometry(channels: inChannels, height: height, width: width, kernelH: kernel.0, kernelW: kernel.1,
                       strideH: stride.0, strideW: stride.1, padH: padding.0, padW: padding.1)
    }

    public override func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 3, inputShape[0] == inChannels else {
            throw shapeError("\(inChannels)×H×W", inputShape)
        }
        let g = geometry(height: inputShape[1], width: inputShape[2])
        guard g.isValid else {
            throw shapeError("an image of at least \(kernel.0 - 2 * padding.0)×\(kernel.1 - 2 * padding.1) for a \(kernel.0)×\(kernel.1) kernel with padding \(padding.0)", inputShape)
        }
        return [outChannels, g.outHeight, g.outWidth]
    }

    public override func flops(for inputShape: [Int]) -> Int {
        guard let out = try? outputShape(for: inputShape) else { return 0 }
        return out.saturatingProduct.saturatingMultiplied(by: [2, inChannels, kernel.0, kernel.1].saturatingProduct.saturatingAdding(bias == nil ? 0 : 1))
    }

    /// The routes this layer takes for a batch of `batch` samples of `height × width` planes
    /// (``ConvPlanner``), made on first use and kept.
    public func plan(height: Int, width: Int, batch: Int) -> ConvPlan {
        let geometry = ConvGeometry(inChannels: inChannels, outChannels: outChannels, kernel: kernel, stride: stride,
                                    padding: padding, height: height, width: width, batch: batch)
        if let known = plans[geometry] { return known }
        let made = ConvPlanner.plan(geometry, preference: routePreference)
        if plans.count >= 16 { plans.removeAll() }
        plans[geometry] = made
        return made
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        try forward(input, then: nil)
    }

    /// The convolution followed, when `affine` is given, by `y·scale[k] + shift[k]` per output
    /// channel (a BatchNorm in evaluation mode folded in: `W·scale`, `b·scale + shift`), then
    /// `+ addend` (a residual shortcut, the output's shape) when given, then a ReLU when
    /// `rectified`: all on the outputs' one way out of the kernel.
    func forward(_ input: Tensor, then affine: (scale: [Float], shift: [Float])?, rectified: Bool = false,
                 adding addend: Tensor? = nil) throws -> Tensor {
        guard input.rank == 4, input.shape[1] == inChannels, input.dtype == .float32 else {
            throw inputError("float32 N×\(inChannels)×H×W", input)
        }
        let outShape = try outputShape(for: Array(input.shape.dropFirst()))
        let x = try input.contiguous()
        let n = x.shape[0]
        let residual = try addend.map { a -> Tensor in
            guard a.shape == [n] + outShape, a.dtype == .float32 else {
                throw EngineError.invalid("\(name) (Conv2d) residual addend", expected: "float32 \(Shape.describe([n] + outShape))",
                                          given: "\(a.dtype) \(Shape.describe(a.shape))")
            }
            // The output buffer (reused below) is written before or while the addend is read.
            return output.map { $0.storage === a.storage } == true ? try a.copy() : try a.contiguous()
        }
        let ap = residual.map { UnsafePointer($0.mutablePointer(as: Float.self)) }
        let g = geometry(height: x.shape[2], width: x.shape[3])
        guard g.patchSize * g.outPlane < Int(Int32.max), outChannels * g.outPlane < Int(Int32.max) else {
            throw inputError("images small enough for 32-bit BLAS sizes", input)
        }
        let y = try Buffers.reuse(output, shape: [n] + outShape)
        // Per-channel output transform: y·scale + shift (identity and bias when not fused).
        let k = outChannels
        var scale = [Float](repeating: 1, count: k)
        var shift = bias?.value.scalars(as: Float.self) ?? [Float](repeating: 0, count: k)
        if let affine {
            for ch in 0..<k {
                shift[ch] = shift[ch] * affine.scale[ch] + affine.shift[ch]
                scale[ch] = affine.scale[ch]
            }
        }
        let plan = self.plan(height: g.height, width: g.width, batch: n)
        let io = ConvForwardIO(x: UnsafePointer(x.mutablePointer(as: Float.self)), y: y.mutablePointer(as: Float.self),
                               scale: affine == nil ? nil : scale, shift: shift, addend: ap, rectified: rectified)
        if let csr = try sparseWeights(sparseRoute) {
            try sparseForward(csr, plan, io)
        } else {
            try plan.forward.implementation.forward(self, plan, io)
        }
        self.input = x
        output = y
        return y
    }

    public override func backward(_ gradOutput: Tensor) throws -> Tensor {
        try refuseCompressedBackward(sparseRoute)
        let dy = try checkedGradient(gradOutput)
        guard let x = input else { throw EngineError("\(name) (Conv2d): backward called before forward") }
        let n = x.shape[0]
        let g = geometry(height: x.shape[2], width: x.shape[3])
        let k = outChannels, plane = g.outPlane
        let dx = try TensorPool.acquire(x.shape)
        let dyp = dy.mutablePointer(as: Float.self)
        if let bias {
            // ∂b[k] += Σ_{n,pixel} ∂y[n,k,pixel]
            let db = bias.gradient.mutablePointer(as: Float.self)
            ParallelLoops.forEach(k, minimumCount: 2) { ch in
                var total: Float = 0
                for j in 0..<n { total += VectorOps.sum(dyp + (j * k + ch) * plane, plane) }
                db[ch] += total
            }
        }
        // ∂x on its route (when needed), then ∂W on its own, which also computes ∂x when the
        // plan gives both to one route.
        let plan = self.plan(height: g.height, width: g.width, batch: n)
        let xp = UnsafePointer(x.mutablePointer(as: Float.self)), dxp = dx.mutablePointer(as: Float.self)
        let dxRoute = needsInputGradient ? plan.inputGradient : nil
        if let dxRoute, dxRoute != plan.weightGradient {
            try dxRoute.implementation.backward(self, plan, ConvBackwardIO(x: xp, dy: dyp, dx: dxp, weightGradient: false))
        }
        try plan.weightGradient.implementation.backward(
            self, plan, ConvBackwardIO(x: xp, dy: dyp, dx: dxRoute == plan.weightGradient ? dxp : nil, weightGradient: true))
        return dx
    }
}
