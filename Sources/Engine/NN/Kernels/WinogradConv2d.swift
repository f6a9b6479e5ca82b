import ConvKernelsAVX512
#if canImport(Glibc)
import Glibc
#endif

/// The Winograd route of ``Conv2d`` (``WinogradConvolution512``, F(2×2, 3×3); Lavin & Gray,
/// CVPR 2016): 3×3, stride-1, padding-1 layers on even-sized planes, on CPUs with AVX-512.
/// 16 multiply-adds per input channel and 2×2 outputs instead of 36, for both the forward pass
/// and the input gradient (itself such a convolution, with the flipped, transposed kernel).
///
/// Results differ from the direct kernels by rounding only (the transforms add and subtract
/// inputs before multiplying; relative differences of order 1e-6 in float32), and do not depend
/// on how the batch is split between workers or blocks.
enum WinogradConv2d {
    /// `PRUNELAB_WINOGRAD=0` keeps this route off (the direct kernels and im2col only, as before
    /// it existed); `=1` runs it wherever it can (for comparisons). `PRUNELAB_CONV=flat` or
    /// `=channels` also keeps it off unless `PRUNELAB_WINOGRAD=1`.
    static let mode: Bool? = {
        guard let v = getenv("PRUNELAB_WINOGRAD") else { return nil }
        switch String(cString: v) {
        case "0", "off": return false
        case "1", "on": return true
        default: return nil
        }
    }()

    /// Floats of transformed inputs and products one block of images may occupy (they stay
    /// in L2). `PRUNELAB_WINOGRAD_BUDGET` overrides it (for tuning).
    static let blockBudget: Int = {
        if let v = getenv("PRUNELAB_WINOGRAD_BUDGET"), let n = Int(String(cString: v)), n > 0 { return n }
        return 1 << 17
    }()

    /// Whether the Winograd route can run `layer` on `height × width` inputs at all.
    static func supports(_ layer: Conv2d, height: Int, width: Int) -> Bool {
        CPUFeatures.hasAVX512 && layer.allowsDirectAlgorithm
            && layer.kernel == (3, 3) && layer.stride == (1, 1) && layer.padding == (1, 1)
            && height >= 2 && width >= 2 && height % 2 == 0 && width % 2 == 0
    }

    /// Whether it runs `layer`'s forward pass (or, with `inputGradient`, its input gradient).
    static func applies(_ layer: Conv2d, height: Int, width: Int, inputGradient: Bool = false) -> Bool {
        guard supports(layer, height: height, width: width) else { return false }
        if let forced = layer.winograd { return forced }
        if layer.forcesDirectAlgorithm || layer.channelKernel != nil { return false }
        if let mode { return mode }
        // `PRUNELAB_CONV=flat` or `=channels` pins the direct kernels (for comparisons).
        if DirectConv2d.channelMode != .measured { return false }
        // Measured (scripts/bench_winograd, batch 128, against the direct kernels): 1.3–1.4×
        // faster at 16→16 on 32×32 and 16×16, 2× at 64→64 on 32×32, 1.2–1.5× on 8×8 planes
        // from 64 channels up; slower on 8×8 with 32 channels and on 4×4 and 2×2 planes, where
        // the direct kernels run near the FMA peak while the Winograd products get thin (a
        // 4×4 plane has 4 tiles) and re-read their weights for every few tiles.
        let channels = min(inputGradient ? layer.outChannels : layer.inChannels,
                           inputGradient ? layer.inChannels : layer.outChannels)
        let plane = height * width
        return (plane >= 1024 && channels >= 8) || (plane >= 256 && channels >= 16) || (plane >= 64 && channels >= 64)
    }

    /// `U[ξ][c][k] = (G g Gᵀ)[ξ] · scale[k]` for the kernels `g = w[k][c]` (`flipped`: the
    /// input gradient's kernels `w[c][k]` rotated by 180°, with `c` and `k` swapped), `k`
    /// padded with zero rows to ``WinogradConvolution512/paddedOutputs(_:)``.
    static func transformWeights(_ w: UnsafePointer<Float>, outputs: Int, inputs: Int, flipped: Bool,
                                 scale: [Float]?, into u: UnsafeMutablePointer<Float>) {
        let k8 = WinogradConvolution512.paddedOutputs(outputs)
        u.update(repeating: 0, count: 16 * inputs * k8)
        var gg = [Float](repeating: 0, count: 12)
        for k in 0..<outputs {
            let s = scale?[k] ?? 1
            for c in 0..<inputs {
                // g[r][t]: the 3×3 kernel from input c to output k of the convolution being run.
                func g(_ r: Int, _ t: Int) -> Float {
                    flipped ? w[((c * outputs + k) * 3 + 2 - r) * 3 + 2 - t] : w[((k * inputs + c) * 3 + r) * 3 + t]
                }
                // G g (4×3) column by column, then each row of it times Gᵀ.
                for t in 0..<3 {
                    let a = g(0, t), b = g(1, t), d = g(2, t)
                    let column = (a, (a + b + d) * 0.5, (a - b + d) * 0.5, d)
                    gg[t] = column.0; gg[3 + t] = column.1; gg[6 + t] = column.2; gg[9 + t] = column.3
                }
                for r in 0..<4 {
                    let a = gg[r * 3], b = gg[r * 3 + 1], d = gg[r * 3 + 2]
                    let base = u + (r * 4 * inputs + c) * k8 + k, step = inputs * k8
                    base[0] = a * s
                    base[step] = (a + b + d) * 0.5 * s
                    base[2 * step] = (a - b + d) * 0.5 * s
                    base[3 * step] = d * s
                }
            }
        }
    }

