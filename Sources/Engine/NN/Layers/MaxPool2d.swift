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
            MaxPool2d.routeGradient(g, input: xp + p * g.inPlane, output: yp + p * g.outPlane,
                                    gradOutput: dyp + p * g.outPlane, into: dxp + p * g.inPlane)
        }
        return dx
    }

    /// One plane of the backward pass: `dx` (zeroed here) receives each output gradient at the
    /// first element of its window, in row-major order, equal to the output (the first NaN when
    /// the output is NaN). The winner is found without a branch per element: scanning the
    /// window backwards, each match replaces the one found after it (a data-dependent branch
    /// per element mispredicts about twice a window). Full 3×3 windows, most of them in the
    /// usual 3×3 pooling, are unrolled.
    static func routeGradient(_ g: WindowGeometry, input x: UnsafePointer<Float>, output y: UnsafePointer<Float>,
                              gradOutput dy: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>) {
        dx.update(repeating: 0, count: g.inPlane)
        let w = g.width
        for oh in 0..<g.outHeight {
            let h0 = oh * g.strideH - g.padH
            let r0 = max(0, h0), r1 = min(g.height, h0 + g.kernelH)
            let fullRows = g.kernelH == 3 && r0 == h0 && r1 == h0 + 3
            for ow in 0..<g.outWidth {
                let o = oh * g.outWidth + ow
                let target = y[o]
                let w0 = ow * g.strideW - g.padW
                let c0 = max(0, w0), c1 = min(w, w0 + g.kernelW)
                var winner = r0 * w + c0
                if target != target {
                    search: for ih in r0..<r1 {
                        for iw in c0..<c1 where x[ih * w + iw] != x[ih * w + iw] {
                            winner = ih * w + iw
                            break search
                        }
                    }
                } else if fullRows && g.kernelW == 3 && c0 == w0 && c1 == w0 + 3 {
                    let a = h0 * w + w0, b = a + w, c = b + w
                    winner = x[c + 2] == target ? c + 2 : a
                    winner = x[c + 1] == target ? c + 1 : winner
                    winner = x[c] == target ? c : winner
                    winner = x[b + 2] == target ? b + 2 : winner
                    winner = x[b + 1] == target ? b + 1 : winner
                    winner = x[b] == target ? b : winner
                    winner = x[a + 2] == target ? a + 2 : winner
                    winner = x[a + 1] == target ? a + 1 : winner
                    winner = x[a] == target ? a : winner
                } else {
                    var ih = r1 - 1
                    while ih >= r0 {
                        var iw = c1 - 1
                        while iw >= c0 {
                            winner = x[ih * w + iw] == target ? ih * w + iw : winner
                            iw -= 1
                        }
                        ih -= 1
                    }
                }
                dx[winner] += dy[o]
            }
        }
    }
}
