import ConvKernelsAVX2

/// ``SparseFlatKernel`` with 512-bit vectors (same sums in the same order).
public enum SparseFlatKernel512 {
    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
    }
    @inline(__always) static func store(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
    }

    /// Output channel `row` at positions `0..<length` rounded up to a multiple of 16: `y` must
    /// hold that many floats and `x[offsets[k] + p + 15]` must be readable for every p < length.
    public static func row(_ row: Int, rowStart: UnsafePointer<Int32>, offsets: UnsafePointer<Int32>, values: UnsafePointer<Float>,
                           x: UnsafePointer<Float>, length: Int, scale: Float, shift: Float, y: UnsafeMutablePointer<Float>) {
        let begin = Int(rowStart[row]), end = Int(rowStart[row + 1])
        let sv = SIMD16<Float>(repeating: scale), bv = SIMD16<Float>(repeating: shift)
        var p = 0
        while p + 192 <= length {
            var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
            var a4 = SIMD16<Float>(), a5 = SIMD16<Float>(), a6 = SIMD16<Float>(), a7 = SIMD16<Float>()
            var a8 = SIMD16<Float>(), a9 = SIMD16<Float>(), a10 = SIMD16<Float>(), a11 = SIMD16<Float>()
            for k in begin..<end {
                let w = SIMD16<Float>(repeating: values[k])
                let q = x + (Int(offsets[k]) &+ p)
                a0 = a0.addingProduct(w, load(q)); a1 = a1.addingProduct(w, load(q + 16))
                a2 = a2.addingProduct(w, load(q + 32)); a3 = a3.addingProduct(w, load(q + 48))
                a4 = a4.addingProduct(w, load(q + 64)); a5 = a5.addingProduct(w, load(q + 80))
                a6 = a6.addingProduct(w, load(q + 96)); a7 = a7.addingProduct(w, load(q + 112))
                a8 = a8.addingProduct(w, load(q + 128)); a9 = a9.addingProduct(w, load(q + 144))
                a10 = a10.addingProduct(w, load(q + 160)); a11 = a11.addingProduct(w, load(q + 176))
            }
            let o = y + p
            store(a0 * sv + bv, o); store(a1 * sv + bv, o + 16); store(a2 * sv + bv, o + 32); store(a3 * sv + bv, o + 48)
            store(a4 * sv + bv, o + 64); store(a5 * sv + bv, o + 80); store(a6 * sv + bv, o + 96); store(a7 * sv + bv, o + 112)
            store(a8 * sv + bv, o + 128); store(a9 * sv + bv, o + 144); store(a10 * sv + bv, o + 160); store(a11 * sv + bv, o + 176)
            p += 192
        }
        while p + 64 <= length {
            var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
            for k in begin..<end {
                let w = SIMD16<Float>(repeating: values[k])
                let q = x + (Int(offsets[k]) &+ p)
                a0 = a0.addingProduct(w, load(q)); a1 = a1.addingProduct(w, load(q + 16))
                a2 = a2.addingProduct(w, load(q + 32)); a3 = a3.addingProduct(w, load(q + 48))
            }
            let o = y + p
            store(a0 * sv + bv, o); store(a1 * sv + bv, o + 16); store(a2 * sv + bv, o + 32); store(a3 * sv + bv, o + 48)
            p += 64
        }
        while p < length {
            var a = SIMD16<Float>()
            for k in begin..<end {
                a = a.addingProduct(SIMD16<Float>(repeating: values[k]), load(x + (Int(offsets[k]) &+ p)))
            }
            store(a * sv + bv, y + p)
            p += 16
        }
    }
}
