import ConvKernelsAVX2

/// The output-channel-vectorised direct path of ``Conv2d`` (``ChannelVectorConvolution``):
/// forward passes (any stride) and stride-1 input gradients on small planes, where the flat
/// kernel of ``DirectConvolution`` wastes lanes on padding columns and im2col's matrices are
/// thin.
///
/// Each worker pads a group of its samples into one buffer (planes of `rows × pitch`, no
/// slack) and runs the kernel over one pixel table spanning the group, so that 4×4 planes
/// still fill tiles of 6 pixels. Per-pixel sums do not depend on the grouping, hence not on
/// the worker split either.
extension DirectConv2d {
    enum ChannelKernelMode { case measured, never, always }

    /// `PRUNELAB_CONV=flat` keeps the channel kernel off (the flat kernel and im2col only, as
    /// before it existed); `PRUNELAB_CONV=channels` runs it wherever it can (for comparisons).
    static let channelMode: ChannelKernelMode = {
        guard let v = getenv("PRUNELAB_CONV") else { return .measured }
        switch String(cString: v) {
        case "flat": return .never
        case "channels": return .always
        default: return .measured
        }
    }()

    /// Whether the channel kernel runs `layer`'s forward pass (or, with `inputGradient`, its
    /// input gradient) for `height × width` inputs.
    static func usesChannelKernel(_ layer: Conv2d, height: Int, width: Int, inputGradient: Bool = false) -> Bool {
        guard isAvailable, layer.allowsDirectAlgorithm,
              layer.kernel.0 <= 7, layer.kernel.1 <= 7,
              layer.padding.0 < layer.kernel.0, layer.padding.1 < layer.kernel.1 else { return false }
        if inputGradient && layer.stride != (1, 1) { return false }
        if let forced = layer.channelKernel { return forced }
        if layer.forcesDirectAlgorithm { return false }
        switch channelMode {
        case .never: return false
        case .always: return true
        case .measured: break
        }
        let g = layer.geometry(height: height, width: width)
        guard g.isValid, layer.stride == (1, 1) else { return false }
        // The plane the kernel writes: the output's, or the input's for the input gradient.
        let plane = inputGradient ? height * width : g.outPlane
        return plane <= 64
    }

    /// Writes PyTorch-layout weights `w` (`outputs × inputs × R × S`) in the blocked layout of
    /// ``ChannelVectorConvolution/forward``; `flipped` gives the input-gradient weights instead
    /// (outputs and inputs swapped, kernel rotated by 180°).
    static func blockChannelWeights(_ w: UnsafePointer<Float>, outputs k: Int, inputs c: Int, taps: Int, flipped: Bool,
                                    scale: [Float]? = nil, into out: UnsafeMutablePointer<Float>) {
        let (outs, ins) = flipped ? (c, k) : (k, c)
        out.update(repeating: 0, count: ChannelVectorConvolution.blockedWeightCount(outputs: outs, inputs: ins, taps: taps))
        for o in 0..<outs {
            let block = out + (o / 16) * ins * taps * 16 + o % 16
            let f = scale?[o] ?? 1
            for i in 0..<ins {
                let src = flipped ? w + (i * c + o) * taps : w + (o * c + i) * taps
                for t in 0..<taps { block[(i * taps + t) * 16] = src[flipped ? taps - 1 - t : t] * f }
            }
        }
    }

    /// `y` (N×K×Ho×Wo) = conv(`x`, weights·scale) + shift, per output channel, on the channel kernel.
    static func channelForward(_ layer: Conv2d, x: UnsafePointer<Float>, n: Int, height: Int, width: Int,
                               y: UnsafeMutablePointer<Float>, scale: [Float]?, shift: [Float]) throws {
        let c = layer.inChannels, k = layer.outChannels
        let (kh, kw) = layer.kernel
        let g = layer.geometry(height: height, width: width)
        let padded = ChannelVectorConvolution.paddedOutputs(k)
        let w = layer.weight.value.mutablePointer(as: Float.self)
        try Workspace.withBuffers(ChannelVectorConvolution.blockedWeightCount(outputs: k, inputs: c, taps: kh * kw), padded) { wt, bias in
            blockChannelWeights(w, outputs: k, inputs: c, taps: kh * kw, flipped: false, scale: scale, into: wt)
            bias.update(repeating: 0, count: padded)
            shift.withUnsafeBufferPointer { if let base = $0.baseAddress { bias.update(from: base, count: min(k, $0.count)) } }
            try convolve(x: x, n: n, inputs: c, height: height, width: width, pad: layer.padding, stride: layer.stride,
                         kernel: layer.kernel, weights: wt, outputs: k, bias: bias, y: y, outHeight: g.outHeight, outWidth: g.outWidth)
        }
    }

