import ConvKernelsAVX2

/// ``SparseFlatKernel`` with 512-bit vectors (same sums in the same order).
public enum SparseFlatKernel512 {
    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
    }
    /// The partial sums at `p`, or zero.
    @inline(__always) static func initial(_ p: UnsafeMutablePointer<Float>, _ partial: Bool) -> SIMD16<Float> {
        partial ? load(p) : SIMD16<Float>()
    }
    @inline(__always) static func store(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
    }

    /// Output channel `row` at positions `0..<length` rounded up to a multiple of 16: `y` must
    /// hold that many floats and `x[offsets[k] + p + 15]` must be readable for every p < length.
    public static func row(_ row: Int, rowStart: UnsafePointer<Int32>, offsets: UnsafePointer<Int32>, values: UnsafePointer<Float>,
                           x: UnsafePointer<Float>, length: Int, scale: Float, shift: Float, y: UnsafeMutablePointer<Float>) {
        span(Int(rowStart[row])..<Int(rowStart[row + 1]), offsets: offsets, values: values, x: x, length: length,
             partial: false, finish: true, scale: scale, shift: shift, y: y)
    }

    /// The terms `nonzeros` of an output row (a run of its nonzeros, in order) at positions
    /// `0..<length` rounded up to a multiple of 16: onto the partial sums in `y` when `partial`
    /// (else from zero), then `y = sum · scale + shift` when `finish` (else the sums as they
    /// are). A row cut into runs gives the sums of the whole row bit for bit: the same terms
    /// in the same order, each partial sum stored and reloaded exactly.
    public static func span(_ nonzeros: Range<Int>, offsets: UnsafePointer<Int32>, values: UnsafePointer<Float>,
                            x: UnsafePointer<Float>, length: Int, partial: Bool, finish: Bool, scale: Float, shift: Float,
                            y: UnsafeMutablePointer<Float>) {
        let sv = SIMD16<Float>(repeating: scale), bv = SIMD16<Float>(repeating: shift)
        var p = 0
        while p + 192 <= length {
            let o = y + p
            var a0 = initial(o, partial), a1 = initial(o + 16, partial), a2 = initial(o + 32, partial), a3 = initial(o + 48, partial)
            var a4 = initial(o + 64, partial), a5 = initial(o + 80, partial), a6 = initial(o + 96, partial), a7 = initial(o + 112, partial)
            var a8 = initial(o + 128, partial), a9 = initial(o + 144, partial), a10 = initial(o + 160, partial), a11 = initial(o + 176, partial)
            for k in nonzeros {
                let w = SIMD16<Float>(repeating: values[k])
                let q = x + (Int(offsets[k]) &+ p)
                a0 = a0.addingProduct(w, load(q)); a1 = a1.addingProduct(w, load(q + 16))
                a2 = a2.addingProduct(w, load(q + 32)); a3 = a3.addingProduct(w, load(q + 48))
                a4 = a4.addingProduct(w, load(q + 64)); a5 = a5.addingProduct(w, load(q + 80))
                a6 = a6.addingProduct(w, load(q + 96)); a7 = a7.addingProduct(w, load(q + 112))
                a8 = a8.addingProduct(w, load(q + 128)); a9 = a9.addingProduct(w, load(q + 144))
                a10 = a10.addingProduct(w, load(q + 160)); a11 = a11.addingProduct(w, load(q + 176))
            }
            if finish {
                store(a0 * sv + bv, o); store(a1 * sv + bv, o + 16); store(a2 * sv + bv, o + 32); store(a3 * sv + bv, o + 48)
                store(a4 * sv + bv, o + 64); store(a5 * sv + bv, o + 80); store(a6 * sv + bv, o + 96); store(a7 * sv + bv, o + 112)
                store(a8 * sv + bv, o + 128); store(a9 * sv + bv, o + 144); store(a10 * sv + bv, o + 160); store(a11 * sv + bv, o + 176)
            } else {
                store(a0, o); store(a1, o + 16); store(a2, o + 32); store(a3, o + 48)
                store(a4, o + 64); store(a5, o + 80); store(a6, o + 96); store(a7, o + 112)
                store(a8, o + 128); store(a9, o + 144); store(a10, o + 160); store(a11, o + 176)
            }
            p += 192
        }
        while p + 64 <= length {
            let o = y + p
            var a0 = initial(o, partial), a1 = initial(o + 16, partial), a2 = initial(o + 32, partial), a3 = initial(o + 48, partial)
            for k in nonzeros {
                let w = SIMD16<Float>(repeating: values[k])
                let q = x + (Int(offsets[k]) &+ p)
                a0 = a0.addingProduct(w, load(q)); a1 = a1.addingProduct(w, load(q + 16))
                a2 = a2.addingProduct(w, load(q + 32)); a3 = a3.addingProduct(w, load(q + 48))
            }
            if finish {
                store(a0 * sv + bv, o); store(a1 * sv + bv, o + 16); store(a2 * sv + bv, o + 32); store(a3 * sv + bv, o + 48)
            } else {
                store(a0, o); store(a1, o + 16); store(a2, o + 32); store(a3, o + 48)
            }
            p += 64
        }
        while p < length {
            var a = initial(y + p, partial)
            for k in nonzeros {
                a = a.addingProduct(SIMD16<Float>(repeating: values[k]), load(x + (Int(offsets[k]) &+ p)))
            }
            store(finish ? a * sv + bv : a, y + p)
            p += 16
        }
    }
}
