/// Sparse × dense products for compressed layers (`m:compress()`), with 256-bit vectors:
/// `destination[r][j] = Σ_k values[k] · source[columns[k]][j]` over the nonzeros k of row r of a
/// CSR matrix (rows `rowStart[r]..<rowStart[r+1]`), for j in 0..<width.
///
/// The dense operand is an im2col matrix (patch × pixels) or a transposed batch (features ×
/// samples): each nonzero weight scales one of its rows into four 8-wide accumulators that stay
/// in registers over the whole sparse row (Elsen et al., "Fast Sparse ConvNets", CVPR 2020).
/// Sums run in nonzero order, one fused multiply-add per term, in every width block and in
/// the scalar tail; the 512-bit twin (`SparseRowKernel512`) sums in the same order.
public enum SparseRowKernel {
    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }
    @inline(__always) static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }

    /// Rows `rows` of the product (see the type's documentation); row r goes to
    /// `destination + r · destinationStride`, source row c starts at `source + c · sourceStride`.
    public static func multiply(rowStart: UnsafePointer<Int32>, columns: UnsafePointer<Int32>, values: UnsafePointer<Float>,
                                rows: Range<Int>, source: UnsafePointer<Float>, sourceStride: Int, width: Int,
                                destination: UnsafeMutablePointer<Float>, destinationStride: Int) {
        for r in rows {
            let begin = Int(rowStart[r]), end = Int(rowStart[r + 1])
            let out = destination + r * destinationStride
            var j = 0
            while j + 32 <= width {
                var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
                for k in begin..<end {
                    let w = SIMD8<Float>(repeating: values[k])
                    let p = source + Int(columns[k]) * sourceStride + j
                    a0 = a0.addingProduct(w, load(p))
                    a1 = a1.addingProduct(w, load(p + 8))
                    a2 = a2.addingProduct(w, load(p + 16))
                    a3 = a3.addingProduct(w, load(p + 24))
                }
                store(a0, out + j); store(a1, out + j + 8); store(a2, out + j + 16); store(a3, out + j + 24)
                j += 32
            }
            while j + 8 <= width {
                var a = SIMD8<Float>()
                for k in begin..<end {
                    a = a.addingProduct(SIMD8<Float>(repeating: values[k]), load(source + Int(columns[k]) * sourceStride + j))
                }
                store(a, out + j)
                j += 8
            }
            while j < width {
                var s: Float = 0
                for k in begin..<end { s = s.addingProduct(values[k], source[Int(columns[k]) * sourceStride + j]) }
                out[j] = s
                j += 1
            }
        }
    }
}
