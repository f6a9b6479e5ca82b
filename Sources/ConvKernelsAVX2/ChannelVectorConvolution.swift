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
/// grouped into calls.
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
    public static func forward(x: UnsafePointer<Float>, inputs: Int, planeStride: Int, pitch: Int,
                               inBase: UnsafePointer<Int>, outBase: UnsafePointer<Int>, pixels: Int,
                               w: UnsafePointer<Float>, outputs: Int, kernelH: Int, kernelW: Int,
                               y: UnsafeMutablePointer<Float>, outStride: Int, bias: UnsafePointer<Float>) {
        if pixels <= 0 || outputs <= 0 { return }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: tilePixels * channelBlock) { scratch in
            guard let tile = scratch.baseAddress else { return }
            if kernelH == 3 && kernelW == 3 {
                run(x: x, inputs: inputs, planeStride: planeStride, pitch: pitch, inBase: inBase, outBase: outBase, pixels: pixels,
                    w: w, outputs: outputs, kernelH: 3, kernelW: 3, y: y, outStride: outStride, bias: bias, tile: tile)
            } else if kernelH == 1 && kernelW == 1 {
                run(x: x, inputs: inputs, planeStride: planeStride, pitch: pitch, inBase: inBase, outBase: outBase, pixels: pixels,
                    w: w, outputs: outputs, kernelH: 1, kernelW: 1, y: y, outStride: outStride, bias: bias, tile: tile)
            } else {
                run(x: x, inputs: inputs, planeStride: planeStride, pitch: pitch, inBase: inBase, outBase: outBase, pixels: pixels,
                    w: w, outputs: outputs, kernelH: kernelH, kernelW: kernelW, y: y, outStride: outStride, bias: bias, tile: tile)
            }
        }
    }

    /// Tiles of 6 pixels, each against every block of 16 outputs (so a tile's inputs stay in
    /// L1 while the weights stream from L2). A short last tile repeats its last pixel; the
    /// repeats are computed and dropped.
    @inline(__always)
    static func run(x: UnsafePointer<Float>, inputs: Int, planeStride: Int, pitch: Int,
                    inBase: UnsafePointer<Int>, outBase: UnsafePointer<Int>, pixels: Int,
                    w: UnsafePointer<Float>, outputs: Int, kernelH: Int, kernelW: Int,
                    y: UnsafeMutablePointer<Float>, outStride: Int, bias: UnsafePointer<Float>,
                    tile: UnsafeMutablePointer<Float>) {
        let blockStride = inputs &* kernelH &* kernelW &* 16
        var p = 0
        while p < pixels {
            let count = min(tilePixels, pixels &- p)
            let last = p &+ count &- 1
            let x0 = x + inBase[p]
            let x1 = x + inBase[min(p &+ 1, last)], x2 = x + inBase[min(p &+ 2, last)]
            let x3 = x + inBase[min(p &+ 3, last)], x4 = x + inBase[min(p &+ 4, last)]
            let x5 = x + inBase[min(p &+ 5, last)]
            var o = 0
            while o < outputs {
                block(x0, x1, x2, x3, x4, x5, inputs: inputs, planeStride: planeStride, pitch: pitch,
                      w: w + (o / 16) &* blockStride, kernelH: kernelH, kernelW: kernelW, bias: bias + o, tile: tile)
                // Scatter the 16 × count results into their planes (only the real outputs).
                let valid = min(16, outputs &- o)
                for q in 0..<count {
                    let dst = y + (outBase[p &+ q] &+ o &* outStride)
                    let src = tile + q &* 16
                    for c in 0..<valid { dst[c &* outStride] = src[c] }
                }
                o &+= 16
            }
            p &+= count
        }
    }

    /// One tile: 6 pixels × 16 outputs, written to `tile` as 6 rows of 16.
    @inline(__always)
    static func block(_ x0: UnsafePointer<Float>, _ x1: UnsafePointer<Float>, _ x2: UnsafePointer<Float>,
                      _ x3: UnsafePointer<Float>, _ x4: UnsafePointer<Float>, _ x5: UnsafePointer<Float>,
                      inputs: Int, planeStride: Int, pitch: Int, w: UnsafePointer<Float>, kernelH: Int, kernelW: Int,
                      bias: UnsafePointer<Float>, tile: UnsafeMutablePointer<Float>) {
        let b0 = load(bias), b1 = load(bias + 8)
        var a0 = b0, c0 = b1, a1 = b0, c1 = b1, a2 = b0, c2 = b1
        var a3 = b0, c3 = b1, a4 = b0, c4 = b1, a5 = b0, c5 = b1
        var ws = w
        var plane = 0
        for _ in 0..<inputs {
            var row = plane
            for _ in 0..<kernelH {
                for s in 0..<kernelW {
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
            }
            plane &+= planeStride
        }
        store(a0, tile); store(c0, tile + 8)
        store(a1, tile + 16); store(c1, tile + 24)
        store(a2, tile + 32); store(c2, tile + 40)
        store(a3, tile + 48); store(c3, tile + 56)
        store(a4, tile + 64); store(c4, tile + 72)
        store(a5, tile + 80); store(c5, tile + 88)
    }
}
