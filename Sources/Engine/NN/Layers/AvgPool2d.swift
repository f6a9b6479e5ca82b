/// 2-d average pooling (PyTorch's `nn.AvgPool2d` with its default `count_include_pad=True`):
/// `y[n,c,oh,ow] = (1/(kH·kW)) Σ x[n,c,oh·sh−ph+r, ow·sw−pw+s]`, padding counting as zeros.
/// Backward spreads `∂y/(kH·kW)` over each window.
public final class AvgPool2d: Layer {
    public let kernel: (height: Int, width: Int)
    public let stride: (height: Int, width: Int)
    public let padding: (height: Int, width: Int)
    private var inputShape: [Int] = []

    public init(name: String = "", kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0)) throws {
        let stride = stride ?? kernel
        guard kernel.0 > 0, kernel.1 > 0, kernel.0 <= 1024, kernel.1 <= 1024, stride.0 > 0, stride.1 > 0 else {
            throw EngineError.invalid("AvgPool2d", expected: "positive kernel (up to 1024) and stride", given: "kernel \(kernel.0)×\(kernel.1), stride \(stride.0)×\(stride.1)")
        }
        guard padding.0 >= 0, padding.1 >= 0, 2 * padding.0 <= kernel.0, 2 * padding.1 <= kernel.1 else {
            throw EngineError.invalid("AvgPool2d padding", expected: "at most half the kernel size (\(kernel.0 / 2)×\(kernel.1 / 2))", given: "\(padding.0)×\(padding.1)")
        }
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        super.init(name: name)
    }

    public override var kind: String { "AvgPool2d" }
    public override var summary: String { Pooling.describe("AvgPool2d", kernel, stride, padding) }
    public override var spec: LayerSpec { Pooling.spec(kind, name, kernel, stride, padding) }
    public override func copy() throws -> Layer {
        let other = try AvgPool2d(name: name, kernel: kernel, stride: stride, padding: padding)
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
        let xp = x.mutablePointer(as: Float.self), yp = y.mutablePointer(as: Float.self)
        let scale = 1 / Float(g.kernelH * g.kernelW)
        ParallelLoops.forEach(planes, minimumCount: 2) { p in
            let src = xp + p * g.inPlane, dst = yp + p * g.outPlane
            for oh in 0..<g.outHeight {
                let h0 = oh * g.strideH - g.padH
                let hs = max(0, h0), he = min(g.height, h0 + g.kernelH)
                for ow in 0..<g.outWidth {
                    let w0 = ow * g.strideW - g.padW
                    let ws = max(0, w0), we = min(g.width, w0 + g.kernelW)
                    var total: Float = 0
                    for ih in hs..<he { for iw in ws..<we { total += src[ih * g.width + iw] } }
                    dst[oh * g.outWidth + ow] = total * scale
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
        let g = geometry(inputShape[1], inputShape[2], inputShape[3])
        let planes = inputShape[0] * inputShape[1]
        let dyp = dy.mutablePointer(as: Float.self), dxp = dx.mutablePointer(as: Float.self)
        let scale = 1 / Float(g.kernelH * g.kernelW)
        ParallelLoops.forEach(planes, minimumCount: 2) { p in
            let d = dxp + p * g.inPlane, src = dyp + p * g.outPlane
            d.update(repeating: 0, count: g.inPlane)
            for oh in 0..<g.outHeight {
                let h0 = oh * g.strideH - g.padH
                let hs = max(0, h0), he = min(g.height, h0 + g.kernelH)
                for ow in 0..<g.outWidth {
                    let w0 = ow * g.strideW - g.padW
                    let ws = max(0, w0), we = min(g.width, w0 + g.kernelW)
                    let v = src[oh * g.outWidth + ow] * scale
                    for ih in hs..<he { for iw in ws..<we { d[ih * g.width + iw] += v } }
                }
            }
        }
        return dx
    }
}
