/// Small vector kernels for the layers' element-wise loops. Reductions use several SIMD
/// accumulators in a fixed order, so they are fast and give the same bits on every run.
enum VectorOps {
    /// Σ p[0..<count].
    @inline(__always)
    static func sum(_ p: UnsafePointer<Float>, _ count: Int) -> Float {
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>()
        var i = 0
        while i + 16 <= count {
            a0 += UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
            a1 += UnsafeRawPointer(p + i + 8).loadUnaligned(as: SIMD8<Float>.self)
            i += 16
        }
        var total = (a0 + a1).sum()
        while i < count { total += p[i]; i += 1 }
        return total
    }

    /// Σ p[i]·q[i].
    @inline(__always)
    static func dot(_ p: UnsafePointer<Float>, _ q: UnsafePointer<Float>, _ count: Int) -> Float {
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>()
        var i = 0
        while i + 16 <= count {
            a0 += UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self) * UnsafeRawPointer(q + i).loadUnaligned(as: SIMD8<Float>.self)
            a1 += UnsafeRawPointer(p + i + 8).loadUnaligned(as: SIMD8<Float>.self) * UnsafeRawPointer(q + i + 8).loadUnaligned(as: SIMD8<Float>.self)
            i += 16
        }
        var total = (a0 + a1).sum()
        while i < count { total += p[i] * q[i]; i += 1 }
        return total
    }

    @inline(__always)
    static func load16(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
    }

    @inline(__always)
    static func store16(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
    }

    /// `y[i] = max(x[i], 0)` (NaN becomes 0).
    static func relu(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ count: Int) {
        let zero = SIMD16<Float>()
        var i = 0
        while i + 16 <= count {
            let v = load16(x + i)
            store16(v.replacing(with: zero, where: .!(v .> zero)), y + i)
            i += 16
        }
        while i < count { y[i] = x[i] > 0 ? x[i] : 0; i += 1 }
    }

    /// `d[i] = y[i] > 0 ? g[i] : 0` (ReLU's backward from its output `y`).
    static func reluBackward(_ y: UnsafePointer<Float>, _ g: UnsafePointer<Float>, _ d: UnsafeMutablePointer<Float>, _ count: Int) {
        let zero = SIMD16<Float>()
        var i = 0
        while i + 16 <= count {
            store16(load16(g + i).replacing(with: zero, where: .!(load16(y + i) .> zero)), d + i)
            i += 16
        }
        while i < count { d[i] = y[i] > 0 ? g[i] : 0; i += 1 }
    }

    /// `z[i] = x[i] + y[i]`.
    static func add(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ z: UnsafeMutablePointer<Float>, _ count: Int) {
        var i = 0
        while i + 16 <= count {
            store16(load16(x + i) + load16(y + i), z + i)
            i += 16
        }
        while i < count { z[i] = x[i] + y[i]; i += 1 }
    }

    /// `z[i] = max(x[i] + y[i], 0)` (NaN to 0, as ``relu(_:_:_:)``): a residual sum and the
    /// ReLU after it in one pass.
    static func addRelu(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ z: UnsafeMutablePointer<Float>, _ count: Int) {
        let zero = SIMD16<Float>()
        var i = 0
        while i + 16 <= count {
            let v = load16(x + i) + load16(y + i)
            store16(v.replacing(with: zero, where: .!(v .> zero)), z + i)
            i += 16
        }
        while i < count { let v = x[i] + y[i]; z[i] = v > 0 ? v : 0; i += 1 }
    }

    /// Writes `count` convolution outputs from `src` to `dst` on their way out of a kernel's
    /// buffer: plus `addend` (a residual, in `dst`'s layout) when given, then through a ReLU
    /// when `rectified`; a plain copy otherwise. `src` may equal `dst`.
    @inline(__always)
    static func finishOutputs(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ count: Int,
                              adding addend: UnsafePointer<Float>?, rectified: Bool) {
        switch (addend, rectified) {
        case (nil, false): if UnsafePointer(dst) != src { dst.update(from: src, count: count) }
        case (nil, true): relu(src, dst, count)
        case (let a?, false): add(src, a, dst, count)
        case (let a?, true): addRelu(src, a, dst, count)
        }
    }

    /// `y[i] = x[i]·scale + shift`.
    static func affine(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ count: Int, scale: Float, shift: Float) {
        let a = SIMD16<Float>(repeating: scale), b = SIMD16<Float>(repeating: shift)
        var i = 0
        while i + 16 <= count {
            store16(load16(x + i) * a + b, y + i)
            i += 16
        }
        while i < count { y[i] = x[i] * scale + shift; i += 1 }
    }

    /// Σ (p[i] − mean)².
    static func squaredDeviations(_ p: UnsafePointer<Float>, _ count: Int, mean: Float) -> Float {
        let m = SIMD16<Float>(repeating: mean)
        var acc = SIMD16<Float>()
        var i = 0
        while i + 16 <= count {
            let d = load16(p + i) - m
            acc += d * d
            i += 16
        }
        var total = acc.sum()
        while i < count { let d = p[i] - mean; total += d * d; i += 1 }
        return total
    }

    /// (Σ g[i], Σ g[i]·(x[i] − mean)): BatchNorm backward's two reductions.
    static func sumAndCenteredDot(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ count: Int, mean: Float) -> (Float, Float) {
        let m = SIMD16<Float>(repeating: mean)
        var s = SIMD16<Float>(), d = SIMD16<Float>()
        var i = 0
        while i + 16 <= count {
            let gv = load16(g + i)
            s += gv
            d += gv * (load16(x + i) - m)
            i += 16
        }
        var ts = s.sum(), td = d.sum()
        while i < count { ts += g[i]; td += g[i] * (x[i] - mean); i += 1 }
        return (ts, td)
    }

    /// `d[i] = scale·(g[i] − meanG − (x[i] − mean)·k)`: BatchNorm's training-mode input gradient.
    static func batchNormGradient(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ d: UnsafeMutablePointer<Float>, _ count: Int,
                                  scale: Float, meanG: Float, mean: Float, k: Float) {
        let sv = SIMD16<Float>(repeating: scale), mg = SIMD16<Float>(repeating: meanG)
        let mv = SIMD16<Float>(repeating: mean), kv = SIMD16<Float>(repeating: k)
        var i = 0
        while i + 16 <= count {
            store16(sv * (load16(g + i) - mg - (load16(x + i) - mv) * kv), d + i)
            i += 16
        }
        while i < count { d[i] = scale * (g[i] - meanG - (x[i] - mean) * k); i += 1 }
    }

    /// `d[i] = scale·g[i]`.
    static func scale(_ g: UnsafePointer<Float>, _ d: UnsafeMutablePointer<Float>, _ count: Int, by scale: Float) {
        let sv = SIMD16<Float>(repeating: scale)
        var i = 0
        while i + 16 <= count {
            store16(sv * load16(g + i), d + i)
            i += 16
        }
        while i < count { d[i] = scale * g[i]; i += 1 }
    }
}
