/// Sparse stride-1 convolution on flat padded planes, with 256-bit vectors: the sparse twin of
/// ``DirectConvolution`` for compressed layers (`m:compress()`), with no im2col matrix.
///
/// The input is one sample's channels zero-padded into the flat layout of
/// ``DirectConvolution`` (plane `c` at `x + c·planeStride`, row pitch = padded width). A
/// nonzero weight `W[o][c][r][s]` then reads the input at the fixed offset
/// `c·planeStride + r·pitch + s` from each flat output position p, so output channel o is
///
///     y[p] = scale · Σ_k values[k] · x[offsets[k] + p] + shift,   0 ≤ p < length
///
/// over the nonzeros k of row o of a CSR matrix (Park et al., "Faster CNNs with Direct Sparse
/// Convolutions", ICLR 2017). Every term is one contiguous vector load and one fused
/// multiply-add into accumulators that stay in registers for the whole row. Sums run in
/// nonzero order with one fused multiply-add per term, then one multiply and one add, in every
/// block and build (`SparseFlatKernel512` sums in the same order), so the builds agree bit for bit.
public enum SparseFlatKernel {
    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }
    @inline(__always) static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }

    /// Output channel `row` at positions `0..<length` rounded up to a multiple of 8: `y` must
    /// hold that many floats and `x[offsets[k] + p + 7]` must be readable for every p < length.
    public static func row(_ row: Int, rowStart: UnsafePointer<Int32>, offsets: UnsafePointer<Int32>, values: UnsafePointer<Float>,
                           x: UnsafePointer<Float>, length: Int, scale: Float, shift: Float, y: UnsafeMutablePointer<Float>) {
        let begin = Int(rowStart[row]), end = Int(rowStart[row + 1])
        let sv = SIMD8<Float>(repeating: scale), bv = SIMD8<Float>(repeating: shift)
        var p = 0
        while p + 96 <= length {
            var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
            var a4 = SIMD8<Float>(), a5 = SIMD8<Float>(), a6 = SIMD8<Float>(), a7 = SIMD8<Float>()
            var a8 = SIMD8<Float>(), a9 = SIMD8<Float>(), a10 = SIMD8<Float>(), a11 = SIMD8<Float>()
            for k in begin..<end {
                let w = SIMD8<Float>(repeating: values[k])
                let q = x + (Int(offsets[k]) &+ p)
                a0 = a0.addingProduct(w, load(q)); a1 = a1.addingProduct(w, load(q + 8))
                a2 = a2.addingProduct(w, load(q + 16)); a3 = a3.addingProduct(w, load(q + 24))
                a4 = a4.addingProduct(w, load(q + 32)); a5 = a5.addingProduct(w, load(q + 40))
                a6 = a6.addingProduct(w, load(q + 48)); a7 = a7.addingProduct(w, load(q + 56))
                a8 = a8.addingProduct(w, load(q + 64)); a9 = a9.addingProduct(w, load(q + 72))
                a10 = a10.addingProduct(w, load(q + 80)); a11 = a11.addingProduct(w, load(q + 88))
            }
            let o = y + p
            store(a0 * sv + bv, o); store(a1 * sv + bv, o + 8); store(a2 * sv + bv, o + 16); store(a3 * sv + bv, o + 24)
            store(a4 * sv + bv, o + 32); store(a5 * sv + bv, o + 40); store(a6 * sv + bv, o + 48); store(a7 * sv + bv, o + 56)
            store(a8 * sv + bv, o + 64); store(a9 * sv + bv, o + 72); store(a10 * sv + bv, o + 80); store(a11 * sv + bv, o + 88)
            p += 96
        }
        while p + 32 <= length {
            var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
            for k in begin..<end {
                let w = SIMD8<Float>(repeating: values[k])
                let q = x + (Int(offsets[k]) &+ p)
                a0 = a0.addingProduct(w, load(q)); a1 = a1.addingProduct(w, load(q + 8))
                a2 = a2.addingProduct(w, load(q + 16)); a3 = a3.addingProduct(w, load(q + 24))
            }
            let o = y + p
            store(a0 * sv + bv, o); store(a1 * sv + bv, o + 8); store(a2 * sv + bv, o + 16); store(a3 * sv + bv, o + 24)
            p += 32
        }
        while p < length {
            var a = SIMD8<Float>()
            for k in begin..<end {
                a = a.addingProduct(SIMD8<Float>(repeating: values[k]), load(x + (Int(offsets[k]) &+ p)))
            }
            store(a * sv + bv, y + p)
            p += 8
        }
    }
}
