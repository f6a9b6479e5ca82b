import ConvKernelsAVX2

/// The direct (no im2col) path of ``Conv2d`` for stride 1 and kernels up to 7×7 (padding
/// below the kernel size) on CPUs with AVX2 and FMA: the layer shapes of ResNet, VGG and the
/// ConvNet, where im2col would copy every input value R·S times and leave sgemm starved on
/// thin layers.
///
/// Each worker pads its samples into the flat-plane layout of ``DirectConvolution`` and runs
/// the kernels there:
/// - forward: `y = conv(x̃, W)` on the flat grid, then the valid columns are copied out;
/// - input gradient: a forward convolution of the zero-padded output gradient with the
///   flipped, transposed weights `W'[c][k][r][s] = W[k][c][R−1−r][S−1−s]` (padding
///   R−1−pad);
/// - weight gradient: `∂W[k][c][r][s] += Σ_n Σ_p ∂y[n][k][p] · x̃[n][c][p + r·pitch + s]`.
/// Route ``ConvRoute/flat``. `PRUNELAB_CONV=im2col` in the environment turns the path off
/// (for comparisons). Where the output-channel kernel applies (``ChannelConv2d``) it takes
/// precedence over this one.
enum DirectConv2d: ConvRouteImplementation {
    /// Whether this machine and the process's settings allow the direct kernels (flat and channel).
    static var isAvailable: Bool { isAvailable(settings: .current, machine: .current) }

    /// Whether `machine` and `settings` allow the direct kernels (flat and channel).
    static func isAvailable(settings: Settings, machine: ConvMachine) -> Bool {
        settings.convolutionRoutes != .im2col && machine.hasAVX2FMA
    }

    /// The limits both direct kernels share: kernels up to 7×7, padding below the kernel size.
    static func fitsDirectKernels(_ g: ConvGeometry) -> Bool {
        g.kernelH <= 7 && g.kernelW <= 7 && g.padH < g.kernelH && g.padW < g.kernelW
    }

    /// Smallest work per sample (output pixels × kernel taps) for the direct forward and
    /// backward passes, and the output-channel count from which sgemm takes over: on small
    /// images the flat layout wastes lanes, and with 256 or more output channels im2col's
    /// matrices are fat enough for sgemm to win. Measured on ResNet-18's stages (batch 128):
    /// direct forward faster down to 64 channels at 8×8 and 128 at 4×4 (equal), slower from
    /// 256 channels at 8×8; direct backward faster from 16×16 (work 2304), slower at 8×8 (576),
    /// and slower for 5×5 kernels (the ConvNet's), whose backward stays with im2col.
    /// `PRUNELAB_DIRECT_MIN_WORK` replaces both work limits and the other two rules (for tuning).
    static let minimumWork = (forward: 100, backward: 2000)
    static let maximumOutputs = 255

    /// Stride 1 within the direct kernels' limits; the input gradient only together with the
    /// weight gradient (one pass over the padded planes computes both).
    static func canRun(_ pass: ConvPass, _ query: ConvPlanQuery) -> Bool {
        let g = query.geometry
        guard isAvailable(settings: query.settings, machine: query.machine), g.isStrideOne, fitsDirectKernels(g) else { return false }
        return pass != .inputGradient || query.weightGradient == .flat
    }

    static func isMeasuredChoice(_ pass: ConvPass, _ query: ConvPlanQuery) -> Bool {
        let g = query.geometry
        if pass == .inputGradient { return true }
        if let limit = query.settings.directMinimumWork { return g.work >= limit }
        let backward = pass == .weightGradient
        if backward && g.taps > 9 { return false }
        return g.work >= (backward ? minimumWork.backward : minimumWork.forward) && g.outChannels <= maximumOutputs
    }

    static func forward(_ layer: Conv2d, _ plan: ConvPlan, _ io: ConvForwardIO) throws {
        let g = plan.geometry
        try forward(layer, x: io.x, n: g.batch, height: g.height, width: g.width, y: io.y, scale: io.scale, shift: io.shift,
                    adding: io.addend, rectified: io.rectified)
    }