    /// `dx` (N×C×H×W) = the input gradient of a stride-1 `layer` for `dy` (N×K×Ho×Wo): the
    /// convolution of `dy` padded by R−1−pad with the flipped, transposed weights.
    static func channelInputGradient(_ layer: Conv2d, dy: UnsafePointer<Float>, n: Int, height: Int, width: Int,
                                     dx: UnsafeMutablePointer<Float>) throws {
        let c = layer.inChannels, k = layer.outChannels
        let (kh, kw) = layer.kernel, (ph, pw) = layer.padding
        let ho = height + 2 * ph - kh + 1, wo = width + 2 * pw - kw + 1
        let padded = ChannelVectorConvolution.paddedOutputs(c)
        let w = layer.weight.value.mutablePointer(as: Float.self)
        try Workspace.withBuffers(ChannelVectorConvolution.blockedWeightCount(outputs: c, inputs: k, taps: kh * kw), padded) { wt, zeros in
            blockChannelWeights(w, outputs: k, inputs: c, taps: kh * kw, flipped: true, into: wt)
            zeros.update(repeating: 0, count: padded)
            try convolve(x: dy, n: n, inputs: k, height: ho, width: wo, pad: (kh - 1 - ph, kw - 1 - pw), stride: (1, 1),
                         kernel: layer.kernel, weights: wt, outputs: c, bias: zeros, y: dx, outHeight: height, outWidth: width)
        }
    }

    /// Floats of padded input one group of samples may occupy (the group stays in L2).
    static let groupBudget = 1 << 16

    /// The convolution of `n` samples of `x` (N × inputs × height × width) into `y`
    /// (N × outputs × outHeight × outWidth), samples split between the BLAS workers.
    static func convolve(x: UnsafePointer<Float>, n: Int, inputs: Int, height: Int, width: Int,
                         pad: (Int, Int), stride: (Int, Int), kernel: (Int, Int),
                         weights: UnsafePointer<Float>, outputs: Int, bias: UnsafePointer<Float>,
                         y: UnsafeMutablePointer<Float>, outHeight ho: Int, outWidth wo: Int) throws {
        let layout = Layout(height: height, width: width, padH: pad.0, padW: pad.1)
        let perSample = inputs * layout.planeStride
        let inPlane = height * width, outPlane = ho * wo
        let workers = min(BLASWorkers.count, max(n, 1))
        try BLASWorkers.run(workers) { worker in
            let mine = BLASWorkers.share(n, worker, workers)
            if mine.isEmpty { return }
            let group = max(1, min(mine.count, groupBudget / max(perSample, 1)))
            // Pixel tables for a full group (a shorter last group uses their start).
            var inBase = [Int](), outBase = [Int]()
            inBase.reserveCapacity(group * outPlane)
            outBase.reserveCapacity(group * outPlane)
            for j in 0..<group {
                for oh in 0..<ho {
                    for ow in 0..<wo {
                        inBase.append(j * perSample + oh * stride.0 * layout.pitch + ow * stride.1)
                        outBase.append(j * outputs * outPlane + oh * wo + ow)
                    }
                }
            }
            try Workspace.withBuffer(count: group * perSample) { buffer in
                inBase.withUnsafeBufferPointer { ib in
                    outBase.withUnsafeBufferPointer { ob in
                        guard let ibp = ib.baseAddress, let obp = ob.baseAddress else { return }
                        var first = mine.lowerBound
                        while first < mine.upperBound {
                            let count = min(group, mine.upperBound - first)
                            layout.pad(x + first * inputs * inPlane, planes: count * inputs, height: height, width: width, into: buffer)
                            ChannelVectorConvolution.forward(
                                x: buffer, inputs: inputs, planeStride: layout.planeStride, pitch: layout.pitch,
                                inBase: ibp, outBase: obp, pixels: count * outPlane,
                                w: weights, outputs: outputs, kernelH: kernel.0, kernelW: kernel.1,
                                y: y + first * outputs * outPlane, outStride: outPlane, bias: bias)
                            first += count
                        }
                    }
                }
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
