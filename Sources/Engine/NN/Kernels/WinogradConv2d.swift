import ConvKernelsAVX2
import ConvKernelsAVX512

/// The Winograd route of ``Conv2d`` (F(2×2, 3×3); Lavin & Gray, CVPR 2016): 3×3, stride-1,
/// padding-1 layers on even-sized planes, on CPUs with AVX2 + FMA (the kernel
/// `WinogradConvolution`, ConvKernelsAVX2) or AVX-512 (its 512-bit twin
/// `WinogradConvolution512`). 16 multiply-adds per input channel and 2×2 outputs instead of 36,
/// for both the forward pass and the input gradient (itself such a convolution, with the
/// flipped, transposed kernel).
///
/// Results differ from the direct kernels by rounding only (the transforms add and subtract
/// inputs before multiplying; relative differences of order 1e-6 in float32), do not depend
/// on how the batch is split between workers or blocks, and are the same bits from both
/// builds: an AVX2 machine and an AVX-512 one agree wherever both take this route (which
/// layers take it is measured per build, ``isMeasuredChoice(_:_:)``).
///
/// Route ``ConvRoute/winograd``. `PRUNELAB_WINOGRAD=0` keeps it off (the direct kernels and
/// im2col only, as before it existed); `=1` runs it wherever it can (for comparisons).
/// `PRUNELAB_CONV=flat` or `=channels` also keeps it off unless `PRUNELAB_WINOGRAD=1`. A block
/// of images holds at most `PRUNELAB_WINOGRAD_BUDGET` floats of transformed inputs and
/// products (they stay in L2; ``ConvPlan``).
enum WinogradConv2d: ConvRouteImplementation {
    /// 3×3, stride 1, padding 1, even planes, AVX2 + FMA (or AVX-512); forward and input gradient.
    static func canRun(_ pass: ConvPass, _ query: ConvPlanQuery) -> Bool {
        let g = query.geometry
        return pass != .weightGradient && query.machine.hasAVX2FMA
            && g.kernelH == 3 && g.kernelW == 3 && g.isStrideOne && g.padH == 1 && g.padW == 1
            && g.height >= 2 && g.width >= 2 && g.height % 2 == 0 && g.width % 2 == 0
    }

    static func isMeasuredChoice(_ pass: ConvPass, _ query: ConvPlanQuery) -> Bool {
        if let mode = query.settings.winograd { return mode }
        // `PRUNELAB_CONV=flat` or `=channels` pins the direct kernels (for comparisons).
        switch query.settings.convolutionRoutes {
        case .flat, .channels: return false
        case .measured, .im2col: break
        }
        let channels = min(query.geometry.inChannels, query.geometry.outChannels)
        let plane = query.geometry.height * query.geometry.width
        if query.machine.hasAVX512 {
            // Measured (scripts/bench_winograd, batch 128, against the direct kernels): 1.3–1.4×
            // faster at 16→16 on 32×32 and 16×16, 2× at 64→64 on 32×32, 1.2–1.5× on 8×8 planes
            // from 64 channels up; slower on 8×8 with 32 channels and on 4×4 and 2×2 planes, where
            // the direct kernels run near the FMA peak while the Winograd products get thin (a
            // 4×4 plane has 4 tiles) and re-read their weights for every few tiles.
            return (plane >= 1024 && channels >= 8) || (plane >= 256 && channels >= 16) || (plane >= 64 && channels >= 64)
        }
        // AVX2 + FMA (measured with PRUNELAB_NO_AVX512=1 on the AVX-512 machine, 2026-12-07;
        // `scripts/bench_winograd --build avx2`, forward / backward = input gradient on the
        // route measured plus the weight gradient on the channel kernel; single layers vary
        // by ±30% between runs even on a quiet machine, so these are ranges over 2–4 runs):
        // 32×32 planes 1.0–1.6× / 1.1–1.25× faster from 16 channels, but with 8 channels
        // 0.82× forward (two quiet runs) and 1.3× backward, so 8 channels take it for the input
        // gradient only; 16×16 0.9–1.6× / 1.0–1.7× from 16 channels (1.4–1.6× / 1.2–1.4× from
        // 64); 8×8 1.1–1.5× forward from 32 channels, backward 0.85–1.17×; 4×4 planes 0.74–0.97
        // / 0.67–1.0 at 128 channels and 0.5 / 0.7 at 512, 2×2 0.5–0.6 / 0.5–0.8: direct.
        if plane >= 1024 { return channels >= (pass == .forward ? 16 : 8) }
        return (plane >= 256 && channels >= 16) || (plane >= 64 && channels >= 32)
    }