    static func backward(_ layer: Conv2d, _ plan: ConvPlan, _ io: ConvBackwardIO) throws {
        guard io.weightGradient else {
            throw EngineError("\(layer.name) (Conv2d): the flat route computes the input gradient only with the weight gradient (a planner bug)")
        }
        let g = plan.geometry
        try backward(layer, x: io.x, dy: io.dy, n: g.batch, height: g.height, width: g.width, dx: io.dx,
                     samplesPerChunk: plan.flatBackwardSamples)
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

        /// Padded planes with no slack (`planeStride = rows·pitch`), as ``ChannelVectorConvolution``
        /// reads them: only inside the padded image.
        init(height: Int, width: Int, padH: Int, padW: Int) {
            pitch = width + 2 * padW
            rows = height + 2 * padH
            length = 0
            planeStride = rows * pitch
            padTop = padH
            padLeft = padW
        }

        init(height: Int, width: Int, padH: Int, padW: Int, outRows: Int, kernelH: Int, kernelW: Int) {
            pitch = width + 2 * padW
            rows = height + 2 * padH
            length = (outRows * pitch + 23) / 24 * 24
            // Forward loads reach p + (R−1)·pitch + S−1 + 23; weight-gradient loads
            // p + (R−1)·pitch + 3⌈S/3⌉ + 6.
            planeStride = max(rows * pitch, length + (kernelH - 1) * pitch + (kernelW + 2) / 3 * 3 + kernelW) + 24
            padTop = padH
            padLeft = padW
        }

        /// Writes `planes` planes of `height × width` (contiguous) into `out`, zero-padded: only
        /// the border and the tail are zeroed, the rows are copied in place.
        func pad(_ src: UnsafePointer<Float>, planes: Int, height: Int, width: Int, into out: UnsafeMutablePointer<Float>) {
            let padRight = pitch - padLeft - width
            for c in 0..<planes {
                let dst = out + c * planeStride
                dst.update(repeating: 0, count: padTop * pitch + padLeft)
                let from = src + c * height * width
                var row = dst + padTop * pitch + padLeft
                for h in 0..<height {
                    row.update(from: from + h * width, count: width)
                    if h + 1 < height {
                        (row + width).update(repeating: 0, count: padRight + padLeft)
                    }
                    row += pitch
                }
                // After the last row: its right border, the bottom rows and the slack.
                let end = dst + (padTop + height - 1) * pitch + padLeft + width
                end.update(repeating: 0, count: planeStride - (end - dst))
            }
        }

        /// Copies the valid `outRows × outCols` of `planes` flat planes (stride `length`) out,
        /// plus `addend` (laid out as `out`) when given, through a ReLU when `rectified`.
        func unpad(_ flat: UnsafePointer<Float>, planes: Int, outRows: Int, outCols: Int, into out: UnsafeMutablePointer<Float>,
                   adding addend: UnsafePointer<Float>? = nil, rectified: Bool = false) {
            for c in 0..<planes {
                let src = flat + c * length, offset = c * outRows * outCols
                for h in 0..<outRows {
                    let at = offset + h * outCols
                    VectorOps.finishOutputs(src + h * pitch, out + at, outCols, adding: addend.map { $0 + at }, rectified: rectified)
                }
            }
        }
    }

    /// Writes PyTorch-layout weights `w` (`outputs × inputs × R × S`), times `scale[o]` when
    /// given, in the layout blocked by `lanes` outputs, `out[((o/lanes)·inputs + i)·taps + t)·lanes
    /// + o%lanes]` with zeros for the padding outputs: 4 lanes for ``DirectConvolution/forward``,
    /// 16 for ``ChannelVectorConvolution/forward``. `flipped` gives the input-gradient weights
    /// instead (outputs and inputs swapped, kernel rotated by 180°).
    static func blockWeights(_ w: UnsafePointer<Float>, outputs k: Int, inputs c: Int, taps: Int, flipped: Bool,
                             lanes: Int = 4, scale: [Float]? = nil, into out: UnsafeMutablePointer<Float>) {
        let (outs, ins) = flipped ? (c, k) : (k, c)
        out.update(repeating: 0, count: (outs + lanes - 1) / lanes * lanes * ins * taps)
        for o in 0..<outs {
            let block = out + (o / lanes) * ins * taps * lanes + o % lanes
            let f = scale?[o] ?? 1
            for i in 0..<ins {
                let src = flipped ? w + (i * c + o) * taps : w + (o * c + i) * taps
                for t in 0..<taps { block[(i * taps + t) * lanes] = src[flipped ? taps - 1 - t : t] * f }
            }
        }
    }

