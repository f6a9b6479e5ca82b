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
    /// The partial sums at `p`, or zero.
    @inline(__always) static func initial(_ p: UnsafeMutablePointer<Float>, _ partial: Bool) -> SIMD8<Float> {
        partial ? load(p) : SIMD8<Float>()
    }
    @inline(__always) static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }

    /// Output channel `row` at positions `0..<length` rounded up to a multiple of 8: `y` must
    /// hold that many floats and `x[offsets[k] + p + 7]` must be readable for every p < length.
    public static func row(_ row: Int, rowStart: UnsafePointer<Int32>, offsets: UnsafePointer<Int32>, values: UnsafePointer<Float>,
                           x: UnsafePointer<Float>, length: Int, scale: Float, shift: Float, y: UnsafeMutablePointer<Float>) {
        span(Int(rowStart[row])..<Int(rowStart[row + 1]), offsets: offsets, values: values, x: x, length: length,
             partial: false, finish: true, scale: scale, shift: shift, y: y)
    }

    /// The terms `nonzeros` of an output row (a run of its nonzeros, in order) at positions
    /// `0..<length` rounded up to a multiple of 8: onto the partial sums in `y` when `partial`
    /// (else from zero), then `y = sum · scale + shift` when `finish` (else the sums as they
    /// are). A row cut into runs gives the sums of the whole row bit for bit: the same terms
    /// in the same order, each partial sum stored and reloaded exactly.
    public static func span(_ nonzeros: Range<Int>, offsets: UnsafePointer<Int32>, values: UnsafePointer<Float>,
                            x: UnsafePointer<Float>, length: Int, partial: Bool, finish: Bool, scale: Float, shift: Float,
                            y: UnsafeMutablePointer<Float>) {
        let sv = SIMD8<Float>(repeating: scale), bv = SIMD8<Float>(repeating: shift)
        var p = 0
        while p + 96 <= length {
            let o = y + p
            var a0 = initial(o, partial), a1 = initial(o + 8, partial), a2 = initial(o + 16, partial), a3 = initial(o + 24, partial)
            var a4 = initial(o + 32, partial), a5 = initial(o + 40, partial), a6 = initial(o + 48, partial), a7 = initial(o + 56, partial)
            var a8 = initial(o + 64, partial), a9 = initial(o + 72, partial), a10 = initial(o + 80, partial), a11 = initial(o + 88, partial)
            for k in nonzeros {
                let w = SIMD8<Float>(repeating: values[k])
                let q = x + (Int(offsets[k]) &+ p)
                a0 = a0.addingProduct(w, load(q)); a1 = a1.addingProduct(w, load(q + 8))
                a2 = a2.addingProduct(w, load(q + 16)); a3 = a3.addingProduct(w, load(q + 24))
                a4 = a4.addingProduct(w, load(q + 32)); a5 = a5.addingProduct(w, load(q + 40))
                a6 = a6.addingProduct(w, load(q + 48)); a7 = a7.addingProduct(w, load(q + 56))
                a8 = a8.addingProduct(w, load(q + 64)); a9 = a9.addingProduct(w, load(q + 72))
                a10 = a10.addingProduct(w, load(q + 80)); a11 = a11.addingProduct(w, load(q + 88))
            }
            if finish {
                store(a0 * sv + bv, o); store(a1 * sv + bv, o + 8); store(a2 * sv + bv, o + 16); store(a3 * sv + bv, o + 24)
                store(a4 * sv + bv, o + 32); store(a5 * sv + bv, o + 40); store(a6 * sv + bv, o + 48); store(a7 * sv + bv, o + 56)
                store(a8 * sv + bv, o + 64); store(a9 * sv + bv, o + 72); store(a10 * sv + bv, o + 80); store(a11 * sv + bv, o + 88)
            } else {
                store(a0, o); store(a1, o + 8); store(a2, o + 16); store(a3, o + 24)
                store(a4, o + 32); store(a5, o + 40); store(a6, o + 48); store(a7, o + 56)
                store(a8, o + 64); store(a9, o + 72); store(a10, o + 80); store(a11, o + 88)
            }
            p += 96
        }
        while p + 32 <= length {
            let o = y + p
            var a0 = initial(o, partial), a1 = initial(o + 8, partial), a2 = initial(o + 16, partial), a3 = initial(o + 24, partial)
            for k in nonzeros {
                let w = SIMD8<Float>(repeating: values[k])
                let q = x + (Int(offsets[k]) &+ p)
                a0 = a0.addingProduct(w, load(q)); a1 = a1.addingProduct(w, load(q + 8))
                a2 = a2.addingProduct(w, load(q + 16)); a3 = a3.addingProduct(w, load(q + 24))
            }
            if finish {
                store(a0 * sv + bv, o); store(a1 * sv + bv, o + 8); store(a2 * sv + bv, o + 16); store(a3 * sv + bv, o + 24)
            } else {
                store(a0, o); store(a1, o + 8); store(a2, o + 16); store(a3, o + 24)
            }
            p += 32
        }
        while p < length {
            var a = initial(y + p, partial)
            for k in nonzeros {
                a = a.addingProduct(SIMD8<Float>(repeating: values[k]), load(x + (Int(offsets[k]) &+ p)))
            }
            store(finish ? a * sv + bv : a, y + p)
            p += 8
        }
    }
}
