import ConvKernelsAVX2
import ConvKernelsAVX512

/// The output-channel-vectorised direct path of ``Conv2d`` (``ChannelVectorConvolution``):
/// forward passes (any stride) and stride-1 input gradients on small planes, where the flat
/// kernel of ``DirectConvolution`` wastes lanes on padding columns and im2col's matrices are
/// thin.
///
/// Each worker pads a group of its samples into one buffer (planes of `rows × pitch`, no
/// slack) and runs the kernel over one pixel table spanning the group, so that 4×4 planes
/// still fill tiles of 6 pixels. Per-pixel sums do not depend on the grouping, hence not on
/// the worker split either.
///
/// Route ``ConvRoute/channels``. `PRUNELAB_CONV=flat` keeps it off (the flat kernel and im2col
/// only, as before it existed); `PRUNELAB_CONV=channels` runs it wherever it can (for
/// comparisons); `PRUNELAB_NO_TAPSKIP=1` makes it compute padding taps too.
enum ChannelConv2d: ConvRouteImplementation {
    /// Kernels up to 7×7 with padding below their size (any stride forward and for ∂W; the
    /// input gradient at stride 1), AVX2 + FMA, not `PRUNELAB_CONV=im2col`.
    static func canRun(_ pass: ConvPass, _ query: ConvPlanQuery) -> Bool {
        let g = query.geometry
        if pass == .inputGradient && !g.isStrideOne { return false }
        return DirectConv2d.isAvailable(settings: query.settings, machine: query.machine)
            && DirectConv2d.fitsDirectKernels(g) && g.window.isValid
    }

    static func isMeasuredChoice(_ pass: ConvPass, _ query: ConvPlanQuery) -> Bool {
        switch query.settings.convolutionRoutes {
        case .flat: return false
        case .channels: return true
        case .measured, .im2col: break
        }
        let g = query.geometry
        switch pass {
        case .forward:
            // Measured (scripts/bench_train's models, batch 128; see `worthwhile`): faster than
            // the flat kernel from 16×16 planes down and on strided 3×3 layers, slower on large
            // planes only with few channels (3→16 at 32×32) and on 1×1 layers.
            if g.isStrideOne && g.window.outPlane > 256 { return false }
            return worthwhile(g, depth: g.inChannels * g.taps)
        case .inputGradient:
            return worthwhile(g, depth: g.outChannels * g.taps)
        case .weightGradient:
            // Measured: faster than im2col + sgemm and than the flat kernel on every layer of
            // scripts/bench_train's models (also the first, with 3 input channels) but 1×1 ones.
            return g.taps > 1
        }
    }

    /// Whether the channel kernel is worth its per-tile costs (a scatter of 96 results, the
    /// group's padding and copies): at least 72 multiply-adds per output (8 channels of a 3×3
    /// kernel) and a kernel larger than 1×1 (there im2col is a plain copy and sgemm wins).
    static func worthwhile(_ g: ConvGeometry, depth: Int) -> Bool {
        g.taps > 1 && depth >= 72
    }

    static func forward(_ layer: Conv2d, _ plan: ConvPlan, _ io: ConvForwardIO) throws {
        let g = plan.geometry
        try DirectConv2d.channelForward(layer, x: io.x, n: g.batch, height: g.height, width: g.width, y: io.y,
                                        scale: io.scale, shift: io.shift, adding: io.addend, rectified: io.rectified,
                                        skipTaps: plan.skipsPaddingTaps)
    }

    static func backward(_ layer: Conv2d, _ plan: ConvPlan, _ io: ConvBackwardIO) throws {
        let g = plan.geometry
        if let dx = io.dx {
            try DirectConv2d.channelInputGradient(layer, dy: io.dy, n: g.batch, height: g.height, width: g.width, dx: dx,
                                                  skipTaps: plan.skipsPaddingTaps)
        }
        if io.weightGradient {
            try DirectConv2d.channelWeightGradient(layer, x: io.x, dy: io.dy, n: g.batch, height: g.height, width: g.width)
        }
    }
}

