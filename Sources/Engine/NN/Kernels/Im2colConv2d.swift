import CBLAS

/// The im2col + sgemm route of ``Conv2d`` (``ConvRoute/im2col``), which runs every layer on
/// every CPU: the batch is folded into the GEMM's column dimension. A chunk of samples
/// (``ConvPlan``: at most `PRUNELAB_CONV_CHUNK` floats of columns, at least one sample) is
/// unrolled into a `C·kH·kW × (chunk·Ho·Wo)` matrix in a ``Workspace`` buffer, so one large
/// sgemm (`K × C·kH·kW` times that matrix) runs per chunk. Backward recomputes the chunk's
/// matrix and runs two more sgemms: `∂W += ∂Y·colsᵀ` and `∂cols = Wᵀ·∂Y`, then col2im adds
/// `∂cols` into `∂x`. Samples are split between the BLAS workers; worker partial sums of ∂W
/// are added in worker order (bit-identical at a thread count).
enum Im2colConv2d: ConvRouteImplementation {
    static func canRun(_ pass: ConvPass, _ query: ConvPlanQuery) -> Bool { true }
    static func isMeasuredChoice(_ pass: ConvPass, _ query: ConvPlanQuery) -> Bool { true }

    static func forward(_ layer: Conv2d, _ plan: ConvPlan, _ io: ConvForwardIO) throws {
        let g = plan.geometry.window, n = plan.geometry.batch, k = layer.outChannels
        let plane = g.outPlane, patch = g.patchSize
        let chunk = plan.im2colSamples
        let xp = io.x, yp = io.y, ap = io.addend, rectified = io.rectified
        let scale = io.scale, shift = io.shift
        let wp = layer.weight.value.mutablePointer(as: Float.self)
        let workers = min(BLASWorkers.count, max(n, 1))
        try BLASWorkers.run(workers) { w in
            let mine = BLASWorkers.share(n, w, workers)
            if mine.isEmpty { return }
            let size = min(chunk, mine.count)
            try Workspace.withBuffers(patch * size * plane, k * size * plane) { cols, product in
                var first = mine.lowerBound
                while first < mine.upperBound {
                    let count = min(size, mine.upperBound - first)
                    let columns = count * plane
                    Im2col.expand(xp, g, first: first, count: count, into: cols)
                    // product (K × count·plane) = W (K × patch) · cols (patch × count·plane)
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(k), Int32(columns), Int32(patch),
                                1, wp, Int32(patch), cols, Int32(columns), 0, product, Int32(columns))
                    // Scatter each sample's K × plane block into NCHW, with the bias (and folded
                    // BatchNorm, residual and ReLU).
                    for ch in 0..<k {
                        for j in 0..<count {
                            let at = ((first + j) * k + ch) * plane
                            VectorOps.affine(product + ch * columns + j * plane, yp + at, plane, scale: scale?[ch] ?? 1, shift: shift[ch])
                            if ap != nil || rectified {
                                VectorOps.finishOutputs(yp + at, yp + at, plane, adding: ap.map { $0 + at }, rectified: rectified)
                            }
                        }
                    }
                    first += count
                }
            }
        }
    }

    static func backward(_ layer: Conv2d, _ plan: ConvPlan, _ io: ConvBackwardIO) throws {
        let g = plan.geometry.window, n = plan.geometry.batch, k = layer.outChannels
        let plane = g.outPlane, patch = g.patchSize
        let chunk = plan.im2colSamples
        let xp = io.x, dyp = io.dy, dxp = io.dx
        let wp = layer.weight.value.mutablePointer(as: Float.self)
        let needDw = io.weightGradient
        let workers = min(BLASWorkers.count, max(n, 1))
        // Worker 0 accumulates ∂W straight into the gradient; the others into partials from the
        // shared workspace, added afterwards in worker order (deterministic).
        let dwp = layer.weight.gradient.mutablePointer(as: Float.self)
        let size = k * patch
        try Workspace.withBuffer(count: max(workers - 1, 1) * size) { partials in
            try BLASWorkers.run(workers) { w in
                let mine = BLASWorkers.share(n, w, workers)
                let dw = w == 0 ? dwp : partials + (w - 1) * size
                if w > 0 { dw.update(repeating: 0, count: size) }
                if mine.isEmpty { return }
                let samples = min(chunk, mine.count)
                if let dxp {
                    (dxp + mine.lowerBound * g.channels * g.inPlane).update(repeating: 0, count: mine.count * g.channels * g.inPlane)
                }
                try Workspace.withBuffers(patch * samples * plane, k * samples * plane) { cols, gathered in
                    var first = mine.lowerBound
                    while first < mine.upperBound {
                        let count = min(samples, mine.upperBound - first)
                        let columns = count * plane
                        // Gather ∂Y for the chunk as K × (count·plane).
                        for ch in 0..<k {
                            for j in 0..<count {
                                (gathered + ch * columns + j * plane).update(from: dyp + ((first + j) * k + ch) * plane, count: plane)
                            }
                        }
                        if needDw {
                            Im2col.expand(xp, g, first: first, count: count, into: cols)
                            // ∂W (K × patch) += ∂Y (K × columns) · colsᵀ (columns × patch)
                            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(k), Int32(patch), Int32(columns),
                                        1, gathered, Int32(columns), cols, Int32(columns), 1, dw, Int32(patch))
                        }
                        if let dxp {
                            // ∂cols (patch × columns) = Wᵀ (patch × K) · ∂Y (K × columns), reusing cols.
                            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(patch), Int32(columns), Int32(k),
                                        1, wp, Int32(patch), gathered, Int32(columns), 0, cols, Int32(columns))
                            Im2col.accumulate(cols, g, first: first, count: count, into: dxp)
                        }
                        first += count
                    }
                }
            }
            for w in 1..<max(workers, 1) where needDw {
                let part = partials + (w - 1) * size
                ParallelLoops.forRanges(size) { range in
                    VectorOps.add(dwp + range.lowerBound, part + range.lowerBound, dwp + range.lowerBound, range.count)
                }
            }
        }
    }
}
