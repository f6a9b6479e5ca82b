/// 2-d average pooling (PyTorch's `nn.AvgPool2d` with its default `count_include_pad=True`):
/// `y[n,c,oh,ow] = (1/(kH·kW)) Σ x[n,c,oh·sh−ph+r, ow·sw−pw+s]`, padding counting as zeros.
/// Backward spreads `∂y/(kH·kW)` over each window.
public final class AvgPool2d: PoolingLayer, DeclaredLayer {
    private var inputShape: [Int] = []

    public init(name: String = "", kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0)) throws {
        try super.init(name: name, kind: "AvgPool2d", kernel: kernel, stride: stride, padding: padding)
    }

    public static let kind = "AvgPool2d"
    public static let stem = "pool"
    public static func make(from spec: LayerSpec, in context: inout LayerBuildContext) throws -> AvgPool2d {
        let window = try PoolingLayer.window(from: spec)
        return try AvgPool2d(name: spec.name, kernel: window.kernel, stride: window.stride, padding: window.padding)
    }

    public override func copy() throws -> Layer {
        let other = try AvgPool2d(name: name, kernel: kernel, stride: stride, padding: padding)
        copyState(to: other)
        return other
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        let (x, g, planes, y) = try forwardBuffers(input)
        let xp = x.mutablePointer(as: Float.self), yp = y.mutablePointer(as: Float.self)
        let scale = 1 / Float(g.kernelH * g.kernelW)
        ParallelLoops.forEach(planes, minimumCount: 2) { p in
            let src = xp + p * g.inPlane, dst = yp + p * g.outPlane
            g.forEachWindow { o, rows, columns in
                var total: Float = 0
                for ih in rows { for iw in columns { total += src[ih * g.width + iw] } }
                dst[o] = total * scale
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
            g.forEachWindow { o, rows, columns in
                let v = src[o] * scale
                for ih in rows { for iw in columns { d[ih * g.width + iw] += v } }
            }
        }
        return dx
    }
}
