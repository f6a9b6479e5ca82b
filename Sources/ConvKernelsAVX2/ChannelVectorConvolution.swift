/// Direct 2-d convolution vectorised over *output channels*, compiled for AVX2 + FMA (this
/// module is built with `-mavx2 -mfma`). Call it only when the CPU has both; Engine's
/// `DirectConv2d` checks before dispatching here.
///
/// ``DirectConvolution`` vectorises over flat padded positions, which wastes a third or more
/// of its lanes on 8×8 and 4×4 planes (the padding columns and the round-up to 24 positions).
/// This kernel takes its output pixels from a table instead, in any order and from any number
/// of samples, so no lane computes a padding column:
///
///     y[outBase[p] + o·outStride] = bias[o] + Σ_{i,r,s} w[o][i][r][s] · x[inBase[p] + i·planeStride + r·pitch + s]
///
/// A tile is 6 pixels × 16 output channels: 12 accumulators (two `SIMD8<Float>` per pixel),
/// fed per kernel tap by two weight-vector loads and 6 input broadcasts per 12 FMAs. Strides
/// are the caller's business (they only change the pixel table), as is padding (the input
/// planes are zero-padded, `pitch` floats a row).
///
/// Every pixel's sum is formed in the same order (bias, then input channels, kernel rows and
/// columns in turn) whatever its tile or lane, so results do not depend on how pixels are
/// grouped into calls (with tap windows, up to the sign of a zero: a tile skips only the
/// padding taps none of its pixels needs).
public enum ChannelVectorConvolution {
    /// Output pixels per tile.
    public static let tilePixels = 6
    /// Output channels per weight block (two 8-float vectors).
    public static let channelBlock = 16

    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }
    @inline(__always) static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }

    /// Output channels rounded up to whole blocks of 16.
    public static func paddedOutputs(_ outputs: Int) -> Int { (outputs + 15) / 16 * 16 }

    /// Floats of the blocked weight layout `w[o/16][i][r][s][o%16]` (padding outputs zero).
    public static func blockedWeightCount(outputs: Int, inputs: Int, taps: Int) -> Int {
        paddedOutputs(outputs) * inputs * taps
    }

    /// The convolution above for `pixels` output pixels and `outputs` output channels.
    /// - `x`: padded input planes; every address `x + inBase[p] + i·planeStride + r·pitch + s`
    ///   (`i < inputs`, `r < kernelH`, `s < kernelW`) must be readable.
    /// - `inBase`, `outBase`: `pixels` offsets into `x` and `y`.
    /// - `w`: `blockedWeightCount` floats, `w[((o/16)·inputs·taps + i·taps + r·kernelW + s)·16 + o%16]`.
    /// - `bias`: `paddedOutputs(outputs)` values (zeros for none and for the padding).
    /// - `y`: written at `outBase[p] + o·outStride` for `o < outputs` only.
    /// - `windows`: nil, or `pixels` packed ``TapWindow``s: the taps pixel `p` needs (the rest
    ///   read padding zeros). A tile computes the union of its pixels' windows, so tables that
    ///   keep equal windows together skip the most.
    public static func forward(x: UnsafePointer<Float>, inputs: Int, planeStride: Int, pitch: Int,
                               inBase: UnsafePointer<Int>, outBase: UnsafePointer<Int>, pixels: Int,
                               w: UnsafePointer<Float>, outputs: Int, kernelH: Int, kernelW: Int,
                               y: UnsafeMutablePointer<Float>, outStride: Int, bias: UnsafePointer<Float>,
                               windows: UnsafePointer<Int>? = nil) {
        if pixels <= 0 || outputs <= 0 { return }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * tilePixels * channelBlock) { scratch in
            guard let tile = scratch.baseAddress else { return }
            if kernelH == 3 && kernelW == 3 {
                run(x: x, inputs: inputs, planeStride: planeStride, pitch: pitch, inBase: inBase, outBase: outBase, pixels: pixels,
                    w: w, outputs: outputs, kernelH: 3, kernelW: 3, y: y, outStride: outStride, bias: bias, windows: windows, tile: tile)
            } else if kernelH == 1 && kernelW == 1 {
                run(x: x, inputs: inputs, planeStride: planeStride, pitch: pitch, inBase: inBase, outBase: outBase, pixels: pixels,
                    w: w, outputs: outputs, kernelH: 1, kernelW: 1, y: y, outStride: outStride, bias: bias, windows: windows, tile: tile)
            } else {
                run(x: x, inputs: inputs, planeStride: planeStride, pitch: pitch, inBase: inBase, outBase: outBase, pixels: pixels,
                    w: w, outputs: outputs, kernelH: kernelH, kernelW: kernelW, y: y, outStride: outStride, bias: bias, windows: windows, tile: tile)
            }
        }
    }

    /// Floats of blocked weights one pass over the pixels keeps hot (a share of L2).
    static let weightChunk = 1 << 16

    /// Tiles of 6 pixels, each against a chunk of blocks of 16 outputs (a tile's inputs stay
    /// in L1 while the chunk's weights stream from L2; with many outputs, one pass over the
    /// pixels per chunk). A short last tile repeats its last pixel; the repeats are computed
    /// and dropped.
    @inline(__always)
    static func run(x: UnsafePointer<Float>, inputs: Int, planeStride: Int, pitch: Int,
                    inBase: UnsafePointer<Int>, outBase: UnsafePointer<Int>, pixels: Int,
                    w: UnsafePointer<Float>, outputs: Int, kernelH: Int, kernelW: Int,
                    y: UnsafeMutablePointer<Float>, outStride: Int, bias: UnsafePointer<Float>,
                    windows: UnsafePointer<Int>?, tile: UnsafeMutablePointer<Float>) {
        let blockStride = inputs &* kernelH &* kernelW &* 16
        let chunk = max(1, weightChunk / max(blockStride, 1)) &* 16
        // The tile scattered next: pixels from `pendingPixel`, outputs from `pendingOutput`,
        // in the half of `tile` other than `parity`'s.
        var pendingPixel = 0, pendingCount = 0, pendingOutput = 0, parity = 0
        var o0 = 0
        while o0 < outputs {
            let o1 = min(outputs, o0 &+ chunk)
            var p = 0
            while p < pixels {
                let count = min(tilePixels, pixels &- p)
                let last = p &+ count &- 1
                let x0 = x + inBase[p]
                let x1 = x + inBase[min(p &+ 1, last)], x2 = x + inBase[min(p &+ 2, last)]
                let x3 = x + inBase[min(p &+ 3, last)], x4 = x + inBase[min(p &+ 4, last)]
                let x5 = x + inBase[min(p &+ 5, last)]
                let window = windows.map { TapWindow.union($0 + p, count: count) } ?? (rows: 0 ..< kernelH, columns: 0 ..< kernelW)
                var o = o0
                while o < o1 {
                    let current = tile + (parity &* tilePixels &* 16), wo = w + (o / 16) &* blockStride
                    TapWindow.withUnrolledSpans(window, kernelH: kernelH, kernelW: kernelW) { rows, columns in
                        block(x0, x1, x2, x3, x4, x5, inputs: inputs, planeStride: planeStride, pitch: pitch, w: wo,
                              kernelH: kernelH, kernelW: kernelW, rows: rows, columns: columns, bias: bias + o, tile: current)
                    }
                    // Scatter the previous tile, whose stores have long retired (reading the
                    // current one back lane by lane would stall on store-to-load forwarding).
                    if pendingCount > 0 {
                        scatter(tile + ((1 &- parity) &* tilePixels &* 16), count: pendingCount, outBase: outBase + pendingPixel,
                                y: y + pendingOutput &* outStride, outStride: outStride, valid: min(16, outputs &- pendingOutput))
                    }
                    pendingPixel = p; pendingCount = count; pendingOutput = o
                    parity = 1 &- parity
                    o &+= 16
                }
                p &+= count
            }
            o0 = o1
        }
        if pendingCount > 0 {
            scatter(tile + ((1 &- parity) &* tilePixels &* 16), count: pendingCount, outBase: outBase + pendingPixel,
                    y: y + pendingOutput &* outStride, outStride: outStride, valid: min(16, outputs &- pendingOutput))
        }
    }

    /// Writes `count` rows of 16 results (`valid` of them real outputs) into their planes.
    @inline(__always)
    static func scatter(_ src: UnsafePointer<Float>, count: Int, outBase: UnsafePointer<Int>,
                        y: UnsafeMutablePointer<Float>, outStride: Int, valid: Int) {
        for q in 0..<count {
            let dst = y + outBase[q]
            let row = src + q &* 16
            for c in 0..<valid { dst[c &* outStride] = row[c] }
        }
    }

    /// One tile: 6 pixels × 16 outputs over kernel taps `rows` × `columns`, written to `tile`
    /// as 6 rows of 16.
    @inline(__always)
    static func block(_ x0: UnsafePointer<Float>, _ x1: UnsafePointer<Float>, _ x2: UnsafePointer<Float>,
                      _ x3: UnsafePointer<Float>, _ x4: UnsafePointer<Float>, _ x5: UnsafePointer<Float>,
                      inputs: Int, planeStride: Int, pitch: Int, w: UnsafePointer<Float>, kernelH: Int, kernelW: Int,
                      rows: Range<Int>, columns: Range<Int>, bias: UnsafePointer<Float>, tile: UnsafeMutablePointer<Float>) {
        let b0 = load(bias), b1 = load(bias + 8)
        var a0 = b0, c0 = b1, a1 = b0, c1 = b1, a2 = b0, c2 = b1
        var a3 = b0, c3 = b1, a4 = b0, c4 = b1, a5 = b0, c5 = b1
        var wi = w + (rows.lowerBound &* kernelW &+ columns.lowerBound) &* 16
        var plane = rows.lowerBound &* pitch
        for _ in 0..<inputs {
            var row = plane
            var wr = wi
            for _ in rows {
                var ws = wr
                for s in columns {
                    let at = row &+ s
                    let k0 = load(ws), k1 = load(ws + 8)
                    let v0 = SIMD8<Float>(repeating: x0[at]), v1 = SIMD8<Float>(repeating: x1[at])
                    a0 = a0.addingProduct(k0, v0); c0 = c0.addingProduct(k1, v0)
                    a1 = a1.addingProduct(k0, v1); c1 = c1.addingProduct(k1, v1)
                    let v2 = SIMD8<Float>(repeating: x2[at]), v3 = SIMD8<Float>(repeating: x3[at])
                    a2 = a2.addingProduct(k0, v2); c2 = c2.addingProduct(k1, v2)
                    a3 = a3.addingProduct(k0, v3); c3 = c3.addingProduct(k1, v3)
                    let v4 = SIMD8<Float>(repeating: x4[at]), v5 = SIMD8<Float>(repeating: x5[at])
                    a4 = a4.addingProduct(k0, v4); c4 = c4.addingProduct(k1, v4)
                    a5 = a5.addingProduct(k0, v5); c5 = c5.addingProduct(k1, v5)
                    ws += 16
                }
                row &+= pitch
                wr += kernelW &* 16
            }
            plane &+= planeStride
            wi += kernelH &* kernelW &* 16
        }
        store(a0, tile); store(c0, tile + 8)
        store(a1, tile + 16); store(c1, tile + 24)
        store(a2, tile + 32); store(c2, tile + 40)
        store(a3, tile + 48); store(c3, tile + 56)
        store(a4, tile + 64); store(c4, tile + 72)
        store(a5, tile + 80); store(c5, tile + 88)
    }

    /// The weight gradient of the same convolution, vectorised the same way (16 output
    /// channels × 6 taps per tile, 12 accumulators fed by two gradient-vector loads and 6 input
    /// broadcasts per pixel):
    ///
    ///     dw[((o/16)·taps + t)·16 + o%16] += Σ_p g[(o/16)·gBlockStride + p·16 + o%16] · x[inBase[p] + tapOffsets[t]]
    ///
    /// - `g`: output gradients blocked by 16 outputs and pixel-major within a block, so that a
    ///   tile reads them sequentially (zero for the padding outputs).
    /// - `tapOffsets`: `taps` offsets (input channel × kernel row × column, `i·planeStride +
    ///   r·pitch + s`), every `x + inBase[p] + tapOffsets[t]` readable.
    /// - `dw`: `paddedOutputs(outputs) · taps` floats in the blocked layout above; each call
    ///   adds its pixels' sums (formed pixel by pixel in table order) to it.
    public static func weightGradient(x: UnsafePointer<Float>, inBase: UnsafePointer<Int>, pixels: Int,
                                      tapOffsets: UnsafePointer<Int>, taps: Int,
                                      g: UnsafePointer<Float>, gBlockStride: Int, outputs: Int, dw: UnsafeMutablePointer<Float>) {
        if pixels <= 0 || taps <= 0 { return }
        let blocks = (outputs + 15) / 16
        for b in 0..<blocks {
            let gb = g + b &* gBlockStride
            var t = 0
            while t < taps {
                let count = min(tilePixels, taps &- t)
                let last = t &+ count &- 1
                let f0 = tapOffsets[t], f1 = tapOffsets[min(t &+ 1, last)], f2 = tapOffsets[min(t &+ 2, last)]
                let f3 = tapOffsets[min(t &+ 3, last)], f4 = tapOffsets[min(t &+ 4, last)], f5 = tapOffsets[min(t &+ 5, last)]
                var a0 = SIMD8<Float>(), c0 = SIMD8<Float>(), a1 = SIMD8<Float>(), c1 = SIMD8<Float>()
                var a2 = SIMD8<Float>(), c2 = SIMD8<Float>(), a3 = SIMD8<Float>(), c3 = SIMD8<Float>()
                var a4 = SIMD8<Float>(), c4 = SIMD8<Float>(), a5 = SIMD8<Float>(), c5 = SIMD8<Float>()
                var gp = gb
                for p in 0..<pixels {
                    let base = x + inBase[p]
                    let k0 = load(gp), k1 = load(gp + 8)
                    let v0 = SIMD8<Float>(repeating: base[f0]), v1 = SIMD8<Float>(repeating: base[f1])
                    a0 = a0.addingProduct(k0, v0); c0 = c0.addingProduct(k1, v0)
                    a1 = a1.addingProduct(k0, v1); c1 = c1.addingProduct(k1, v1)
                    let v2 = SIMD8<Float>(repeating: base[f2]), v3 = SIMD8<Float>(repeating: base[f3])
                    a2 = a2.addingProduct(k0, v2); c2 = c2.addingProduct(k1, v2)
                    a3 = a3.addingProduct(k0, v3); c3 = c3.addingProduct(k1, v3)
                    let v4 = SIMD8<Float>(repeating: base[f4]), v5 = SIMD8<Float>(repeating: base[f5])
                    a4 = a4.addingProduct(k0, v4); c4 = c4.addingProduct(k1, v4)
                    a5 = a5.addingProduct(k0, v5); c5 = c5.addingProduct(k1, v5)
                    gp += 16
                }
                let d = dw + (b &* taps &+ t) &* 16
                add(d, a0, c0)
                if count > 1 { add(d + 16, a1, c1) }
                if count > 2 { add(d + 32, a2, c2) }
                if count > 3 { add(d + 48, a3, c3) }
                if count > 4 { add(d + 64, a4, c4) }
                if count > 5 { add(d + 80, a5, c5) }
                t &+= count
            }
        }
    }

    @inline(__always)
    static func add(_ d: UnsafeMutablePointer<Float>, _ a: SIMD8<Float>, _ c: SIMD8<Float>) {
        store(load(d) + a, d)
        store(load(d + 8) + c, d + 8)
    }
}
