/// The largest or smallest element of a contiguous run, with explicit SIMD vectors: four
/// independent accumulators of 8 floats (or 4 doubles), so that the compares and blends of one
/// iteration do not wait on each other. NaN anywhere gives NaN (as NumPy's max/min), tracked in
/// a separate mask. With AVX2 each accumulator is one 256-bit register.
///
/// Written once per element type: generic SIMD code (`SIMD8<T>`) does not lower to vector
/// instructions even when specialised.
extension VectorLoops {
    /// The largest (or, with `smallest`, the smallest) of `p[0..<n]`, n ≥ 1; NaN if any is NaN.
    @inlinable @inline(__always)
    public static func extreme(_ p: UnsafePointer<Float>, _ n: Int, smallest: Bool) -> Float {
        let raw = UnsafeRawPointer(p)
        var m0 = SIMD8<Float>(repeating: p[0]), m1 = m0, m2 = m0, m3 = m0
        var nan = SIMDMask<SIMD8<Int32>>(repeating: false)
        var i = 0
        while n - i >= 32 {
            let q = raw + 4 * i
            let x0 = q.loadUnaligned(as: SIMD8<Float>.self)
            let x1 = q.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
            let x2 = q.loadUnaligned(fromByteOffset: 64, as: SIMD8<Float>.self)
            let x3 = q.loadUnaligned(fromByteOffset: 96, as: SIMD8<Float>.self)
            if smallest {
                m0.replace(with: x0, where: x0 .< m0); m1.replace(with: x1, where: x1 .< m1)
                m2.replace(with: x2, where: x2 .< m2); m3.replace(with: x3, where: x3 .< m3)
            } else {
                m0.replace(with: x0, where: x0 .> m0); m1.replace(with: x1, where: x1 .> m1)
                m2.replace(with: x2, where: x2 .> m2); m3.replace(with: x3, where: x3 .> m3)
            }
            nan = nan .| (x0 .!= x0) .| (x1 .!= x1) .| (x2 .!= x2) .| (x3 .!= x3)
            i += 32
        }
        var best = p[0]
        var sawNaN = any(nan)
        @inline(__always) func take(_ v: Float) { if smallest ? v < best : v > best { best = v } }
        for k in 0..<8 { take(m0[k]); take(m1[k]); take(m2[k]); take(m3[k]) }
        while i < n {
            let x = p[i]
            if x != x { sawNaN = true }
            take(x)
            i += 1
        }
        return sawNaN ? .nan : best
    }

    /// The largest (or, with `smallest`, the smallest) of `p[0..<n]`, n ≥ 1; NaN if any is NaN.
    @inlinable @inline(__always)
    public static func extreme(_ p: UnsafePointer<Double>, _ n: Int, smallest: Bool) -> Double {
        let raw = UnsafeRawPointer(p)
        var m0 = SIMD4<Double>(repeating: p[0]), m1 = m0, m2 = m0, m3 = m0
        var nan = SIMDMask<SIMD4<Int64>>(repeating: false)
        var i = 0
        while n - i >= 16 {
            let q = raw + 8 * i
            let x0 = q.loadUnaligned(as: SIMD4<Double>.self)
            let x1 = q.loadUnaligned(fromByteOffset: 32, as: SIMD4<Double>.self)
            let x2 = q.loadUnaligned(fromByteOffset: 64, as: SIMD4<Double>.self)
            let x3 = q.loadUnaligned(fromByteOffset: 96, as: SIMD4<Double>.self)
            if smallest {
                m0.replace(with: x0, where: x0 .< m0); m1.replace(with: x1, where: x1 .< m1)
                m2.replace(with: x2, where: x2 .< m2); m3.replace(with: x3, where: x3 .< m3)
            } else {
                m0.replace(with: x0, where: x0 .> m0); m1.replace(with: x1, where: x1 .> m1)
                m2.replace(with: x2, where: x2 .> m2); m3.replace(with: x3, where: x3 .> m3)
            }
            nan = nan .| (x0 .!= x0) .| (x1 .!= x1) .| (x2 .!= x2) .| (x3 .!= x3)
            i += 16
        }
        var best = p[0]
        var sawNaN = any(nan)
        @inline(__always) func take(_ v: Double) { if smallest ? v < best : v > best { best = v } }
        for k in 0..<4 { take(m0[k]); take(m1[k]); take(m2[k]); take(m3[k]) }
        while i < n {
            let x = p[i]
            if x != x { sawNaN = true }
            take(x)
            i += 1
        }
        return sawNaN ? .nan : best
    }
}
