/// The sparse inference route of ``Conv2d``: im2col, then the CSR weights times the patch
/// matrix (``CSRWeights/multiply``), then the same per-channel epilogue as the dense routes
/// (bias, folded BatchNorm, residual, ReLU).
extension Conv2d {
    /// Runs the forward pass planned by `plan` with `csr` in place of the dense weights: the
    /// input checks, output buffer and per-channel transform come from ``forward(_:then:rectified:adding:)``
    /// (`io`), the chunking from the plan's im2col rule.
    func sparseForward(_ csr: CSRWeights, _ plan: ConvPlan, _ io: ConvForwardIO) throws {
        let g = plan.geometry.window, n = plan.geometry.batch, k = outChannels
        let plane = g.outPlane, patch = g.patchSize
        let chunk = plan.im2colSamples
        let xp = io.x, yp = io.y, ap = io.addend, rectified = io.rectified
        let scale = io.scale, shift = io.shift
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
                    csr.multiply(rows: 0..<k, source: cols, sourceStride: columns, width: columns, destination: product, destinationStride: columns)
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
}

/// The sparse inference route of ``Linear``: the batch transposed (features × samples), the
/// CSR weights times it with the output rows split between the BLAS workers, then transposed
/// back with the bias.
extension Linear {
    func sparseForward(_ input: Tensor, _ csr: CSRWeights) throws -> Tensor {
        guard input.rank == 2, input.shape[1] == inFeatures, input.dtype == .float32 else {
            throw inputError("float32 N×\(inFeatures)", input)
        }
        let x = try input.contiguous()
        let n = x.shape[0], i = inFeatures, o = outFeatures
        let y = try Buffers.reuse(output, shape: [n, o])
        let xp = x.mutablePointer(as: Float.self), yp = y.mutablePointer(as: Float.self)
        let b = bias?.value.scalars(as: Float.self)
        // Samples per pass: the transposed block and the product stay within about 16 MB each.
        let chunk = max(1, min(n, (1 << 22) / max(i, o)))
        try Workspace.withBuffers(i * chunk, o * chunk) { xt, product in
            var first = 0
            while first < n {
                let m = min(chunk, n - first)
                for s in 0..<m { for f in 0..<i { xt[f * m + s] = xp[(first + s) * i + f] } }
                let workers = min(BLASWorkers.count, max(1, o / 8))
                try BLASWorkers.run(workers) { w in
                    let rows = BLASWorkers.share(o, w, workers)
                    if rows.isEmpty { return }
                    csr.multiply(rows: rows, source: xt, sourceStride: m, width: m, destination: product, destinationStride: m)
                }
                for s in 0..<m { for r in 0..<o { yp[(first + s) * o + r] = product[r * m + s] + (b?[r] ?? 0) } }
                first += m
            }
        }
        output = y
        return y
    }
}