    /// `U[ξ][c][k] = (G g Gᵀ)[ξ] · scale[k]` for the kernels `g = w[k][c]` (`flipped`: the
    /// input gradient's kernels `w[c][k]` rotated by 180°, with `c` and `k` swapped), `k`
    /// padded with zero rows to `WinogradGeometry.paddedOutputs(_:)` (both builds' layout).
    static func transformWeights(_ w: UnsafePointer<Float>, outputs: Int, inputs: Int, flipped: Bool,
                                 scale: [Float]?, into u: UnsafeMutablePointer<Float>) {
        let k8 = WinogradGeometry.paddedOutputs(outputs)
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

    static func forward(_ layer: Conv2d, _ plan: ConvPlan, _ io: ConvForwardIO) throws {
        let g = plan.geometry
        try forward(layer, x: io.x, n: g.batch, height: g.height, width: g.width, y: io.y, scale: io.scale, shift: io.shift,
                    adding: io.addend, rectified: io.rectified, imagesPerBlock: plan.winogradImages)
    }

    static func backward(_ layer: Conv2d, _ plan: ConvPlan, _ io: ConvBackwardIO) throws {
        guard !io.weightGradient else {
            throw EngineError("\(layer.name) (Conv2d): the Winograd route has no weight gradient (a planner bug)")
        }
        guard let dx = io.dx else { return }
        let g = plan.geometry
        try inputGradient(layer, dy: io.dy, n: g.batch, height: g.height, width: g.width, dx: dx,
                          imagesPerBlock: plan.winogradGradientImages)
    }

    /// `y` (N×K×H×W) = conv(`x`, weights·scale) + shift per output channel (plus `addend`,
    /// laid out as `y`, and a ReLU when `rectified`).
    static func forward(_ layer: Conv2d, x: UnsafePointer<Float>, n: Int, height: Int, width: Int,
                        y: UnsafeMutablePointer<Float>, scale: [Float]?, shift: [Float],
                        adding addend: UnsafePointer<Float>? = nil, rectified: Bool = false, imagesPerBlock: Int,
                        build: WinogradBuild = currentBuild) throws {
        let c = layer.inChannels, k = layer.outChannels
        let w = layer.weight.value.mutablePointer(as: Float.self)
        try Workspace.withBuffers(WinogradGeometry.transformedWeightCount(outputs: k, inputs: c), k) { u, bias in
            transformWeights(w, outputs: k, inputs: c, flipped: false, scale: scale, into: u)
            shift.withUnsafeBufferPointer { if let base = $0.baseAddress { bias.update(from: base, count: k) } }
            try run(x: x, n: n, inputs: c, height: height, width: width, u: u, outputs: k, shift: bias, y: y,
                    adding: addend, rectified: rectified, imagesPerBlock: imagesPerBlock, build: build)
        }
    }

    /// `dx` (N×C×H×W) = the input gradient of `layer` for `dy` (N×K×H×W).
    static func inputGradient(_ layer: Conv2d, dy: UnsafePointer<Float>, n: Int, height: Int, width: Int,
                              dx: UnsafeMutablePointer<Float>, imagesPerBlock: Int, build: WinogradBuild = currentBuild) throws {
        let c = layer.inChannels, k = layer.outChannels
        let w = layer.weight.value.mutablePointer(as: Float.self)
        try Workspace.withBuffers(WinogradGeometry.transformedWeightCount(outputs: c, inputs: k), c) { u, zeros in
            transformWeights(w, outputs: c, inputs: k, flipped: true, scale: nil, into: u)
            zeros.update(repeating: 0, count: c)
            try run(x: dy, n: n, inputs: k, height: height, width: width, u: u, outputs: c, shift: zeros, y: dx,
                    adding: nil, rectified: false, imagesPerBlock: imagesPerBlock, build: build)
        }
    }

    /// The kernel build this process runs: the 512-bit one with AVX-512 (``CPUFeatures``), the
    /// AVX2 one otherwise (the route runs only where ``canRun(_:_:)`` found AVX2 + FMA).
    static var currentBuild: WinogradBuild { CPUFeatures.hasAVX512 ? .avx512 : .avx2 }

    /// Splits the batch between the BLAS workers, each running blocks of at most
    /// `imagesPerBlock` images (the plan's, from the block budget), on `build`'s kernel (tests
    /// compare the builds; the CPU must run it).
    static func run(x: UnsafePointer<Float>, n: Int, inputs: Int, height: Int, width: Int, u: UnsafePointer<Float>,
                    outputs: Int, shift: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
                    adding addend: UnsafePointer<Float>?, rectified: Bool, imagesPerBlock: Int,
                    build: WinogradBuild = currentBuild) throws {
        guard build == .avx512 ? CPUFeatures.hasAVX512 : CPUFeatures.hasAVX2FMA else {
            throw EngineError("Winograd convolution: this CPU (or the environment) does not allow the \(build) kernel")
        }
        let inPlane = height * width
        let workers = min(BLASWorkers.count, max(n, 1))
        try BLASWorkers.run(workers) { worker in
            let mine = BLASWorkers.share(n, worker, workers)
            if mine.isEmpty { return }
            let images = max(1, min(mine.count, imagesPerBlock))
            let g = WinogradGeometry(height: height, width: width, images: images, build: build)
            try Workspace.withBuffers(g.subPlaneFloats(channels: inputs), g.transformedFloats(channels: inputs),
                                      g.outputFloats(outputs: outputs)) { s, v, o in
                var first = mine.lowerBound
                while first < mine.upperBound {
                    let count = min(images, mine.upperBound - first)
                    let block = WinogradGeometry(height: height, width: width, images: count, build: build)
                    let (xb, yb) = (x + first * inputs * inPlane, y + first * outputs * inPlane)
                    let ab = addend.map { $0 + first * outputs * inPlane }
                    switch build {
                    case .avx512:
                        WinogradConvolution512.forward(
                            x: xb, inputs: inputs, g: block, u: u, outputs: outputs, shift: shift, y: yb, addend: ab,
                            rectified: rectified, subPlanes: s, transformed: v, outputsScratch: o)
                    case .avx2:
                        WinogradConvolution.forward(
                            x: xb, inputs: inputs, g: block, u: u, outputs: outputs, shift: shift, y: yb, addend: ab,
                            rectified: rectified, subPlanes: s, transformed: v, outputsScratch: o)
                    }
                    first += count
                }
            }
        }
    }
}
