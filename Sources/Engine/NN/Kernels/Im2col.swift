/// The geometry of a 2-d convolution or pooling window over `channels × height × width`
/// inputs: output size `⌊(H + 2·pad − kernel) / stride⌋ + 1` in each direction.
struct WindowGeometry: Equatable {
    let channels: Int, height: Int, width: Int
    let kernelH: Int, kernelW: Int
    let strideH: Int, strideW: Int
    let padH: Int, padW: Int

    var outHeight: Int { (height + 2 * padH - kernelH) / strideH + 1 }
    var outWidth: Int { (width + 2 * padW - kernelW) / strideW + 1 }
    /// Pixels per output plane.
    var outPlane: Int { outHeight * outWidth }
    /// Pixels per input plane.
    var inPlane: Int { height * width }
    /// Rows of the im2col matrix: C·kH·kW.
    var patchSize: Int { channels * kernelH * kernelW }
    /// Whether at least one output pixel exists.
    var isValid: Bool { height + 2 * padH >= kernelH && width + 2 * padW >= kernelW }

    /// For kernel column offset `s`: the output columns `ow` whose input column
    /// `ow·stride − pad + s` lies inside the image.
    @inline(__always)
    func validColumns(_ s: Int) -> Range<Int> {
        // iw = ow*strideW - padW + s in [0, width)
        let lo = max(0, ceilDiv(padW - s, strideW))
        let hi = min(outWidth, ceilDiv(width + padW - s, strideW))
        return lo..<max(lo, hi)
    }

    /// Calls `body(output, rows, columns)` for every output pixel of one plane, in row-major
    /// order: `output` is its index in the output plane, `rows` and `columns` the input rows
    /// and columns its window covers, clipped to the image (padding contributes nothing).
    @inline(__always)
    func forEachWindow(_ body: (_ output: Int, _ rows: Range<Int>, _ columns: Range<Int>) -> Void) {
        for oh in 0..<outHeight {
            let h0 = oh * strideH - padH
            let rows = max(0, h0)..<min(height, h0 + kernelH)
            for ow in 0..<outWidth {
                let w0 = ow * strideW - padW
                body(oh * outWidth + ow, rows, max(0, w0)..<min(width, w0 + kernelW))
            }
        }
    }

    @inline(__always)
    private func ceilDiv(_ a: Int, _ b: Int) -> Int {
        a >= 0 ? (a + b - 1) / b : -((-a) / b)
    }
}

/// im2col and col2im (serial: callers split the batch between workers) over a chunk of a batch, with the batch folded into the columns so one
/// sgemm covers many samples: the matrix has `C·kH·kW` rows and `count·Ho·Wo` columns;
/// entry `[(c·kH + r)·kW + s, (j·Ho + oh)·Wo + ow]` is `x[first + j, c, oh·sh − ph + r, ow·sw − pw + s]`
/// (zero outside the image).
enum Im2col {
    /// Fills `columns` from samples `first..<first+count` of the contiguous NCHW batch `input`.
    static func expand(_ input: UnsafePointer<Float>, _ g: WindowGeometry, first: Int, count: Int,
                       into columns: UnsafeMutablePointer<Float>) {
        let rowLength = count * g.outPlane
        let sampleStride = g.channels * g.inPlane
        for row in 0..<g.patchSize {
            let s = row % g.kernelW
            let r = (row / g.kernelW) % g.kernelH
            let c = row / (g.kernelW * g.kernelH)
            let valid = g.validColumns(s)
            var dst = columns + row * rowLength
            for j in 0..<count {
                let plane = input + (first + j) * sampleStride + c * g.inPlane
                for oh in 0..<g.outHeight {
                    let ih = oh * g.strideH - g.padH + r
                    if ih < 0 || ih >= g.height || valid.isEmpty {
                        dst.update(repeating: 0, count: g.outWidth)
                    } else {
                        if valid.lowerBound > 0 { dst.update(repeating: 0, count: valid.lowerBound) }
                        let src = plane + ih * g.width - g.padW + s
                        if g.strideW == 1 {
                            // Short rows: an inline loop beats a memcpy call.
                            for ow in valid { dst[ow] = src[ow] }
                        } else {
                            for ow in valid { dst[ow] = src[ow * g.strideW] }
                        }
                        if valid.upperBound < g.outWidth { (dst + valid.upperBound).update(repeating: 0, count: g.outWidth - valid.upperBound) }
                    }
                    dst += g.outWidth
                }
            }
        }
    }

    /// Adds the column matrix back onto samples `first..<first+count` of the NCHW gradient
    /// `gradInput` (the adjoint of ``expand``). The chunk's input planes must be zeroed first.
    static func accumulate(_ columns: UnsafePointer<Float>, _ g: WindowGeometry, first: Int, count: Int,
                           into gradInput: UnsafeMutablePointer<Float>) {
        let rowLength = count * g.outPlane
        let sampleStride = g.channels * g.inPlane
        for c in 0..<g.channels {
            for r in 0..<g.kernelH {
                for s in 0..<g.kernelW {
                    let row = (c * g.kernelH + r) * g.kernelW + s
                    let valid = g.validColumns(s)
                    if valid.isEmpty { continue }
                    var src = columns + row * rowLength
                    for j in 0..<count {
                        let plane = gradInput + (first + j) * sampleStride + c * g.inPlane
                        for oh in 0..<g.outHeight {
                            let ih = oh * g.strideH - g.padH + r
                            if ih >= 0 && ih < g.height {
                                let dst = plane + ih * g.width - g.padW + s
                                if g.strideW == 1 {
                                    for ow in valid { dst[ow] += src[ow] }
                                } else {
                                    for ow in valid { dst[ow * g.strideW] += src[ow] }
                                }
                            }
                            src += g.outWidth
                        }
                    }
                }
            }
        }
    }
}
