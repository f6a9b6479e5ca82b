/// The 512-bit twin of `SparseRowKernel` (same operands, same summation order: nonzero order,
/// one fused multiply-add per term), with four 16-wide accumulators per block of 64 outputs.
public enum SparseRowKernel512 {
    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
    }
    @inline(__always) static func store(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
    }

    /// Rows `rows` of the sparse × dense product (see `SparseRowKernel.multiply`).
    public static func multiply(rowStart: UnsafePointer<Int32>, columns: UnsafePointer<Int32>, values: UnsafePointer<Float>,
                                rows: Range<Int>, source: UnsafePointer<Float>, sourceStride: Int, width: Int,
                                destination: UnsafeMutablePointer<Float>, destinationStride: Int) {
        for r in rows {
            let begin = Int(rowStart[r]), end = Int(rowStart[r + 1])
            let out = destination + r * destinationStride
            var j = 0
            while j + 64 <= width {
                var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
                for k in begin..<end {
                    let w = SIMD16<Float>(repeating: values[k])
                    let p = source + Int(columns[k]) * sourceStride + j
                    a0 = a0.addingProduct(w, load(p))
                    a1 = a1.addingProduct(w, load(p + 16))
                    a2 = a2.addingProduct(w, load(p + 32))
                    a3 = a3.addingProduct(w, load(p + 48))
                }
                store(a0, out + j); store(a1, out + j + 16); store(a2, out + j + 32); store(a3, out + j + 48)
                j += 64
            }
            while j + 16 <= width {
                var a = SIMD16<Float>()
                for k in begin..<end {
                    a = a.addingProduct(SIMD16<Float>(repeating: values[k]), load(source + Int(columns[k]) * sourceStride + j))
                }
                store(a, out + j)
                j += 16
            }
            while j + 8 <= width {
                var a = SIMD8<Float>()
                for k in begin..<end {
                    let p = source + Int(columns[k]) * sourceStride + j
                    a = a.addingProduct(SIMD8<Float>(repeating: values[k]), UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self))
                }
                UnsafeMutableRawPointer(out + j).storeBytes(of: a, as: SIMD8<Float>.self)
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
