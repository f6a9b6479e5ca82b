/// 2-d max pooling (PyTorch's `nn.MaxPool2d`): `y[n,c,oh,ow]` is the largest
/// `x[n,c,oh·sh−ph+r, ow·sw−pw+s]` over the window (padding never wins; NaN propagates).
/// Backward routes each output gradient to the input that won — the first element of the
/// window, in row-major order, equal to the output — found again from the saved input, so
/// that the forward pass is a branch-free maximum.
public final class MaxPool2d: PoolingLayer, DeclaredLayer {
    private var input: Tensor?

    public init(name: String = "", kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0)) throws {
        try super.init(name: name, kind: "MaxPool2d", kernel: kernel, stride: stride, padding: padding)
    }

    public static let kind = "MaxPool2d"
    public static let stem = "pool"
    public static func make(from spec: LayerSpec, in context: inout LayerBuildContext) throws -> MaxPool2d {
        let window = try PoolingLayer.window(from: spec)
        return try MaxPool2d(name: spec.name, kernel: window.kernel, stride: window.stride, padding: window.padding)
    }

    public override func copy() throws -> Layer {
        let other = try MaxPool2d(name: name, kernel: kernel, stride: stride, padding: padding)
        copyState(to: other)
        return other
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        let (x, g, planes, y) = try forwardBuffers(input)
        let xp = x.mutablePointer(as: Float.self), yp = y.mutablePointer(as: Float.self)
        if g.kernelH == 2 && g.kernelW == 2 && g.strideH == 2 && g.strideW == 2 && g.padH == 0 && g.padW == 0 {
            ParallelLoops.forEach(planes, minimumCount: 2) { p in
                KernelDispatch.maxPool2x2(xp + p * g.inPlane, width: g.width, outHeight: g.outHeight, outWidth: g.outWidth, into: yp + p * g.outPlane)
            }
            self.input = x
            output = y
            return y
        }
        if g.kernelH == 3 && g.kernelW == 3 && g.strideH == 2 && g.strideW == 2 && g.padH <= 1 && g.padW <= 1 {
            let rowLength = g.width + 2 * g.padW + 32
            try Workspace.withBuffer(count: ParallelLoops.threadCount * rowLength) { rows in
                ParallelLoops.forParts(planes, minimumCount: 2) { part, range in
                    let row = rows + part * rowLength
                    for p in range {
                        KernelDispatch.maxPool3x3Stride2(xp + p * g.inPlane, height: g.height, width: g.width, padH: g.padH, padW: g.padW,
                                                         outHeight: g.outHeight, outWidth: g.outWidth, into: yp + p * g.outPlane, row: row)
                    }
                }
            }
            self.input = x
            output = y
            return y
        }
        ParallelLoops.forEach(planes, minimumCount: 2) { p in
            let src = xp + p * g.inPlane, dst = yp + p * g.outPlane
            g.forEachWindow { o, rows, columns in
                var best = -Float.infinity
                for ih in rows {
                    let row = src + ih * g.width
                    for iw in columns {
                        let v = row[iw]
                        best = (v > best || v != v) && best == best ? v : best
                    }
                }
                dst[o] = best
            }
        }
        self.input = x
        output = y
        return y
    }

    public override func backward(_ gradOutput: Tensor) throws -> Tensor {
        let dy = try checkedGradient(gradOutput)
        guard let x = input, let y = output else { throw EngineError("\(name) (MaxPool2d): backward called before forward") }
        let dx = try TensorPool.acquire(x.shape)
        let g = geometry(x.shape[1], x.shape[2], x.shape[3])
        let planes = x.shape[0] * x.shape[1]
        let xp = x.mutablePointer(as: Float.self), yp = y.mutablePointer(as: Float.self)
        let dyp = dy.mutablePointer(as: Float.self), dxp = dx.mutablePointer(as: Float.self)
        ParallelLoops.forEach(planes, minimumCount: 2) { p in
            let src = xp + p * g.inPlane, out = yp + p * g.outPlane
            let d = dxp + p * g.inPlane, grad = dyp + p * g.outPlane
            d.update(repeating: 0, count: g.inPlane)
            g.forEachWindow { o, rows, columns in
                let target = out[o]
                let isNaN = target != target
                var winner = rows.lowerBound * g.width + columns.lowerBound
                search: for ih in rows {
                    for iw in columns {
                        let v = src[ih * g.width + iw]
                        if v == target || (isNaN && v != v) {
                            winner = ih * g.width + iw
                            break search
                        }
                    }
                }
                d[winner] += grad[o]
            }
        }
        return dx
    }
}
