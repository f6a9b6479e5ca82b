import ConvKernelsAVX2

/// The direct (no im2col) path of ``Conv2d`` for 3×3 kernels with stride 1 and padding ≤ 2,
/// on CPUs with AVX2 and FMA: the layer shapes of ResNet and VGG, where im2col would copy
/// every input value nine times and leave sgemm starved on thin layers.
///
/// Each worker pads its samples into the flat-plane layout of ``DirectConvolution`` and runs
/// the kernels there:
/// - forward: `y = conv(x̃, W)` on the flat grid, then the valid columns are copied out;
/// - input gradient: a forward convolution of the zero-padded output gradient with the
///   flipped, transposed weights `W'[k][r][s][c] = W[k][c][2−r][2−s]` (padding 2 − pad);
/// - weight gradient: `∂W[k][c][r][s] += Σ_n Σ_p ∂y[n][k][p] · x̃[n][c][p + r·pitch + s]`.
/// `PRUNELAB_CONV=im2col` in the environment turns the path off (for comparisons).
enum DirectConv3x3 {
    /// Whether this machine and the environment allow the direct path.
    static let isAvailable: Bool = {
        if let v = getenv("PRUNELAB_CONV"), String(cString: v) == "im2col" { return false }
        return CPUFeatures.hasAVX2 && CPUFeatures.hasFMA
    }()

    /// Smallest images (pixels) for the direct forward and backward passes: on smaller ones the
    /// flat layout wastes too many lanes and sgemm's fatter matrices win (measured on ResNet's
    /// 8×8 and 4×4 stages). `PRUNELAB_DIRECT_MIN_PIXELS` overrides both (for tuning).
    static let minimumPixels: (forward: Int, backward: Int) = {
        if let v = getenv("PRUNELAB_DIRECT_MIN_PIXELS"), let n = Int(String(cString: v)) { return (n, n) }
        return (16, 256)
    }()

    /// Whether `layer` takes the direct path for `height × width` inputs: 3×3, stride 1,
    /// padding ≤ 2, images of at least ``minimumPixels``.
    static func applies(to layer: Conv2d, height: Int = 16, width: Int = 16, backward: Bool = false) -> Bool {
        isAvailable && layer.allowsDirectAlgorithm && layer.kernel == (3, 3) && layer.stride == (1, 1)
            && layer.padding.0 <= 2 && layer.padding.1 <= 2
            && height * width >= (backward ? minimumPixels.backward : minimumPixels.forward)
    }

    /// The padded flat layout of one sample's planes.
    struct Layout {
        /// Padded width (row pitch) and rows.
        let pitch: Int, rows: Int
        /// Output positions computed per plane (a multiple of 24 covering `outRows × pitch`).
        let length: Int
        /// Floats per padded plane (room for every kernel load).
        let planeStride: Int
        /// Padding on the top/left.
        let padTop: Int, padLeft: Int

        init(height: Int, width: Int, padH: Int, padW: Int, outRows: Int) {
            pitch = width + 2 * padW
            rows = height + 2 * padH
            length = (outRows * pitch + 23) / 24 * 24
            planeStride = max(rows * pitch, length + 2 * pitch + 2) + 24
            padTop = padH
            padLeft = padW
        }

        /// Writes `planes` planes of `height × width` (contiguous) into `out`, zero-padded.
        func pad(_ src: UnsafePointer<Float>, planes: Int, height: Int, width: Int, into out: UnsafeMutablePointer<Float>) {
            for c in 0..<planes {
                let dst = out + c * planeStride
                dst.update(repeating: 0, count: planeStride)
                let from = src + c * height * width
                for h in 0..<height {
                    (dst + (h + padTop) * pitch + padLeft).update(from: from + h * width, count: width)
                }
            }
        }

        /// Copies the valid `outRows × outCols` of `planes` flat planes (stride `length`) out.
        func unpad(_ flat: UnsafePointer<Float>, planes: Int, outRows: Int, outCols: Int, into out: UnsafeMutablePointer<Float>) {
            for c in 0..<planes {
                let src = flat + c * length, dst = out + c * outRows * outCols
                for h in 0..<outRows { (dst + h * outCols).update(from: src + h * pitch, count: outCols) }
            }
        }
    }

    /// Writes PyTorch-layout weights `w` (`outputs × inputs × 3 × 3`) in the blocked layout of
    /// ``DirectConvolution/forward``; `flipped` gives the input-gradient weights instead
    /// (outputs and inputs swapped, kernel rotated by 180°).
    static func blockWeights(_ w: UnsafePointer<Float>, outputs k: Int, inputs c: Int, flipped: Bool, into out: UnsafeMutablePointer<Float>) {
        let (outs, ins) = flipped ? (c, k) : (k, c)
        out.update(repeating: 0, count: DirectConvolution.blockedWeightCount(outputs: outs, inputs: ins, taps: 9))
        for o in 0..<outs {
            let block = out + (o / 4) * ins * 9 * 4 + o % 4
            for i in 0..<ins {
                let src = flipped ? w + (i * c + o) * 9 : w + (o * c + i) * 9
                for t in 0..<9 { block[(i * 9 + t) * 4] = src[flipped ? 8 - t : t] }
            }
        }
    }

