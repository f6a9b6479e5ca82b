import ConvKernelsAVX2

/// Winograd's minimal filtering F(2×2, 3×3) for 3×3, stride-1, padding-1 convolutions on
/// even-sized planes (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks",
/// CVPR 2016): each 2×2 block of outputs is `Aᵀ [Σ_c (G g_c Gᵀ) ⊙ (Bᵀ d_c B)] A`, where `d_c`
/// is the 4×4 input patch of channel `c`, `g_c` the 3×3 kernel, and
///
///     Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1],  G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1],
///     Aᵀ = [1 1 1 0; 0 1 −1 −1].
///
/// That is 16 multiply-adds per input channel for 4 outputs instead of 36: the channel sum
/// becomes 16 independent matrix products `M_ξ = U_ξ · V_ξ` (outputs × inputs times inputs ×
/// tiles), one per position ξ of the 4×4 transformed tile. Compiled for AVX-512 (this module is
/// built with `-mavx512f -mfma`); call it only when the CPU has AVX-512F.
///
/// Layout trick: every plane is first split into its four (even/odd row, even/odd column)
/// sub-planes of the zero-padded image, `S_pq[i][j] = x_pad[2i+p][2j+q]`, each
/// `(H/2+1) × (W/2+1)`. Tile `(i, j)` then reads `S_{a%2,b%2}[i + a/2][j + b/2]` for its patch
/// entry `(a, b)`, so with tiles numbered `s = i·(W/2+1) + j` the whole input transform is
/// element-wise vector arithmetic on the flat sub-planes at offsets 0, 1, `W/2+1`, `W/2+2`,
/// whatever the plane size. The input transform computes 16 slots at a time and keeps the real
/// tiles (a row of sub-plane slots has one more than a row of tiles), so the products run on
/// tiles only.
///
/// Loop order per block of images: split into sub-planes, transform the inputs, then for each
/// 32-tile column block and 8 outputs the 16 products into an L1 tile and at once the output
/// transform, then the outputs interleaved into the planes with their epilogue (residual
/// addend, ReLU).
///
/// The twin of the AVX2 build, `WinogradConvolution` (ConvKernelsAVX2), which holds the shared
/// sizes (`WinogradGeometry`): the same element-wise operations in the same order on every value
/// — the transforms as the same additions and subtractions, each output's channel sum in channel
/// order from zero with one fused multiply-add per term — so the two builds give the same bits,
/// and a sample's results do not depend on the batch it is in. Change both together.
public enum WinogradConvolution512 {
    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
    }
    @inline(__always) static func store(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
    }

    /// The geometry of a block of `images` planes for this build.
    public static func geometry(height: Int, width: Int, images: Int) -> WinogradGeometry {
        WinogradGeometry(height: height, width: width, images: images, build: .avx512)
    }

    /// `y[b][k] = shift[k] + conv(x[b], w)[k]` for the `g.images` planes of `x` (images ×
    /// `inputs` × H × W, contiguous), with `u` from a weight transform (`U[ξ][c][k]`, k padded to
    /// `WinogradGeometry.paddedOutputs(_:)`). Then, per output, `+ addend` (laid out as `y`)
    /// when given and a ReLU when `rectified`. `subPlanes`, `transformed`, `outputsScratch` are
    /// scratch of the sizes `g` gives; `g` must be this build's (``geometry(height:width:images:)``).
    public static func forward(x: UnsafePointer<Float>, inputs: Int, g: WinogradGeometry,
                               u: UnsafePointer<Float>, outputs: Int, shift: UnsafePointer<Float>,
                               y: UnsafeMutablePointer<Float>, addend: UnsafePointer<Float>?, rectified: Bool,
                               subPlanes: UnsafeMutablePointer<Float>, transformed: UnsafeMutablePointer<Float>,
                               outputsScratch: UnsafeMutablePointer<Float>) {
        assert(g.build == .avx512, "a geometry of another build's blocking")
        if inputs <= 0 || outputs <= 0 || g.images <= 0 || g.height < 2 || g.width < 2 { return }
        split(x: x, inputs: inputs, g: g, into: subPlanes)
        transformInputs(subPlanes, inputs: inputs, g: g, into: transformed)
        let sums = outputsScratch + 4 * outputs * g.slots
        multiply(u: u, inputs: inputs, outputs: outputs, v: transformed, g: g, shift: shift, tile: sums, into: outputsScratch)
        finish(outputsScratch, outputs: outputs, g: g, y: y, addend: addend, rectified: rectified)
    }

    /// The zero-padded sub-planes `S[c][pq][b·slotsPerImage + i·pitch + j] = x_pad[b][c][2i+p][2j+q]`.
    static func split(x: UnsafePointer<Float>, inputs: Int, g: WinogradGeometry, into s: UnsafeMutablePointer<Float>) {
        let h = g.height, w = g.width, q = g.pitch, per = g.slotsPerImage, strip = g.strip
        let pairs = g.tileColumns, tileRows = g.tileRows
        for c in 0..<inputs {
            let base = s + c &* 4 &* strip
            let s00 = base, s01 = base + strip, s10 = base + 2 &* strip, s11 = base + 3 &* strip
            for b in 0..<g.images {
                let plane = x + (b &* inputs + c) &* h &* w
                let o = b &* per
                // Padding: the top row of the even-row planes, the bottom row of the odd-row
                // ones, the first column of the even-column planes, the last of the odd ones.
                (s00 + o).update(repeating: 0, count: q)
                (s01 + o).update(repeating: 0, count: q)
                (s10 + o + tileRows &* q).update(repeating: 0, count: q)
                (s11 + o + tileRows &* q).update(repeating: 0, count: q)
                for r in 0..<h {
                    let i = (r + 1) >> 1, odd = (r + 1) & 1 == 1
                    let evenColumns = (odd ? s10 : s00) + o + i &* q   // x_pad column 2j: x column 2j−1
                    let oddColumns = (odd ? s11 : s01) + o + i &* q    // x_pad column 2j+1: x column 2j
                    evenColumns[0] = 0
                    oddColumns[pairs] = 0
                    deinterleave(plane + r &* w, pairs: pairs, evens: oddColumns, odds: evenColumns + 1)
                }
            }
            let used = g.images &* per
            for sub in 0..<4 { (base + sub &* strip + used).update(repeating: 0, count: strip &- used) }
        }
    }

    /// `evens[j] = src[2j]`, `odds[j] = src[2j+1]` for `j < pairs`. (Element-wise vector
    /// initialisers compile to one two-source permute each; `SIMD32.evenHalf` does not.)
    @inline(__always)
    static func deinterleave(_ src: UnsafePointer<Float>, pairs: Int, evens: UnsafeMutablePointer<Float>,
                             odds: UnsafeMutablePointer<Float>) {
        var j = 0
        while j + 16 <= pairs {
            let a = load(src + 2 &* j), b = load(src + 2 &* j + 16)
            store(SIMD16(a[0], a[2], a[4], a[6], a[8], a[10], a[12], a[14], b[0], b[2], b[4], b[6], b[8], b[10], b[12], b[14]), evens + j)
            store(SIMD16(a[1], a[3], a[5], a[7], a[9], a[11], a[13], a[15], b[1], b[3], b[5], b[7], b[9], b[11], b[13], b[15]), odds + j)
            j &+= 16
        }
        while j + 8 <= pairs {
            let a = load(src + 2 &* j)
            UnsafeMutableRawPointer(evens + j).storeBytes(of: SIMD8(a[0], a[2], a[4], a[6], a[8], a[10], a[12], a[14]), as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(odds + j).storeBytes(of: SIMD8(a[1], a[3], a[5], a[7], a[9], a[11], a[13], a[15]), as: SIMD8<Float>.self)
            j &+= 8
        }
        while j + 4 <= pairs {
            let a = UnsafeRawPointer(src + 2 &* j).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(evens + j).storeBytes(of: SIMD4(a[0], a[2], a[4], a[6]), as: SIMD4<Float>.self)
            UnsafeMutableRawPointer(odds + j).storeBytes(of: SIMD4(a[1], a[3], a[5], a[7]), as: SIMD4<Float>.self)
            j &+= 4
        }
        while j < pairs {
            evens[j] = src[2 &* j]
            odds[j] = src[2 &* j + 1]
            j &+= 1
        }
    }

    /// `V[ξ][c][tile] = (Bᵀ d B)[ξ]` for every tile of the block, row of tiles by row of
    /// tiles, 16 at a time. A row shorter than 16 tiles stores 16 results anyway; the next
    /// row, or the zeros after the last, overwrite the extra ones.
    static func transformInputs(_ s: UnsafePointer<Float>, inputs: Int, g: WinogradGeometry, into v: UnsafeMutablePointer<Float>) {
        let q = g.pitch, strip = g.strip, slots = g.slots
        let step = g.transformedStride(channels: inputs)
        let per = g.slotsPerImage, columns = g.tileColumns, tiles = g.images &* g.tilesPerImage
        for c in 0..<inputs {
            let s00 = s + c &* 4 &* strip, s01 = s00 + strip, s10 = s00 + 2 &* strip, s11 = s00 + 3 &* strip
            let out = v + c &* slots
            var at = 0
            for b in 0..<g.images {
                for i in 0..<g.tileRows {
                    var j = 0
                    while j < columns {
                        let t = b &* per + i &* q + j
                        // Patch rows a = 0…3 come from the even, odd, even (one row down), odd (one
                        // row down) sub-planes; columns likewise.
                        func row(_ even: UnsafePointer<Float>, _ odd: UnsafePointer<Float>) -> (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>) {
                            (load(even + t), load(odd + t), load(even + t + 1), load(odd + t + 1))
                        }
                        let d0 = row(s00, s01), d1 = row(s10, s11), d2 = row(s00 + q, s01 + q), d3 = row(s10 + q, s11 + q)
                        // Bᵀ d: rows.
                        let r0 = (d0.0 - d2.0, d0.1 - d2.1, d0.2 - d2.2, d0.3 - d2.3)
                        let r1 = (d1.0 + d2.0, d1.1 + d2.1, d1.2 + d2.2, d1.3 + d2.3)
                        let r2 = (d2.0 - d1.0, d2.1 - d1.1, d2.2 - d1.2, d2.3 - d1.3)
                        let r3 = (d1.0 - d3.0, d1.1 - d3.1, d1.2 - d3.2, d1.3 - d3.3)
                        // (Bᵀ d) B: columns, stored at ξ = 4·row + column.
                        let o = out + at
                        func storeColumns(_ r: (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>), _ xi: Int) {
                            let p = o + xi &* step
                            store(r.0 - r.2, p)
                            store(r.1 + r.2, p + step)
                            store(r.2 - r.1, p + 2 &* step)
                            store(r.1 - r.3, p + 3 &* step)
                        }
                        storeColumns(r0, 0); storeColumns(r1, 4); storeColumns(r2, 8); storeColumns(r3, 12)
                        let done = min(16, columns &- j)
                        j &+= done
                        at &+= done
                    }
                }
            }
            for xi in 0..<16 { (out + xi &* step + tiles).update(repeating: 0, count: slots &- tiles) }
        }
    }

    /// Floats of transformed weights one pass over the tiles keeps hot (a quarter of L2).
    static let weightChunk = 1 << 16

    /// For each 32-tile column block and each 8 outputs: the 16 products
    /// `M[ξ] = Σ_c U[ξ][c][k] · V[ξ][c][tile]` into `tile` (16 × 8 × 32, stays in L1), then
    /// `Aᵀ M A` plus `shift[k]` into the four output sub-planes `out[a·2 + c][k][tile]`.
    /// Outputs go in chunks whose transformed weights fit ``weightChunk``.
    static func multiply(u: UnsafePointer<Float>, inputs: Int, outputs: Int, v: UnsafePointer<Float>, g: WinogradGeometry,
                         shift: UnsafePointer<Float>, tile m: UnsafeMutablePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        let k8 = WinogradGeometry.paddedOutputs(outputs), slots = g.slots, vStride = g.transformedStride(channels: inputs)
        let uStride = inputs &* k8
        let chunk = max(8, weightChunk / max(16 &* inputs, 1) / 8 * 8)
        let quarter = outputs &* slots
        var c0 = 0
        while c0 < k8 {
            let c1 = min(k8, c0 + chunk)
            var t = 0
            while t < slots {
                var k0 = c0
                while k0 < c1 {
                    for xi in 0..<16 {
                        product(u: u + xi &* uStride + k0, k8: k8, inputs: inputs, v: v + xi &* vStride + t, slots: slots,
                                m: m + xi &* 256)
                    }
                    for r in 0..<min(8, outputs &- k0) {
                        let k = k0 + r
                        let bias = SIMD16<Float>(repeating: shift[k])
                        for half in 0..<2 {
                            let p = UnsafePointer(m + r &* 32 + half &* 16)
                            func row(_ a: Int) -> (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>) {
                                let first = p + a &* 1024
                                return (load(first), load(first + 256), load(first + 512), load(first + 768))
                            }
                            let m0 = row(0), m1 = row(1), m2 = row(2), m3 = row(3)
                            // Aᵀ M: two rows.
                            let t0 = (m0.0 + m1.0 + m2.0, m0.1 + m1.1 + m2.1, m0.2 + m1.2 + m2.2, m0.3 + m1.3 + m2.3)
                            let t1 = (m1.0 - m2.0 - m3.0, m1.1 - m2.1 - m3.1, m1.2 - m2.2 - m3.2, m1.3 - m2.3 - m3.3)
                            // (Aᵀ M) A: two columns each.
                            let o = out + k &* slots + t + half &* 16
                            store(bias + (t0.0 + t0.1 + t0.2), o)
                            store(bias + (t0.1 - t0.2 - t0.3), o + quarter)
                            store(bias + (t1.0 + t1.1 + t1.2), o + 2 &* quarter)
                            store(bias + (t1.1 - t1.2 - t1.3), o + 3 &* quarter)
                        }
                    }
                    k0 &+= 8
                }
                t &+= 32
            }
            c0 = c1
        }
    }

    /// `m[r·32 + 0..<32] = Σ_c u[c·k8 + r] · v[c·slots + 0..<32]` for `r < 8`: 16 vector
    /// accumulators, one vector pair of V and 8 broadcasts of U per channel.
    @inline(__always)
    static func product(u: UnsafePointer<Float>, k8: Int, inputs: Int, v: UnsafePointer<Float>, slots: Int, m: UnsafeMutablePointer<Float>) {
        var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
        var a4 = SIMD16<Float>(), a5 = SIMD16<Float>(), a6 = SIMD16<Float>(), a7 = SIMD16<Float>()
        var b0 = SIMD16<Float>(), b1 = SIMD16<Float>(), b2 = SIMD16<Float>(), b3 = SIMD16<Float>()
        var b4 = SIMD16<Float>(), b5 = SIMD16<Float>(), b6 = SIMD16<Float>(), b7 = SIMD16<Float>()
        var up = u, vp = v
        for _ in 0..<inputs {
            let x0 = load(vp), x1 = load(vp + 16)
            let w0 = SIMD16(repeating: up[0]), w1 = SIMD16(repeating: up[1]), w2 = SIMD16(repeating: up[2]), w3 = SIMD16(repeating: up[3])
            a0 = a0.addingProduct(w0, x0); b0 = b0.addingProduct(w0, x1)
            a1 = a1.addingProduct(w1, x0); b1 = b1.addingProduct(w1, x1)
            a2 = a2.addingProduct(w2, x0); b2 = b2.addingProduct(w2, x1)
            a3 = a3.addingProduct(w3, x0); b3 = b3.addingProduct(w3, x1)
            let w4 = SIMD16(repeating: up[4]), w5 = SIMD16(repeating: up[5]), w6 = SIMD16(repeating: up[6]), w7 = SIMD16(repeating: up[7])
            a4 = a4.addingProduct(w4, x0); b4 = b4.addingProduct(w4, x1)
            a5 = a5.addingProduct(w5, x0); b5 = b5.addingProduct(w5, x1)
            a6 = a6.addingProduct(w6, x0); b6 = b6.addingProduct(w6, x1)
            a7 = a7.addingProduct(w7, x0); b7 = b7.addingProduct(w7, x1)
            up += k8
            vp += slots
        }
        store(a0, m); store(b0, m + 16); store(a1, m + 32); store(b1, m + 48)
        store(a2, m + 64); store(b2, m + 80); store(a3, m + 96); store(b3, m + 112)
        store(a4, m + 128); store(b4, m + 144); store(a5, m + 160); store(b5, m + 176)
        store(a6, m + 192); store(b6, m + 208); store(a7, m + 224); store(b7, m + 240)
    }

    /// `y[b][k][2i+a][2j+c] = out[a·2 + c][k][tile (b, i, j)]`, plus the addend and through the
    /// ReLU.
    static func finish(_ out: UnsafePointer<Float>, outputs: Int, g: WinogradGeometry,
                       y: UnsafeMutablePointer<Float>, addend: UnsafePointer<Float>?, rectified: Bool) {
        let slots = g.slots, quarter = outputs &* slots
        let w = g.width, plane = g.height &* g.width, columns = g.tileColumns
        for b in 0..<g.images {
            for k in 0..<outputs {
                let at = (b &* outputs + k) &* plane
                let dst = y + at
                let extra = addend.map { $0 + at }
                for i in 0..<g.tileRows {
                    for a in 0..<2 {
                        let line = 2 &* i + a
                        let left = out + a &* 2 &* quarter + k &* slots + (b &* g.tileRows + i) &* columns
                        finishRow(left, left + quarter, pairs: columns, into: dst + line &* w,
                                  adding: extra.map { $0 + line &* w }, rectified: rectified)
                    }
                }
            }
        }
    }

    /// `d[2j] = left[j]`, `d[2j+1] = right[j]` for `j < pairs`, each plus `e` (laid out as `d`)
    /// when given and through a ReLU (NaN to 0) when `rectified`.
    @inline(__always)
    static func finishRow(_ left: UnsafePointer<Float>, _ right: UnsafePointer<Float>, pairs: Int, into d: UnsafeMutablePointer<Float>,
                          adding e: UnsafePointer<Float>?, rectified: Bool) {
        var j = 0
        @inline(__always) func finish(_ v: SIMD16<Float>, _ at: Int) {
            var v = v
            if let e { v += load(e + at) }
            if rectified { v = v.replacing(with: 0, where: .!(v .> 0)) }
            store(v, d + at)
        }
        while j + 16 <= pairs {
            let a = load(left + j), b = load(right + j)
            finish(SIMD16(a[0], b[0], a[1], b[1], a[2], b[2], a[3], b[3], a[4], b[4], a[5], b[5], a[6], b[6], a[7], b[7]), 2 &* j)
            finish(SIMD16(a[8], b[8], a[9], b[9], a[10], b[10], a[11], b[11], a[12], b[12], a[13], b[13], a[14], b[14], a[15], b[15]),
                   2 &* j + 16)
            j &+= 16
        }
        while j + 8 <= pairs {
            let a = UnsafeRawPointer(left + j).loadUnaligned(as: SIMD8<Float>.self)
            let b = UnsafeRawPointer(right + j).loadUnaligned(as: SIMD8<Float>.self)
            finish(SIMD16(a[0], b[0], a[1], b[1], a[2], b[2], a[3], b[3], a[4], b[4], a[5], b[5], a[6], b[6], a[7], b[7]), 2 &* j)
            j &+= 8
        }
        while j + 4 <= pairs {
            let a = UnsafeRawPointer(left + j).loadUnaligned(as: SIMD4<Float>.self)
            let b = UnsafeRawPointer(right + j).loadUnaligned(as: SIMD4<Float>.self)
            var v = SIMD8(a[0], b[0], a[1], b[1], a[2], b[2], a[3], b[3])
            if let e { v += UnsafeRawPointer(e + 2 &* j).loadUnaligned(as: SIMD8<Float>.self) }
            if rectified { v = v.replacing(with: 0, where: .!(v .> 0)) }
            UnsafeMutableRawPointer(d + 2 &* j).storeBytes(of: v, as: SIMD8<Float>.self)
            j &+= 4
        }
        while j < pairs {
            var p = left[j], q = right[j]
            if let e { p += e[2 &* j]; q += e[2 &* j + 1] }
            if rectified { p = p > 0 ? p : 0; q = q > 0 ? q : 0 }
            d[2 &* j] = p
            d[2 &* j + 1] = q
            j &+= 1
        }
    }
}
