/// Direct 2-d convolution kernels for stride 1, compiled for AVX2 + FMA (this module is built
/// with `-mavx2 -mfma`, which the Swift compiler applies to its own code generation). Call
/// them only when the CPU has both; Engine's ``Conv2d`` checks before dispatching here.
///
/// **Layout ("flat padded planes").** An input channel is stored zero-padded as a plane of
/// `rows × pitch` floats (pitch = padded width), followed by enough zeros that every vector
/// load below stays inside the buffer. The output of a stride-1 convolution with an R×S kernel
/// is then computed at the *flat* positions `p = oh·pitch + ow`, `0 ≤ p < length`:
///
///     y[o][p] = b[o] + Σ_{i,r,s} w[i][r][s][o] · x[i][p + r·pitch + s]
///
/// which is contiguous in `p`, so 16 outputs are two 8-float vectors whatever the image width;
/// the columns `ow ≥ Wo` of each row are garbage and the caller drops them. No im2col matrix
/// is built: each input value is loaded once per (kernel position, block of 4 outputs) from L1.
public enum DirectConvolution {
    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }
    @inline(__always) static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }

    /// Floats of the blocked weight layout for `outputs` outputs, `inputs` inputs and `taps`
    /// kernel positions: outputs are padded to a multiple of 4.
    public static func blockedWeightCount(outputs: Int, inputs: Int, taps: Int) -> Int {
        (outputs + 3) / 4 * inputs * taps * 4
    }

    /// `y[o][p]` for `o < outputs`, `p < length` (a multiple of 24), as above.
    /// - `x`: `inputs` planes, plane `i` at `x + i·planeStride`; every address
    ///   `x[i][p + r·pitch + s + 23]` with `p < length` must be readable.
    /// - `w`: weights in blocks of 4 outputs, `w[((o/4)·inputs·taps + i·taps + r·S + s)·4 + o%4]`
    ///   (zero for padding outputs), so that a block's weights are read sequentially.
    /// - `y`: `outputs` planes of `length` floats, plane `o` at `y + o·length`.
    /// - `bias`: `outputs` values (zeros for none).
    public static func forward(x: UnsafePointer<Float>, inputs: Int, planeStride: Int, pitch: Int,
                               w: UnsafePointer<Float>, outputs: Int, kernelH: Int, kernelW: Int,
                               y: UnsafeMutablePointer<Float>, length: Int, bias: UnsafePointer<Float>) {
        let taps = kernelH * kernelW
        let blockStride = inputs * taps * 4
        var o = 0
        while o + 4 <= outputs {
            block4(x: x, inputs: inputs, planeStride: planeStride, pitch: pitch, w: w + (o / 4) * blockStride,
                   kernelH: kernelH, kernelW: kernelW, y: y + o * length, length: length, bias: bias + o)
            o += 4
        }
        while o < outputs {
            block1(x: x, inputs: inputs, planeStride: planeStride, pitch: pitch, w: w + (o / 4) * blockStride + o % 4,
                   kernelH: kernelH, kernelW: kernelW, y: y + o * length, length: length, bias: bias[o])
            o += 1
        }
    }

    /// Four outputs × 24 positions per step: 12 accumulators fed by 3 input loads and 4 weight
    /// broadcasts per 12 FMAs.
    @inline(__always)
    static func block4(x: UnsafePointer<Float>, inputs: Int, planeStride: Int, pitch: Int, w: UnsafePointer<Float>,
                       kernelH: Int, kernelW: Int, y: UnsafeMutablePointer<Float>, length: Int, bias: UnsafePointer<Float>) {
        let b0 = SIMD8<Float>(repeating: bias[0]), b1 = SIMD8<Float>(repeating: bias[1])
        let b2 = SIMD8<Float>(repeating: bias[2]), b3 = SIMD8<Float>(repeating: bias[3])
        var p = 0
        while p < length {
            var a0 = b0, a1 = b0, a2 = b0, c0 = b1, c1 = b1, c2 = b1
            var d0 = b2, d1 = b2, d2 = b2, e0 = b3, e1 = b3, e2 = b3
            var ws = w
            for i in 0..<inputs {
                let plane = x + (i &* planeStride &+ p)
                for r in 0..<kernelH {
                    let row = plane + (r &* pitch)
                    for s in 0..<kernelW {
                        let v0 = load(row + s), v1 = load(row + s + 8), v2 = load(row + s + 16)
                        let k0 = SIMD8<Float>(repeating: ws[0]), k1 = SIMD8<Float>(repeating: ws[1])
                        a0 = a0.addingProduct(v0, k0); a1 = a1.addingProduct(v1, k0); a2 = a2.addingProduct(v2, k0)
                        c0 = c0.addingProduct(v0, k1); c1 = c1.addingProduct(v1, k1); c2 = c2.addingProduct(v2, k1)
                        let k2 = SIMD8<Float>(repeating: ws[2]), k3 = SIMD8<Float>(repeating: ws[3])
                        d0 = d0.addingProduct(v0, k2); d1 = d1.addingProduct(v1, k2); d2 = d2.addingProduct(v2, k2)
                        e0 = e0.addingProduct(v0, k3); e1 = e1.addingProduct(v1, k3); e2 = e2.addingProduct(v2, k3)
                        ws += 4
                    }
                }
            }
            let out = y + p
            store(a0, out); store(a1, out + 8); store(a2, out + 16)
            store(c0, out + length); store(c1, out + length + 8); store(c2, out + length + 16)
            store(d0, out + 2 * length); store(d1, out + 2 * length + 8); store(d2, out + 2 * length + 16)
            store(e0, out + 3 * length); store(e1, out + 3 * length + 8); store(e2, out + 3 * length + 16)
            p += 24
        }
    }

    /// One output × 24 positions per step (the last outputs when there are not 4 left); its
    /// weights are every 4th float of the block.
    @inline(__always)
    static func block1(x: UnsafePointer<Float>, inputs: Int, planeStride: Int, pitch: Int, w: UnsafePointer<Float>,
                       kernelH: Int, kernelW: Int, y: UnsafeMutablePointer<Float>, length: Int, bias: Float) {
        let b = SIMD8<Float>(repeating: bias)
        var p = 0
        while p < length {
            var a0 = b, a1 = b, a2 = b
            var ws = w
            for i in 0..<inputs {
                let plane = x + (i &* planeStride &+ p)
                for r in 0..<kernelH {
                    let row = plane + (r &* pitch)
                    for s in 0..<kernelW {
                        let k = SIMD8<Float>(repeating: ws[0])
                        a0 = a0.addingProduct(load(row + s), k)
                        a1 = a1.addingProduct(load(row + s + 8), k)
                        a2 = a2.addingProduct(load(row + s + 16), k)
                        ws += 4
                    }
                }
            }
            store(a0, y + p); store(a1, y + p + 8); store(a2, y + p + 16)
            p += 24
        }
    }

    /// Adds the weight gradient of an R×S convolution over `samples` samples:
    /// `dw[o][i][r][s] += Σ_n Σ_p g[n][o][p] · x[n][i][p + r·pitch + s]`.
    /// - `g`: output gradients on the flat grid (`length` floats per plane, a multiple of 8,
    ///   zero at the garbage positions), plane (n, o) at `g + (n·outputs + o)·length`.
    /// - `x`: padded inputs, plane (n, i) at `x + (n·inputs + i)·planeStride`; reads reach
    ///   `p + (R−1)·pitch + 3·⌈S/3⌉ + 6` for `p < length`.
    /// - `dw`: `outputs × inputs × R × S` (PyTorch's weight layout).
    ///
    /// Samples are taken in groups (one sample for large planes, so that its gradient and input
    /// planes stay in L2; several for small planes, so that the horizontal sums are few): per
    /// group, blocks of 4 outputs × 3 taps of one kernel row make 12 accumulators fed by 4
    /// gradient and 3 input loads per 12 FMAs, summed into `dw` after each pass.
    public static func weightGradient(x: UnsafePointer<Float>, inputs: Int, planeStride: Int, pitch: Int,
                                      g: UnsafePointer<Float>, outputs: Int, length: Int, samples: Int,
                                      kernelH: Int, kernelW: Int, dw: UnsafeMutablePointer<Float>) {
        let taps = kernelH * kernelW
        let group = max(1, min(samples, 1024 / max(length, 1)))
        var n0 = 0
        while n0 < samples {
            let n1 = min(samples, n0 + group)
            var o = 0
            while o < outputs {
                let block = min(4, outputs - o)
                for i in 0..<inputs {
                    for r in 0..<kernelH {
                        var s0 = 0
                        while s0 < kernelW {
                            var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>()
                            var b0 = SIMD8<Float>(), b1 = SIMD8<Float>(), b2 = SIMD8<Float>()
                            var c0 = SIMD8<Float>(), c1 = SIMD8<Float>(), c2 = SIMD8<Float>()
                            var d0 = SIMD8<Float>(), d1 = SIMD8<Float>(), d2 = SIMD8<Float>()
                            for n in n0..<n1 {
                                let xPlane: Int = (n * inputs + i) * planeStride
                                let xr: UnsafePointer<Float> = x + xPlane + r * pitch + s0
                                let gPlane: Int = (n * outputs + o) * length
                                let g0: UnsafePointer<Float> = g + gPlane
                                // Missing outputs of a short block repeat the first; their sums are dropped.
                                let g1: UnsafePointer<Float> = block > 1 ? g0 + length : g0
                                let g2: UnsafePointer<Float> = block > 2 ? g0 + 2 * length : g0
                                let g3: UnsafePointer<Float> = block > 3 ? g0 + 3 * length : g0
                                var p = 0
                                while p < length {
                                    let x0 = load(xr + p), x1 = load(xr + p + 1), x2 = load(xr + p + 2)
                                    let v0 = load(g0 + p), v1 = load(g1 + p), v2 = load(g2 + p), v3 = load(g3 + p)
                                    a0 = a0.addingProduct(v0, x0); a1 = a1.addingProduct(v0, x1); a2 = a2.addingProduct(v0, x2)
                                    b0 = b0.addingProduct(v1, x0); b1 = b1.addingProduct(v1, x1); b2 = b2.addingProduct(v1, x2)
                                    c0 = c0.addingProduct(v2, x0); c1 = c1.addingProduct(v2, x1); c2 = c2.addingProduct(v2, x2)
                                    d0 = d0.addingProduct(v3, x0); d1 = d1.addingProduct(v3, x1); d2 = d2.addingProduct(v3, x2)
                                    p += 8
                                }
                            }
                            // Taps s0, s0+1, s0+2 of row r (those beyond the kernel are dropped).
                            let width = min(3, kernelW - s0)
                            let d = dw + (o * inputs + i) * taps + r * kernelW + s0, step = inputs * taps
                            add3(d, a0, a1, a2, width)
                            if block > 1 { add3(d + step, b0, b1, b2, width) }
                            if block > 2 { add3(d + 2 * step, c0, c1, c2, width) }
                            if block > 3 { add3(d + 3 * step, d0, d1, d2, width) }
                            s0 += 3
                        }
                    }
                }
                o += block
            }
            n0 = n1
        }
    }

    @inline(__always)
    static func add3(_ d: UnsafeMutablePointer<Float>, _ a: SIMD8<Float>, _ b: SIMD8<Float>, _ c: SIMD8<Float>, _ width: Int) {
        d[0] += a.sum()
        if width > 1 { d[1] += b.sum() }
        if width > 2 { d[2] += c.sum() }
    }
}