    /// `y` (N×K×Ho×Wo) = conv(`x`, weights) + bias.
    static func forward(_ layer: Conv2d, x: UnsafePointer<Float>, n: Int, height: Int, width: Int,
                        y: UnsafeMutablePointer<Float>) throws {
        let c = layer.inChannels, k = layer.outChannels
        let (ph, pw) = layer.padding
        let ho = height + 2 * ph - 2, wo = width + 2 * pw - 2
        let layout = Layout(height: height, width: width, padH: ph, padW: pw, outRows: ho)
        let w = layer.weight.value.mutablePointer(as: Float.self)
        let workers = min(BLASWorkers.count, max(n, 1))
        try Workspace.withBuffers(DirectConvolution.blockedWeightCount(outputs: k, inputs: c, taps: 9), k) { wt, bias in
            DirectConv3x3.blockWeights(w, outputs: k, inputs: c, flipped: false, into: wt)
            if let b = layer.bias { bias.update(from: b.value.mutablePointer(as: Float.self), count: k) } else { bias.update(repeating: 0, count: k) }
            try BLASWorkers.run(workers) { worker in
                let mine = BLASWorkers.share(n, worker, workers)
                if mine.isEmpty { return }
                try Workspace.withBuffers(c * layout.planeStride, k * layout.length) { padded, flat in
                    for j in mine {
                        layout.pad(x + j * c * height * width, planes: c, height: height, width: width, into: padded)
                        DirectConvolution.forward(x: padded, inputs: c, planeStride: layout.planeStride, pitch: layout.pitch,
                                                  w: wt, outputs: k, kernelH: 3, kernelW: 3, y: flat, length: layout.length, bias: bias)
                        layout.unpad(flat, planes: k, outRows: ho, outCols: wo, into: y + j * k * ho * wo)
                    }
                }
            }
        }
    }

    /// Accumulates ∂W (and ∂b is done by the caller) and, when `dx` is given, writes ∂x.
    static func backward(_ layer: Conv2d, x: UnsafePointer<Float>, dy: UnsafePointer<Float>, n: Int, height: Int, width: Int,
                         dx: UnsafeMutablePointer<Float>?) throws {
        let c = layer.inChannels, k = layer.outChannels
        let (ph, pw) = layer.padding
        let ho = height + 2 * ph - 2, wo = width + 2 * pw - 2
        let inLayout = Layout(height: height, width: width, padH: ph, padW: pw, outRows: ho)
        // ∂x = conv(∂y padded by 2 − pad, W'): its "input" is ∂y (ho × wo), its output x's size.
        let gradLayout = Layout(height: ho, width: wo, padH: 2 - ph, padW: 2 - pw, outRows: height)
        let w = layer.weight.value.mutablePointer(as: Float.self)
        let dw = layer.weight.gradient.mutablePointer(as: Float.self)
        let workers = min(BLASWorkers.count, max(n, 1))
        let size = k * c * 9
        let perSample = c * inLayout.planeStride + k * inLayout.length
        let chunk = max(1, min(n, Conv2d.chunkBudget / max(perSample, 1)))
        try Workspace.withBuffers(DirectConvolution.blockedWeightCount(outputs: c, inputs: k, taps: 9), max(workers - 1, 1) * size, c) { wflip, partials, zeros in
            zeros.update(repeating: 0, count: c)
            // W'[c][k][r][s] = W[k][c][2−r][2−s]: the input gradient's "outputs" are x's channels.
            if dx != nil { DirectConv3x3.blockWeights(w, outputs: k, inputs: c, flipped: true, into: wflip) }
            try BLASWorkers.run(workers) { worker in
                let mine = BLASWorkers.share(n, worker, workers)
                let part = worker == 0 ? dw : partials + (worker - 1) * size
                if worker > 0 { part.update(repeating: 0, count: size) }
                if mine.isEmpty { return }
                let samples = min(chunk, mine.count)
                try Workspace.withBuffers(samples * c * inLayout.planeStride, samples * k * inLayout.length) { padded, flatGrad in
                    var first = mine.lowerBound
                    while first < mine.upperBound {
                        let count = min(samples, mine.upperBound - first)
                        for j in 0..<count {
                            inLayout.pad(x + (first + j) * c * height * width, planes: c, height: height, width: width,
                                         into: padded + j * c * inLayout.planeStride)
                            // ∂y on the flat grid of the forward pass, zero in the garbage columns.
                            let g = flatGrad + j * k * inLayout.length
                            g.update(repeating: 0, count: k * inLayout.length)
                            let src = dy + (first + j) * k * ho * wo
                            for o in 0..<k {
                                for h in 0..<ho { (g + o * inLayout.length + h * inLayout.pitch).update(from: src + (o * ho + h) * wo, count: wo) }
                            }
                        }
                        DirectConvolution.weightGradient3x3(x: padded, inputs: c, planeStride: inLayout.planeStride, pitch: inLayout.pitch,
                                                            g: flatGrad, outputs: k, length: inLayout.length, samples: count,
                                                            dw: part, outputRange: 0..<k)
                        first += count
                    }
                }
                guard let dx else { return }
                try Workspace.withBuffers(k * gradLayout.planeStride, c * gradLayout.length) { padded, flat in
                    for j in mine {
                        gradLayout.pad(dy + j * k * ho * wo, planes: k, height: ho, width: wo, into: padded)
                        DirectConvolution.forward(x: padded, inputs: k, planeStride: gradLayout.planeStride, pitch: gradLayout.pitch,
                                                  w: wflip, outputs: c, kernelH: 3, kernelW: 3, y: flat, length: gradLayout.length, bias: zeros)
                        gradLayout.unpad(flat, planes: c, outRows: height, outCols: width, into: dx + j * c * height * width)
                    }
                }
            }
            for worker in 1..<max(workers, 1) {
                let part = partials + (worker - 1) * size
                ParallelLoops.forRanges(size) { range in
                    VectorOps.add(dw + range.lowerBound, part + range.lowerBound, dw + range.lowerBound, range.count)
                }
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
