import CBLAS
#if canImport(Glibc)
import Glibc
#endif

/// 2-d convolution (cross-correlation, as Torch7's `nn.SpatialConvolution` and PyTorch's
/// `nn.Conv2d`): `y[n,k,oh,ow] = b[k] + Σ_{c,r,s} W[k,c,r,s] · x[n,c,oh·sh−ph+r, ow·sw−pw+s]`.
///
/// Implementation: with AVX-512, Winograd F(2×2, 3×3) for 3×3 stride-1 padding-1 layers where
/// it wins (``WinogradConv2d``; forward and input gradient). On AVX2 + FMA machines, direct
/// kernels where they win (``DirectConv2d``:
/// the output-channel kernel on small planes and strided layers, the flat kernel on large
/// stride-1 planes); elsewhere im2col + sgemm with the batch folded into the GEMM's column
/// dimension.
/// A chunk of samples is unrolled into a `C·kH·kW × (chunk·Ho·Wo)` matrix in a shared
/// ``Workspace`` buffer, so one large sgemm (`K × C·kH·kW` times that matrix) runs per chunk
/// on all cores. Backward recomputes the chunk's matrix and runs two more sgemms:
/// `∂W += ∂Y·colsᵀ` and `∂cols = Wᵀ·∂Y`, then col2im adds `∂cols` into `∂x`.
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
    /// False forces im2col + sgemm even where the direct kernels apply (for tests).
    var allowsDirectAlgorithm = true
    /// True takes the direct kernels wherever they can run, ignoring the speed heuristics (for tests).
    var forcesDirectAlgorithm = false
    /// True runs the output-channel direct kernel wherever it can (forward, and the input
    /// gradient at stride 1), false never; nil leaves the choice to ``DirectConv2d`` (for tests).
    var channelKernel: Bool?
    /// True runs the Winograd route (``WinogradConv2d``) wherever it can (forward and input
    /// gradient), false never; nil leaves the choice to ``WinogradConv2d`` (for tests).
    var winograd: Bool?

    /// Largest im2col chunk per worker, in floats (a chunk holds at least one sample).
    /// `PRUNELAB_CONV_CHUNK` overrides it (for tuning).
    static let chunkBudget: Int = {
        if let v = getenv("PRUNELAB_CONV_CHUNK"), let n = Int(String(cString: v)), n > 0 { return n }
        return 1 << 20
    }()

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
        allowsDirectAlgorithm = other.allowsDirectAlgorithm
        forcesDirectAlgorithm = other.forcesDirectAlgorithm
        channelKernel = other.channelKernel
        winograd = other.winograd
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

    /// Samples per im2col chunk.
    private func chunkSize(_ g: WindowGeometry, batch: Int) -> Int {
        let perSample = max(1, g.patchSize * g.outPlane)
        return max(1, min(batch, Conv2d.chunkBudget / perSample))
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
        if WinogradConv2d.applies(self, height: g.height, width: g.width) {
            try WinogradConv2d.forward(self, x: x.mutablePointer(as: Float.self), n: n, height: g.height, width: g.width,
                                       y: y.mutablePointer(as: Float.self), scale: affine == nil ? nil : scale, shift: shift,
                                       adding: ap, rectified: rectified)
            self.input = x
            output = y
            return y
        }
        if DirectConv2d.usesChannelKernel(self, height: g.height, width: g.width) {
            try DirectConv2d.channelForward(self, x: x.mutablePointer(as: Float.self), n: n, height: g.height, width: g.width,
                                            y: y.mutablePointer(as: Float.self), scale: affine == nil ? nil : scale, shift: shift,
                                            adding: ap, rectified: rectified)
            self.input = x
            output = y
            return y
        }
        if DirectConv2d.applies(to: self, height: g.height, width: g.width) {
            try DirectConv2d.forward(self, x: x.mutablePointer(as: Float.self), n: n, height: g.height, width: g.width,
                                     y: y.mutablePointer(as: Float.self), scale: affine == nil ? nil : scale, shift: shift,
                                     adding: ap, rectified: rectified)
            self.input = x
            output = y
            return y
        }
        let plane = g.outPlane, patch = g.patchSize
        let chunk = chunkSize(g, batch: n)
        let xp = UnsafePointer(x.mutablePointer(as: Float.self))
        let yp = y.mutablePointer(as: Float.self)
        let wp = weight.value.mutablePointer(as: Float.self)
        let workers = min(BLASWorkers.count, max(n, 1))
        try BLASWorkers.run(workers) { w in
            let mine = BLASWorkers.share(n, w, workers)
            if mine.isEmpty { return }
            let size = min(chunk, mine.count)
            try Workspace.withBuffers(patch * size * plane, k * size * plane) { cols, product in
                var first = mine.lowerBound
                while first < mine.upperBound {
                    let count = min(size, mine.upperBound - first)
                    let columns = count * plane
                    Im2col.expand(xp, g, first: first, count: count, into: cols)
                    // product (K × count·plane) = W (K × patch) · cols (patch × count·plane)
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(k), Int32(columns), Int32(patch),
                                1, wp, Int32(patch), cols, Int32(columns), 0, product, Int32(columns))
                    // Scatter each sample's K × plane block into NCHW, with the bias (and folded
                    // BatchNorm, residual and ReLU).
                    for ch in 0..<k {
                        for j in 0..<count {
                            let at = ((first + j) * k + ch) * plane
                            VectorOps.affine(product + ch * columns + j * plane, yp + at, plane, scale: scale[ch], shift: shift[ch])
                            if ap != nil || rectified {
                                VectorOps.finishOutputs(yp + at, yp + at, plane, adding: ap.map { $0 + at }, rectified: rectified)
                            }
                        }
                    }
                    first += count
                }
            }
        }
        self.input = x
        output = y
        return y
    }

    public override func backward(_ gradOutput: Tensor) throws -> Tensor {
        let dy = try checkedGradient(gradOutput)
        guard let x = input else { throw EngineError("\(name) (Conv2d): backward called before forward") }
        let n = x.shape[0]
        let g = geometry(height: x.shape[2], width: x.shape[3])
        let k = outChannels, plane = g.outPlane, patch = g.patchSize
        let chunk = chunkSize(g, batch: n)
        let dx = try TensorPool.acquire(x.shape)
        let xp = UnsafePointer(x.mutablePointer(as: Float.self))
        let dyp = dy.mutablePointer(as: Float.self)
        let dxp = dx.mutablePointer(as: Float.self)
        let wp = weight.value.mutablePointer(as: Float.self)
        if let bias {
            // ∂b[k] += Σ_{n,pixel} ∂y[n,k,pixel]
            let db = bias.gradient.mutablePointer(as: Float.self)
            ParallelLoops.forEach(k, minimumCount: 2) { ch in
                var total: Float = 0
                for j in 0..<n { total += VectorOps.sum(dyp + (j * k + ch) * plane, plane) }
                db[ch] += total
            }
        }
        // The input gradient may take the channel kernel; the weight gradient then runs alone.
        let dxByWinograd = needsInputGradient && WinogradConv2d.applies(self, height: g.height, width: g.width, inputGradient: true)
        let dxByChannels = needsInputGradient && !dxByWinograd
            && DirectConv2d.usesChannelKernel(self, height: g.height, width: g.width, inputGradient: true)
        let needDx = needsInputGradient && !dxByChannels && !dxByWinograd
        if dxByWinograd {
            try WinogradConv2d.inputGradient(self, dy: dyp, n: n, height: g.height, width: g.width, dx: dxp)
        } else if dxByChannels {
            try DirectConv2d.channelInputGradient(self, dy: dyp, n: n, height: g.height, width: g.width, dx: dxp)
        }
        let dwByChannels = DirectConv2d.usesChannelKernelForWeightGradient(self, height: g.height, width: g.width)
        if dwByChannels {
            try DirectConv2d.channelWeightGradient(self, x: xp, dy: dyp, n: n, height: g.height, width: g.width)
            if !needDx { return dx }
        } else if DirectConv2d.applies(to: self, height: g.height, width: g.width, backward: true) {
            try DirectConv2d.backward(self, x: xp, dy: dyp, n: n, height: g.height, width: g.width, dx: needDx ? dxp : nil)
            return dx
        }
        let needDw = !dwByChannels
        let workers = min(BLASWorkers.count, max(n, 1))
        // Worker 0 accumulates ∂W straight into the gradient; the others into partials from the
        // shared workspace, added afterwards in worker order (deterministic).
        let dwp = weight.gradient.mutablePointer(as: Float.self)
        let size = k * patch
        try Workspace.withBuffer(count: max(workers - 1, 1) * size) { partials in
            try BLASWorkers.run(workers) { w in
                let mine = BLASWorkers.share(n, w, workers)
                let dw = w == 0 ? dwp : partials + (w - 1) * size
                if w > 0 { dw.update(repeating: 0, count: size) }
                if mine.isEmpty { return }
                let samples = min(chunk, mine.count)
                if needDx {
                    (dxp + mine.lowerBound * g.channels * g.inPlane).update(repeating: 0, count: mine.count * g.channels * g.inPlane)
                }
                try Workspace.withBuffers(patch * samples * plane, k * samples * plane) { cols, gathered in
                    var first = mine.lowerBound
                    while first < mine.upperBound {
                        let count = min(samples, mine.upperBound - first)
                        let columns = count * plane
                        // Gather ∂Y for the chunk as K × (count·plane).
                        for ch in 0..<k {
                            for j in 0..<count {
                                (gathered + ch * columns + j * plane).update(from: dyp + ((first + j) * k + ch) * plane, count: plane)
                            }
                        }
                        if needDw {
                            Im2col.expand(xp, g, first: first, count: count, into: cols)
                            // ∂W (K × patch) += ∂Y (K × columns) · colsᵀ (columns × patch)
                            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(k), Int32(patch), Int32(columns),
                                        1, gathered, Int32(columns), cols, Int32(columns), 1, dw, Int32(patch))
                        }
                        if needDx {
                            // ∂cols (patch × columns) = Wᵀ (patch × K) · ∂Y (K × columns), reusing cols.
                            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(patch), Int32(columns), Int32(k),
                                        1, wp, Int32(patch), gathered, Int32(columns), 0, cols, Int32(columns))
                            Im2col.accumulate(cols, g, first: first, count: count, into: dxp)
                        }
                        first += count
                    }
                }
            }
            for w in 1..<max(workers, 1) where needDw {
                let part = partials + (w - 1) * size
                ParallelLoops.forRanges(size) { range in
                    VectorOps.add(dwp + range.lowerBound, part + range.lowerBound, dwp + range.lowerBound, range.count)
                }
            }
        }
        return dx
    }
}