/// The channel kernel's passes (``ChannelVectorConvolution``), next to the flat kernel's
/// layouts they share.
extension DirectConv2d {
    /// `y` (N×K×Ho×Wo) = conv(`x`, weights·scale) + shift, per output channel, on the channel
    /// kernel (plus `addend`, N×K×Ho×Wo, when given; through a ReLU when `rectified`).
    static func channelForward(_ layer: Conv2d, x: UnsafePointer<Float>, n: Int, height: Int, width: Int,
                               y: UnsafeMutablePointer<Float>, scale: [Float]?, shift: [Float],
                               adding addend: UnsafePointer<Float>? = nil, rectified: Bool = false, skipTaps: Bool) throws {
        let c = layer.inChannels, k = layer.outChannels
        let (kh, kw) = layer.kernel
        let g = layer.geometry(height: height, width: width)
        let padded = ChannelVectorConvolution.paddedOutputs(k)
        let w = layer.weight.value.mutablePointer(as: Float.self)
        try Workspace.withBuffers(ChannelVectorConvolution.blockedWeightCount(outputs: k, inputs: c, taps: kh * kw), padded) { wt, bias in
            blockWeights(w, outputs: k, inputs: c, taps: kh * kw, flipped: false, lanes: 16, scale: scale, into: wt)
            bias.update(repeating: 0, count: padded)
            shift.withUnsafeBufferPointer { if let base = $0.baseAddress { bias.update(from: base, count: min(k, $0.count)) } }
            try convolve(x: x, n: n, inputs: c, height: height, width: width, pad: layer.padding, stride: layer.stride,
                         kernel: layer.kernel, weights: wt, outputs: k, bias: bias, y: y, outHeight: g.outHeight, outWidth: g.outWidth,
                         adding: addend, rectified: rectified, skipTaps: skipTaps)
        }
    }

    /// `dx` (N×C×H×W) = the input gradient of a stride-1 `layer` for `dy` (N×K×Ho×Wo): the
    /// convolution of `dy` padded by R−1−pad with the flipped, transposed weights.
    static func channelInputGradient(_ layer: Conv2d, dy: UnsafePointer<Float>, n: Int, height: Int, width: Int,
                                     dx: UnsafeMutablePointer<Float>, skipTaps: Bool) throws {
        let c = layer.inChannels, k = layer.outChannels
        let (kh, kw) = layer.kernel, (ph, pw) = layer.padding
        let ho = height + 2 * ph - kh + 1, wo = width + 2 * pw - kw + 1
        let padded = ChannelVectorConvolution.paddedOutputs(c)
        let w = layer.weight.value.mutablePointer(as: Float.self)
        try Workspace.withBuffers(ChannelVectorConvolution.blockedWeightCount(outputs: c, inputs: k, taps: kh * kw), padded) { wt, zeros in
            blockWeights(w, outputs: k, inputs: c, taps: kh * kw, flipped: true, lanes: 16, into: wt)
            zeros.update(repeating: 0, count: padded)
            try convolve(x: dy, n: n, inputs: k, height: ho, width: wo, pad: (kh - 1 - ph, kw - 1 - pw), stride: (1, 1),
                         kernel: layer.kernel, weights: wt, outputs: c, bias: zeros, y: dx, outHeight: height, outWidth: width,
                         skipTaps: skipTaps)
        }
    }