    /// `y` (N×K×H×W) = conv(`x`, weights·scale) + shift per output channel (plus `addend`,
    /// laid out as `y`, and a ReLU when `rectified`).
    static func forward(_ layer: Conv2d, x: UnsafePointer<Float>, n: Int, height: Int, width: Int,
                        y: UnsafeMutablePointer<Float>, scale: [Float]?, shift: [Float],
                        adding addend: UnsafePointer<Float>? = nil, rectified: Bool = false) throws {
        let c = layer.inChannels, k = layer.outChannels
        let w = layer.weight.value.mutablePointer(as: Float.self)
        try Workspace.withBuffers(WinogradConvolution512.transformedWeightCount(outputs: k, inputs: c), k) { u, bias in
            transformWeights(w, outputs: k, inputs: c, flipped: false, scale: scale, into: u)
            shift.withUnsafeBufferPointer { if let base = $0.baseAddress { bias.update(from: base, count: k) } }
            try run(x: x, n: n, inputs: c, height: height, width: width, u: u, outputs: k, shift: bias, y: y,
                    adding: addend, rectified: rectified)
        }
    }

    /// `dx` (N×C×H×W) = the input gradient of `layer` for `dy` (N×K×H×W).
    static func inputGradient(_ layer: Conv2d, dy: UnsafePointer<Float>, n: Int, height: Int, width: Int,
                              dx: UnsafeMutablePointer<Float>) throws {
        let c = layer.inChannels, k = layer.outChannels
        let w = layer.weight.value.mutablePointer(as: Float.self)
        try Workspace.withBuffers(WinogradConvolution512.transformedWeightCount(outputs: c, inputs: k), c) { u, zeros in
            transformWeights(w, outputs: c, inputs: k, flipped: true, scale: nil, into: u)
            zeros.update(repeating: 0, count: c)
            try run(x: dy, n: n, inputs: k, height: height, width: width, u: u, outputs: c, shift: zeros, y: dx,
                    adding: nil, rectified: false)
        }
    }

    /// Splits the batch between the BLAS workers, each running blocks of images that fit
    /// ``blockBudget``.
    static func run(x: UnsafePointer<Float>, n: Int, inputs: Int, height: Int, width: Int, u: UnsafePointer<Float>,
                    outputs: Int, shift: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
                    adding addend: UnsafePointer<Float>?, rectified: Bool) throws {
        let one = WinogradConvolution512.Geometry(height: height, width: width, images: 1)
        let perImage = 16 * inputs * one.tilesPerImage
        let inPlane = height * width
        let workers = min(BLASWorkers.count, max(n, 1))
        try BLASWorkers.run(workers) { worker in
            let mine = BLASWorkers.share(n, worker, workers)
            if mine.isEmpty { return }
            let images = max(1, min(mine.count, blockBudget / max(perImage, 1)))
            let g = WinogradConvolution512.Geometry(height: height, width: width, images: images)
            try Workspace.withBuffers(g.subPlaneFloats(channels: inputs), g.transformedFloats(channels: inputs),
                                      g.outputFloats(outputs: outputs)) { s, v, o in
                var first = mine.lowerBound
                while first < mine.upperBound {
                    let count = min(images, mine.upperBound - first)
                    let block = WinogradConvolution512.Geometry(height: height, width: width, images: count)
                    WinogradConvolution512.forward(
                        x: x + first * inputs * inPlane, inputs: inputs, g: block, u: u, outputs: outputs, shift: shift,
                        y: y + first * outputs * inPlane, addend: addend.map { $0 + first * outputs * inPlane },
                        rectified: rectified, subPlanes: s, transformed: v, outputsScratch: o)
                    first += count
                }
            }
        }
    }
}
