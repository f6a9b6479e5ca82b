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
                MaxPool2d.pool2x2(xp + p * g.inPlane, width: g.width, yp + p * g.outPlane, outHeight: g.outHeight, outWidth: g.outWidth)
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
                        MaxPool2d.pool3x3(xp + p * g.inPlane, g, yp + p * g.outPlane, row: row)
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

    /// The larger of `a` and `b`, NaN if either is.
    @inline(__always)
    static func nanMax(_ a: Float, _ b: Float) -> Float { a != a ? a : (b > a || b != b ? b : a) }

    /// 3×3 windows with stride 2 and padding 0 or 1 (the ConvNet's pooling), separably: the
    /// maximum of the window's (up to) three rows into `row` (padded with −∞ on both sides),
    /// then of three neighbouring columns, 8 outputs at a time from even/odd lanes. Row ends
    /// that are not a whole vector are covered by one more vector ending at the row's end
    /// (the maximum is idempotent, so the overlap is harmless), not by a scalar loop: the
    /// ConvNet's planes are 28 and 14 wide.
    static func pool3x3(_ src: UnsafePointer<Float>, _ g: WindowGeometry, _ dst: UnsafeMutablePointer<Float>, row: UnsafeMutablePointer<Float>) {
        let w = g.width, pad = g.padW
        // row[pad + j] = column j's maximum; row[0..<pad] and everything after the image: −∞.
        row.update(repeating: -.infinity, count: w + 2 * pad + 32)
        let column = row + pad
        for oh in 0..<g.outHeight {
            let h0 = oh * 2 - g.padH
            let hs = max(0, h0), he = min(g.height, h0 + 3)
            column.update(from: src + hs * w, count: w)
            for ih in (hs + 1)..<max(hs + 1, he) { maximize(column, with: src + ih * w, count: w) }
            // Output ow covers row[2·ow], row[2·ow + 1], row[2·ow + 2] (the padded indices).
            let out = dst + oh * g.outWidth
            if g.outWidth >= 8 {
                var ow = 0
                while true {
                    let u = UnsafeRawPointer(row + 2 * ow).loadUnaligned(as: SIMD16<Float>.self)
                    let v = UnsafeRawPointer(row + 2 * ow + 1).loadUnaligned(as: SIMD16<Float>.self)
                    let m = nanMax(nanMax(u.evenHalf, u.oddHalf), v.oddHalf)
                    UnsafeMutableRawPointer(out + ow).storeBytes(of: m, as: SIMD8<Float>.self)
                    if ow + 8 == g.outWidth { break }
                    ow = min(ow + 8, g.outWidth - 8)
                }
            } else {
                for ow in 0..<g.outWidth { out[ow] = nanMax(nanMax(row[2 * ow], row[2 * ow + 1]), row[2 * ow + 2]) }
            }
        }
    }

    /// ``nanMax(_:_:)`` lane by lane: `b` where it is larger or NaN and `a` is not NaN, else `a`.
    /// (Concrete vector types: Swift's generic SIMD operations do not compile to vector code.)
    @inline(__always)
    static func nanMax(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> {
        a.replacing(with: b, where: (b .> a .| b .!= b) .& (a .== a))
    }

    @inline(__always)
    static func nanMax(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        a.replacing(with: b, where: (b .> a .| b .!= b) .& (a .== a))
    }

    /// `column[j] = nanMax(column[j], r[j])` for j < count, in whole vectors (the last one
    /// ending at `count`, overlapping its predecessor) when count ≥ 8.
    @inline(__always)
    static func maximize(_ column: UnsafeMutablePointer<Float>, with r: UnsafePointer<Float>, count w: Int) {
        @inline(__always) func step16(_ j: Int) {
            let a = UnsafeRawPointer(column + j).loadUnaligned(as: SIMD16<Float>.self), b = UnsafeRawPointer(r + j).loadUnaligned(as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(column + j).storeBytes(of: nanMax(a, b), as: SIMD16<Float>.self)
        }
        @inline(__always) func step8(_ j: Int) {
            let a = UnsafeRawPointer(column + j).loadUnaligned(as: SIMD8<Float>.self), b = UnsafeRawPointer(r + j).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(column + j).storeBytes(of: nanMax(a, b), as: SIMD8<Float>.self)
        }
        if w >= 16 {
            var j = 0
            while j + 16 <= w { step16(j); j += 16 }
            if j < w { step16(w - 16) }
        } else if w >= 8 {
            step8(0)
            if w > 8 { step8(w - 8) }
        } else {
            for j in 0..<w { column[j] = nanMax(column[j], r[j]) }
        }
    }

    /// 2×2 windows with stride 2 (VGG's pooling): 16 columns of two rows at a time, the
    /// vertical maximum then the maximum of neighbouring pairs.
    static func pool2x2(_ src: UnsafePointer<Float>, width: Int, _ dst: UnsafeMutablePointer<Float>, outHeight: Int, outWidth: Int) {
        for oh in 0..<outHeight {
            let r0 = src + 2 * oh * width, r1 = r0 + width
            let out = dst + oh * outWidth
            var ow = 0
            while ow + 8 <= outWidth {
                let a = UnsafeRawPointer(r0 + 2 * ow).loadUnaligned(as: SIMD16<Float>.self)
                let b = UnsafeRawPointer(r1 + 2 * ow).loadUnaligned(as: SIMD16<Float>.self)
                let m = a.replacing(with: b, where: b .> a .| b .!= b)
                let e = m.evenHalf, o = m.oddHalf
                UnsafeMutableRawPointer(out + ow).storeBytes(of: e.replacing(with: o, where: o .> e .| o .!= o), as: SIMD8<Float>.self)
                ow += 8
            }
            while ow < outWidth {
                out[ow] = nanMax(nanMax(r0[2 * ow], r0[2 * ow + 1]), nanMax(r1[2 * ow], r1[2 * ow + 1]))
                ow += 1
            }
        }
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