    /// Adds the weight gradient of `layer` (any stride) for inputs `x` and output gradients
    /// `dy` to `layer.weight.gradient`: each worker sums its samples into its own blocked
    /// partial, and the partials are added in worker order (deterministic at a thread count).
    static func channelWeightGradient(_ layer: Conv2d, x: UnsafePointer<Float>, dy: UnsafePointer<Float>, n: Int,
                                      height: Int, width: Int) throws {
        let c = layer.inChannels, k = layer.outChannels
        let (kh, kw) = layer.kernel, stride = layer.stride
        let g = layer.geometry(height: height, width: width)
        let ho = g.outHeight, wo = g.outWidth, outPlane = ho * wo, inPlane = height * width
        let layout = Layout(height: height, width: width, padH: layer.padding.0, padW: layer.padding.1)
        let perSample = c * layout.planeStride
        let padded = ChannelVectorConvolution.paddedOutputs(k)
        let taps = c * kh * kw
        let blockedCount = padded * taps
        var offsets = [Int]()
        offsets.reserveCapacity(taps)
        for i in 0..<c { for r in 0..<kh { for s in 0..<kw { offsets.append(i * layout.planeStride + r * layout.pitch + s) } } }
        let workers = min(BLASWorkers.count, max(n, 1))
        let dw = layer.weight.gradient.mutablePointer(as: Float.self)
        try Workspace.withBuffer(count: workers * blockedCount) { partials in
            try BLASWorkers.run(workers) { worker in
                let part = partials + worker * blockedCount
                part.update(repeating: 0, count: blockedCount)
                let mine = BLASWorkers.share(n, worker, workers)
                if mine.isEmpty { return }
                // At least 256 pixels a group: each group reads and writes the whole partial
                // (9 MB for 512 → 512 channels), so small groups would be bound by that traffic.
                let fits = groupBudget / max(perSample + outPlane * padded, 1)
                let group = max(1, min(mine.count, max(fits, (256 + outPlane - 1) / outPlane)))
                let groupPixels = group * outPlane
                var inBase = [Int]()
                inBase.reserveCapacity(groupPixels)
                for j in 0..<group {
                    for oh in 0..<ho { for ow in 0..<wo { inBase.append(j * perSample + oh * stride.0 * layout.pitch + ow * stride.1) } }
                }
                try Workspace.withBuffers(group * perSample, groupPixels * padded) { buffer, gt in
                    // Padding outputs stay zero; the real ones are rewritten per group.
                    if padded > k { gt.update(repeating: 0, count: groupPixels * padded) }
                    inBase.withUnsafeBufferPointer { ib in
                        offsets.withUnsafeBufferPointer { ob in
                            guard let ibp = ib.baseAddress, let obp = ob.baseAddress else { return }
                            var first = mine.lowerBound
                            while first < mine.upperBound {
                                let count = min(group, mine.upperBound - first)
                                layout.pad(x + first * c * inPlane, planes: count * c, height: height, width: width, into: buffer)
                                // ∂y blocked by 16 outputs, pixel-major inside a block.
                                for j in 0..<count {
                                    for o in 0..<k {
                                        let src = dy + ((first + j) * k + o) * outPlane
                                        let dst = gt + ((o / 16) * groupPixels + j * outPlane) * 16 + o % 16
                                        for q in 0..<outPlane { dst[q * 16] = src[q] }
                                    }
                                }
                                channelKernelWeightGradient(
                                    x: buffer, inBase: ibp, pixels: count * outPlane, tapOffsets: obp, taps: taps,
                                    g: gt, gBlockStride: groupPixels * 16, outputs: k, dw: part)
                                first += count
                            }
                        }
                    }
                }
            }
            // dw[o][t] += Σ_worker partial (in worker order).
            ParallelLoops.forEach(k, minimumCount: 2) { o in
                let row = dw + o * taps
                for worker in 0..<workers {
                    let src = partials + worker * blockedCount + (o / 16) * taps * 16 + o % 16
                    for t in 0..<taps { row[t] += src[t * 16] }
                }
            }
        }
    }

    /// Whether the 512-bit build of the channel kernel runs (``CPUFeatures/hasAVX512``); its
    /// results equal the AVX2 build's (see ``ChannelVectorConvolution512``).
    static let wideChannelKernel = CPUFeatures.hasAVX512

    /// `ChannelVectorConvolution.forward` from the widest build this CPU runs.
    @inline(__always)
    static func channelKernelForward(x: UnsafePointer<Float>, inputs: Int, planeStride: Int, pitch: Int,
                                     inBase: UnsafePointer<Int>, outBase: UnsafePointer<Int>, pixels: Int,
                                     w: UnsafePointer<Float>, outputs: Int, kernelH: Int, kernelW: Int,
                                     y: UnsafeMutablePointer<Float>, outStride: Int, bias: UnsafePointer<Float>,
                                     windows: UnsafePointer<Int>?) {
        if wideChannelKernel {
            ChannelVectorConvolution512.forward(x: x, inputs: inputs, planeStride: planeStride, pitch: pitch, inBase: inBase,
                                                outBase: outBase, pixels: pixels, w: w, outputs: outputs, kernelH: kernelH,
                                                kernelW: kernelW, y: y, outStride: outStride, bias: bias, windows: windows)
        } else {
            ChannelVectorConvolution.forward(x: x, inputs: inputs, planeStride: planeStride, pitch: pitch, inBase: inBase,
                                             outBase: outBase, pixels: pixels, w: w, outputs: outputs, kernelH: kernelH,
                                             kernelW: kernelW, y: y, outStride: outStride, bias: bias, windows: windows)
        }
    }

    /// `ChannelVectorConvolution.weightGradient` from the widest build this CPU runs.
    @inline(__always)
    static func channelKernelWeightGradient(x: UnsafePointer<Float>, inBase: UnsafePointer<Int>, pixels: Int,
                                            tapOffsets: UnsafePointer<Int>, taps: Int, g: UnsafePointer<Float>,
                                            gBlockStride: Int, outputs: Int, dw: UnsafeMutablePointer<Float>) {
        if wideChannelKernel {
            ChannelVectorConvolution512.weightGradient(x: x, inBase: inBase, pixels: pixels, tapOffsets: tapOffsets, taps: taps,
                                                       g: g, gBlockStride: gBlockStride, outputs: outputs, dw: dw)
        } else {
            ChannelVectorConvolution.weightGradient(x: x, inBase: inBase, pixels: pixels, tapOffsets: tapOffsets, taps: taps,
                                                    g: g, gBlockStride: gBlockStride, outputs: outputs, dw: dw)
        }
    }

