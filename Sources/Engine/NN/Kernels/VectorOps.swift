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

    /// Σ p[i] and Σ p[i]² in Double (for batch statistics).
    @inline(__always)
    static func sumAndSquares(_ p: UnsafePointer<Float>, _ count: Int) -> (Double, Double) {
        var s = SIMD8<Float>(), q = SIMD8<Float>()
        var totalS = 0.0, totalQ = 0.0
        var i = 0
        // Float partial sums over blocks of 1024, accumulated in Double.
        while i < count {
            let end = min(count, i + 1024)
            s = SIMD8<Float>(); q = SIMD8<Float>()
            while i + 8 <= end {
                let v = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
                s += v
                q += v * v
                i += 8
            }
            totalS += Double(s.sum()); totalQ += Double(q.sum())
            while i < end { totalS += Double(p[i]); totalQ += Double(p[i]) * Double(p[i]); i += 1 }
        }
        return (totalS, totalQ)
    }
}