    /// `y` (N×K×Ho×Wo) = conv(`x`, weights·scale) + shift, per output channel (`scale` nil: 1;
    /// `shift` is the bias, or the folded bias of a BatchNorm), plus `addend` (N×K×Ho×Wo) when
    /// given, through a ReLU when `rectified`.
    static func forward(_ layer: Conv2d, x: UnsafePointer<Float>, n: Int, height: Int, width: Int,
                        y: UnsafeMutablePointer<Float>, scale: [Float]?, shift: [Float],
                        adding addend: UnsafePointer<Float>? = nil, rectified: Bool = false) throws {
        let c = layer.inChannels, k = layer.outChannels
        let (kh, kw) = layer.kernel, (ph, pw) = layer.padding
        let ho = height + 2 * ph - kh + 1, wo = width + 2 * pw - kw + 1
        let layout = Layout(height: height, width: width, padH: ph, padW: pw, outRows: ho, kernelH: kh, kernelW: kw)
        let w = layer.weight.value.mutablePointer(as: Float.self)
        let workers = min(BLASWorkers.count, max(n, 1))
        try Workspace.withBuffers(DirectConvolution.blockedWeightCount(outputs: k, inputs: c, taps: kh * kw), k) { wt, bias in
            blockWeights(w, outputs: k, inputs: c, taps: kh * kw, flipped: false, scale: scale, into: wt)
            shift.withUnsafeBufferPointer { if let base = $0.baseAddress { bias.update(from: base, count: k) } }
            try BLASWorkers.run(workers) { worker in
                let mine = BLASWorkers.share(n, worker, workers)
                if mine.isEmpty { return }
                try Workspace.withBuffers(c * layout.planeStride, k * layout.length) { padded, flat in
                    for j in mine {
                        layout.pad(x + j * c * height * width, planes: c, height: height, width: width, into: padded)
                        DirectConvolution.forward(x: padded, inputs: c, planeStride: layout.planeStride, pitch: layout.pitch,
                                                  w: wt, outputs: k, kernelH: kh, kernelW: kw, y: flat, length: layout.length, bias: bias)
                        layout.unpad(flat, planes: k, outRows: ho, outCols: wo, into: y + j * k * ho * wo,
                                     adding: addend.map { $0 + j * k * ho * wo }, rectified: rectified)
                    }
                }
            }
        }
    }

    /// Accumulates ∂W (∂b is the caller's) and, when `dx` is given, writes ∂x.
    static func backward(_ layer: Conv2d, x: UnsafePointer<Float>, dy: UnsafePointer<Float>, n: Int, height: Int, width: Int,
                         dx: UnsafeMutablePointer<Float>?, samplesPerChunk chunk: Int) throws {
        let c = layer.inChannels, k = layer.outChannels
        let (kh, kw) = layer.kernel, (ph, pw) = layer.padding
        let taps = kh * kw
        let ho = height + 2 * ph - kh + 1, wo = width + 2 * pw - kw + 1
        let inLayout = Layout(height: height, width: width, padH: ph, padW: pw, outRows: ho, kernelH: kh, kernelW: kw)
        // ∂x = conv(∂y padded by R−1−pad, W'): its "input" is ∂y (ho × wo), its output x's size.
        let gradLayout = Layout(height: ho, width: wo, padH: kh - 1 - ph, padW: kw - 1 - pw, outRows: height, kernelH: kh, kernelW: kw)
        let w = layer.weight.value.mutablePointer(as: Float.self)
        let dw = layer.weight.gradient.mutablePointer(as: Float.self)
        let workers = min(BLASWorkers.count, max(n, 1))
        let size = k * c * taps
        try Workspace.withBuffers(DirectConvolution.blockedWeightCount(outputs: c, inputs: k, taps: taps), max(workers - 1, 1) * size, c) { wflip, partials, zeros in
            zeros.update(repeating: 0, count: c)
            if dx != nil { blockWeights(w, outputs: k, inputs: c, taps: taps, flipped: true, into: wflip) }
            // Worker 0 accumulates ∂W straight into the gradient; the others into partials,
            // added afterwards in worker order (deterministic).
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
                        DirectConvolution.weightGradient(x: padded, inputs: c, planeStride: inLayout.planeStride, pitch: inLayout.pitch,
                                                         g: flatGrad, outputs: k, length: inLayout.length, samples: count,
                                                         kernelH: kh, kernelW: kw, dw: part)
                        first += count
                    }
                }
                guard let dx else { return }
                try Workspace.withBuffers(k * gradLayout.planeStride, c * gradLayout.length) { padded, flat in
                    for j in mine {
                        gradLayout.pad(dy + j * k * ho * wo, planes: k, height: ho, width: wo, into: padded)
                        DirectConvolution.forward(x: padded, inputs: k, planeStride: gradLayout.planeStride, pitch: gradLayout.pitch,
                                                  w: wflip, outputs: c, kernelH: kh, kernelW: kw, y: flat, length: gradLayout.length, bias: zeros)
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