    /// Floats of padded input one group of samples may occupy (the group stays in L2).
    static let groupBudget = 1 << 16

    /// The convolution of `n` samples of `x` (N × inputs × height × width) into `y`
    /// (N × outputs × outHeight × outWidth), samples split between the BLAS workers; on the way
    /// out of the group buffer plus `addend` (laid out as `y`) when given and through a ReLU
    /// when `rectified`. `skipTaps`: the kernel skips each tile's padding taps
    /// (``ChannelPixelTable``; `PRUNELAB_NO_TAPSKIP=1` computes them all, for comparisons).
    static func convolve(x: UnsafePointer<Float>, n: Int, inputs: Int, height: Int, width: Int,
                         pad: (Int, Int), stride: (Int, Int), kernel: (Int, Int),
                         weights: UnsafePointer<Float>, outputs: Int, bias: UnsafePointer<Float>,
                         y: UnsafeMutablePointer<Float>, outHeight ho: Int, outWidth wo: Int,
                         adding addend: UnsafePointer<Float>? = nil, rectified: Bool = false, skipTaps: Bool) throws {
        let layout = Layout(height: height, width: width, padH: pad.0, padW: pad.1)
        let perSample = inputs * layout.planeStride
        let inPlane = height * width, outPlane = ho * wo
        // Output planes in the group buffer are `localStride` floats apart, off multiples of
        // 128 bytes: a tile stores 16 channels of a pixel, which would otherwise fall in one L1
        // set on large planes (32×32: 4 KB apart) and evict each other.
        let localStride = outPlane % 32 == 0 ? outPlane + 8 : outPlane
        let workers = min(BLASWorkers.count, max(n, 1))
        try BLASWorkers.run(workers) { worker in
            let mine = BLASWorkers.share(n, worker, workers)
            if mine.isEmpty { return }
            let group = max(1, min(mine.count, groupBudget / max(perSample, 1)))
            // Pixel tables for a full group, and for a shorter last one.
            func table(_ samples: Int) -> ChannelPixelTable {
                ChannelPixelTable(samples: samples, height: height, width: width, outHeight: ho, outWidth: wo,
                                  kernel: kernel, stride: stride, pad: pad, pitch: layout.pitch,
                                  inSampleStride: perSample, outSampleStride: outputs * localStride)
            }
            let full = table(group), rest = mine.count % group
            let last = rest == 0 ? full : table(rest)
            // The group's outputs go to a buffer that stays in cache, then out plane by plane
            // (the kernel's scattered stores straight into a large `y` miss the cache).
            try Workspace.withBuffers(group * perSample, group * outputs * localStride) { buffer, local in
                var first = mine.lowerBound
                while first < mine.upperBound {
                    let count = min(group, mine.upperBound - first)
                    let tables = count == group ? full : last
                    layout.pad(x + first * inputs * inPlane, planes: count * inputs, height: height, width: width, into: buffer)
                    tables.inBase.withUnsafeBufferPointer { ib in
                        tables.outBase.withUnsafeBufferPointer { ob in
                            tables.windows.withUnsafeBufferPointer { wb in
                                guard let ibp = ib.baseAddress, let obp = ob.baseAddress, let wbp = wb.baseAddress else { return }
                                channelKernelForward(
                                    x: buffer, inputs: inputs, planeStride: layout.planeStride, pitch: layout.pitch,
                                    inBase: ibp, outBase: obp, pixels: count * outPlane,
                                    w: weights, outputs: outputs, kernelH: kernel.0, kernelW: kernel.1,
                                    y: local, outStride: localStride, bias: bias, windows: skipTaps ? wbp : nil)
                            }
                        }
                    }
                    if localStride == outPlane && addend == nil && !rectified {
                        (y + first * outputs * outPlane).update(from: local, count: count * outputs * outPlane)
                    } else {
                        for plane in 0..<(count * outputs) {
                            let at = (first * outputs + plane) * outPlane
                            VectorOps.finishOutputs(local + plane * localStride, y + at, outPlane,
                                                    adding: addend.map { $0 + at }, rectified: rectified)
                        }
                    }
                    first += count
                }
            }
        }
    }
}

