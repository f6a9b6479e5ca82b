/// 2-d max pooling (PyTorch's `nn.MaxPool2d`): `y[n,c,oh,ow]` is the largest
/// `x[n,c,oh·sh−ph+r, ow·sw−pw+s]` over the window (padding never wins). Backward routes each
/// output gradient to the input that won (the first, in row-major window order, on ties).
public final class MaxPool2d: Layer {
    public let kernel: (height: Int, width: Int)
    public let stride: (height: Int, width: Int)
    public let padding: (height: Int, width: Int)
    private var inputShape: [Int] = []
    /// Index within its input plane of each output's winner.
    private var winners: [Int32] = []

    public init(name: String = "", kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0)) throws {
        let stride = stride ?? kernel
        guard kernel.0 > 0, kernel.1 > 0, kernel.0 <= 1024, kernel.1 <= 1024, stride.0 > 0, stride.1 > 0 else {
            throw EngineError.invalid("MaxPool2d", expected: "positive kernel (up to 1024) and stride", given: "kernel \(kernel.0)×\(kernel.1), stride \(stride.0)×\(stride.1)")
        }
        guard padding.0 >= 0, padding.1 >= 0, 2 * padding.0 <= kernel.0, 2 * padding.1 <= kernel.1 else {
            throw EngineError.invalid("MaxPool2d padding", expected: "at most half the kernel size (\(kernel.0 / 2)×\(kernel.1 / 2))", given: "\(padding.0)×\(padding.1)")
        }
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        super.init(name: name)
    }

    public override var kind: String { "MaxPool2d" }
    public override var summary: String { Pooling.describe("MaxPool2d", kernel, stride, padding) }
    public override var spec: LayerSpec { Pooling.spec(kind, name, kernel, stride, padding) }
    public override func copy() throws -> Layer {
        let other = try MaxPool2d(name: name, kernel: kernel, stride: stride, padding: padding)
        copyState(to: other)
        return other
    }

    func geometry(_ c: Int, _ h: Int, _ w: Int) -> WindowGeometry {
        WindowGeometry(channels: c, height: h, width: w, kernelH: kernel.0, kernelW: kernel.1, strideH: stride.0, strideW: stride.1, padH: padding.0, padW: padding.1)
    }

    public override func outputShape(for inputShape: [Int]) throws -> [Int] {
        try Pooling.outputShape(self, inputShape, geometry)
    }

    public override func flops(for inputShape: [Int]) -> Int {
        ((try? outputShape(for: inputShape))?.reduce(1, *) ?? 0) * kernel.0 * kernel.1
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        guard input.rank == 4, input.dtype == .float32 else { throw inputError("float32 N×C×H×W", input) }
        let outShape = try outputShape(for: Array(input.shape.dropFirst()))
        let x = try input.contiguous()
        let g = geometry(x.shape[1], x.shape[2], x.shape[3])
        let planes = x.shape[0] * x.shape[1]
        let y = try Buffers.reuse(output, shape: [x.shape[0]] + outShape)
        if winners.count != y.count { winners = [Int32](repeating: 0, count: y.count) }
        let xp = x.mutablePointer(as: Float.self), yp = y.mutablePointer(as: Float.self)
        winners.withUnsafeMutableBufferPointer { buffer in
            let wp = buffer.baseAddress!
            ParallelLoops.forEach(planes, minimumCount: 2) { p in
                let src = xp + p * g.inPlane
                let dst = yp + p * g.outPlane, win = wp + p * g.outPlane
                for oh in 0..<g.outHeight {
                    let h0 = oh * g.strideH - g.padH
                    let hs = max(0, h0), he = min(g.height, h0 + g.kernelH)
                    for ow in 0..<g.outWidth {
                        let w0 = ow * g.strideW - g.padW
                        let ws = max(0, w0), we = min(g.width, w0 + g.kernelW)
                        var best = -Float.infinity, bestIndex = hs * g.width + ws
                        for ih in hs..<he {
                            let row = ih * g.width
                            for iw in ws..<we {
                                let v = src[row + iw]
                                if v > best || v.isNaN { best = v; bestIndex = row + iw; if v.isNaN { break } }
                            }
                        }
                        dst[oh * g.outWidth + ow] = best
                        win[oh * g.outWidth + ow] = Int32(bestIndex)
                    }
                }
            }
        }
        inputShape = x.shape
        output = y
        return y
    }

    public override func backward(_ gradOutput: Tensor) throws -> Tensor {
        let dy = try checkedGradient(gradOutput)
        let dx = try TensorPool.acquire(inputShape)
        let planes = inputShape[0] * inputShape[1]
        let inPlane = inputShape[2] * inputShape[3], outPlane = dy.count / max(planes, 1)
        let dyp = dy.mutablePointer(as: Float.self), dxp = dx.mutablePointer(as: Float.self)
        winners.withUnsafeBufferPointer { buffer in
            let wp = buffer.baseAddress!
            ParallelLoops.forEach(planes, minimumCount: 2) { p in
                let d = dxp + p * inPlane, g = dyp + p * outPlane, win = wp + p * outPlane
                d.update(repeating: 0, count: inPlane)
                for i in 0..<outPlane { d[Int(win[i])] += g[i] }
            }
        }
        return dx
    }
}

/// Shape checks and descriptions shared by the pooling layers.
enum Pooling {
    static func outputShape(_ layer: Layer, _ inputShape: [Int], _ geometry: (Int, Int, Int) -> WindowGeometry) throws -> [Int] {
        guard inputShape.count == 3 else { throw layer.shapeError("C×H×W", inputShape) }
        let g = geometry(inputShape[0], inputShape[1], inputShape[2])
        guard g.isValid, g.outHeight > 0, g.outWidth > 0 else {
            throw layer.shapeError("an image of at least \(g.kernelH - 2 * g.padH)×\(g.kernelW - 2 * g.padW) for a \(g.kernelH)×\(g.kernelW) window", inputShape)
        }
        return [inputShape[0], g.outHeight, g.outWidth]
    }

    static func describe(_ kind: String, _ kernel: (Int, Int), _ stride: (Int, Int), _ padding: (Int, Int)) -> String {
        func pair(_ p: (Int, Int)) -> String { p.0 == p.1 ? "\(p.0)" : "\(p.0)×\(p.1)" }
        var s = "\(kind)(\(kernel.0)×\(kernel.1)"
        if stride != kernel { s += ", stride \(pair(stride))" }
        if padding != (0, 0) { s += ", pad \(pair(padding))" }
        return s + ")"
    }

    static func spec(_ kind: String, _ name: String, _ kernel: (Int, Int), _ stride: (Int, Int), _ padding: (Int, Int)) -> LayerSpec {
        LayerSpec(kind: kind, name: name, integers: ["kernel_h": kernel.0, "kernel_w": kernel.1, "stride_h": stride.0,
                                                     "stride_w": stride.1, "pad_h": padding.0, "pad_w": padding.1])
    }
}
