import ConvKernelsAVX2

/// ``ChannelVectorConvolution``'s two kernels (ConvKernelsAVX2) with 16 output channels in one
/// 512-bit vector, compiled for AVX-512 (this module is built with `-mavx512f -mfma`). Call it
/// only when the CPU has AVX-512F; Engine's `DirectConv2d` checks before dispatching here.
///
/// The data layouts and the contracts are exactly those of the AVX2 kernels (the blocked
/// weights `w[o/16][i][r][s][o%16]`, the pixel tables, the blocked gradients), so callers pick
/// either at run time. A tile is 12 pixels × 16 outputs (or 16 outputs × 12 taps): 12
/// `SIMD16<Float>` accumulators fed per step by one vector load and 12 broadcasts (which the
/// compiler folds into the FMAs as embedded broadcasts). That is half the instructions of the
/// AVX2 tile for the same multiply-adds; on cores that split 512-bit FMAs in two (AMD Zen 4)
/// the arithmetic rate is unchanged and the front end stops being the limit.
///
/// Each output's sum is formed in the same order as in the AVX2 kernels (bias, then input
/// channels, kernel rows and columns; weight gradients pixel by pixel in table order), with
/// fused multiply-adds in both, so the two builds give the same results: bit-identical weight
/// gradients, and forward sums that differ at most in the sign of a zero (a 12-pixel tile may
/// compute a padding tap that a 6-pixel tile skips, adding a ±0 product).
public enum ChannelVectorConvolution512 {
    /// Output pixels (forward) or taps (weight gradient) per tile.
    public static let tilePixels = 12

    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
    }
    @inline(__always) static func store(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
    }

    /// `y[outBase[p] + o·outStride] = bias[o] + Σ_{i,r,s} w[o][i][r][s] · x[inBase[p] + i·planeStride + r·pitch + s]`,
    /// with the arguments of `ChannelVectorConvolution.forward` (taps outside a tile's
    /// ``TapWindow`` union skipped).
    public static func forward(x: UnsafePointer<Float>, inputs: Int, planeStride: Int, pitch: Int,
                               inBase: UnsafePointer<Int>, outBase: UnsafePointer<Int>, pixels: Int,
                               w: UnsafePointer<Float>, outputs: Int, kernelH: Int, kernelW: Int,
                               y: UnsafeMutablePointer<Float>, outStride: Int, bias: UnsafePointer<Float>,
                               windows: UnsafePointer<Int>? = nil) {
        if pixels <= 0 || outputs <= 0 { return }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * tilePixels * 16) { scratch in
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

    /// Tiles of 12 pixels against chunks of blocks of 16 outputs, as in the AVX2 kernel; each
    /// tile is scattered while the next one computes.
    @inline(__always)
    static func run(x: UnsafePointer<Float>, inputs: Int, planeStride: Int, pitch: Int,
                    inBase: UnsafePointer<Int>, outBase: UnsafePointer<Int>, pixels: Int,
                    w: UnsafePointer<Float>, outputs: Int, kernelH: Int, kernelW: Int,
                    y: UnsafeMutablePointer<Float>, outStride: Int, bias: UnsafePointer<Float>,
                    windows: UnsafePointer<Int>?, tile: UnsafeMutablePointer<Float>) {
        let blockStride = inputs &* kernelH &* kernelW &* 16
        let chunk = max(1, weightChunk / max(blockStride, 1)) &* 16
        var pendingPixel = 0, pendingCount = 0, pendingOutput = 0, parity = 0
        var o0 = 0
        while o0 < outputs {
            let o1 = min(outputs, o0 &+ chunk)
            var p = 0
            while p < pixels {
                let count = min(tilePixels, pixels &- p)
                let last = p &+ count &- 1
                var xs = (x, x, x, x, x, x, x, x, x, x, x, x)
                withUnsafeMutableBytes(of: &xs) { raw in
                    let slots = raw.baseAddress!.assumingMemoryBound(to: UnsafePointer<Float>.self)
                    for q in 0..<tilePixels { slots[q] = x + inBase[min(p &+ q, last)] }
                }
                let window = windows.map { TapWindow.union($0 + p, count: count) } ?? (rows: 0 ..< kernelH, columns: 0 ..< kernelW)
                var o = o0
                while o < o1 {
                    let current = tile + (parity &* tilePixels &* 16), wo = w + (o / 16) &* blockStride
                    TapWindow.withUnrolledSpans(window, kernelH: kernelH, kernelW: kernelW) { rows, columns in
                        block(xs, inputs: inputs, planeStride: planeStride, pitch: pitch, w: wo, kernelH: kernelH, kernelW: kernelW,
                              rows: rows, columns: columns, bias: bias + o, tile: current)
                    }
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

    typealias Twelve<T> = (T, T, T, T, T, T, T, T, T, T, T, T)

    /// One tile: 12 pixels × 16 outputs over kernel taps `rows` × `columns`, written to `tile`
    /// as 12 rows of 16.
    @inline(__always)
    static func block(_ xs: Twelve<UnsafePointer<Float>>, inputs: Int, planeStride: Int, pitch: Int,
                      w: UnsafePointer<Float>, kernelH: Int, kernelW: Int, rows: Range<Int>, columns: Range<Int>,
                      bias: UnsafePointer<Float>, tile: UnsafeMutablePointer<Float>) {
        let (x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11) = xs
        let b = load(bias)
        var a0 = b, a1 = b, a2 = b, a3 = b, a4 = b, a5 = b
        var a6 = b, a7 = b, a8 = b, a9 = b, a10 = b, a11 = b
        var wi = w + (rows.lowerBound &* kernelW &+ columns.lowerBound) &* 16
        var plane = rows.lowerBound &* pitch
        for _ in 0..<inputs {
            var row = plane
            var wr = wi
            for _ in rows {
                var ws = wr
                for s in columns {
                    let at = row &+ s
                    let k = load(ws)
                    a0 = a0.addingProduct(k, SIMD16(repeating: x0[at])); a1 = a1.addingProduct(k, SIMD16(repeating: x1[at]))
                    a2 = a2.addingProduct(k, SIMD16(repeating: x2[at])); a3 = a3.addingProduct(k, SIMD16(repeating: x3[at]))
                    a4 = a4.addingProduct(k, SIMD16(repeating: x4[at])); a5 = a5.addingProduct(k, SIMD16(repeating: x5[at]))
                    a6 = a6.addingProduct(k, SIMD16(repeating: x6[at])); a7 = a7.addingProduct(k, SIMD16(repeating: x7[at]))
                    a8 = a8.addingProduct(k, SIMD16(repeating: x8[at])); a9 = a9.addingProduct(k, SIMD16(repeating: x9[at]))
                    a10 = a10.addingProduct(k, SIMD16(repeating: x10[at])); a11 = a11.addingProduct(k, SIMD16(repeating: x11[at]))
                    ws += 16
                }
                row &+= pitch
                wr += kernelW &* 16
            }
            plane &+= planeStride
            wi += kernelH &* kernelW &* 16
        }
        store(a0, tile); store(a1, tile + 16); store(a2, tile + 32); store(a3, tile + 48)
        store(a4, tile + 64); store(a5, tile + 80); store(a6, tile + 96); store(a7, tile + 112)
        store(a8, tile + 128); store(a9, tile + 144); store(a10, tile + 160); store(a11, tile + 176)
    }

    /// `dw[((o/16)·taps + t)·16 + o%16] += Σ_p g[(o/16)·gBlockStride + p·16 + o%16] · x[inBase[p] + tapOffsets[t]]`,
    /// with the arguments of `ChannelVectorConvolution.weightGradient`.
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
                let f6 = tapOffsets[min(t &+ 6, last)], f7 = tapOffsets[min(t &+ 7, last)], f8 = tapOffsets[min(t &+ 8, last)]
                let f9 = tapOffsets[min(t &+ 9, last)], f10 = tapOffsets[min(t &+ 10, last)], f11 = tapOffsets[min(t &+ 11, last)]
                var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
                var a4 = SIMD16<Float>(), a5 = SIMD16<Float>(), a6 = SIMD16<Float>(), a7 = SIMD16<Float>()
                var a8 = SIMD16<Float>(), a9 = SIMD16<Float>(), a10 = SIMD16<Float>(), a11 = SIMD16<Float>()
                var gp = gb
                for p in 0..<pixels {
                    let base = x + inBase[p]
                    let k = load(gp)
                    a0 = a0.addingProduct(k, SIMD16(repeating: base[f0])); a1 = a1.addingProduct(k, SIMD16(repeating: base[f1]))
                    a2 = a2.addingProduct(k, SIMD16(repeating: base[f2])); a3 = a3.addingProduct(k, SIMD16(repeating: base[f3]))
                    a4 = a4.addingProduct(k, SIMD16(repeating: base[f4])); a5 = a5.addingProduct(k, SIMD16(repeating: base[f5]))
                    a6 = a6.addingProduct(k, SIMD16(repeating: base[f6])); a7 = a7.addingProduct(k, SIMD16(repeating: base[f7]))
                    a8 = a8.addingProduct(k, SIMD16(repeating: base[f8])); a9 = a9.addingProduct(k, SIMD16(repeating: base[f9]))
                    a10 = a10.addingProduct(k, SIMD16(repeating: base[f10])); a11 = a11.addingProduct(k, SIMD16(repeating: base[f11]))
                    gp += 16
                }
                let d = dw + (b &* taps &+ t) &* 16
                add(d, a0)
                if count > 1 { add(d + 16, a1) }
                if count > 2 { add(d + 32, a2) }
                if count > 3 { add(d + 48, a3) }
                if count > 4 { add(d + 64, a4) }
                if count > 5 { add(d + 80, a5) }
                if count > 6 { add(d + 96, a6) }
                if count > 7 { add(d + 112, a7) }
                if count > 8 { add(d + 128, a8) }
                if count > 9 { add(d + 144, a9) }
                if count > 10 { add(d + 160, a10) }
                if count > 11 { add(d + 176, a11) }
                t &+= count
            }
        }
    }

    @inline(__always)
    static func add(_ d: UnsafeMutablePointer<Float>, _ a: SIMD16<Float>) {
        store(load(d) + a, d)
    }
}
