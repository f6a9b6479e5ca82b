/// The forward routes of a compressed ``Conv2d`` (`m:compress()`), chosen per geometry by
/// ``ConvPlanner`` (``ConvPlan/sparseForward``), both with the same per-channel epilogue as the
/// dense routes (bias, folded BatchNorm, residual, ReLU).
public enum SparseConvRoute: String, Sendable {
    /// Stride 1: each sample's planes padded into the flat layout of ``DirectConv2d`` and every
    /// output channel computed from its nonzeros alone (``SparseFlatKernel``: one contiguous
    /// vector load per nonzero weight and 16 positions, no im2col matrix).
    case flat
    /// im2col with the batch folded into the columns, then the CSR weights times the patch
    /// matrix (``CSRWeights/multiply``): strides, and planes too small for the flat route.
    case im2col

    /// `flat` for stride 1 where more than half of the flat positions it computes (output
    /// rows × padded width, rounded up to whole 16-float vectors) are real outputs: a 28×28
    /// plane with a 5×5 kernel keeps 784 of 896 (the ConvNet), 8×8 with 3×3 64 of 80. A 4×4
    /// plane keeps only 16 of 32 and 2×2 4 of 16, where im2col's batch-wide columns fill every
    /// vector lane instead.
    static func choose(_ g: ConvGeometry) -> SparseConvRoute {
        guard g.isStrideOne else { return .im2col }
        let window = g.window
        let computed = (window.outHeight * (g.width + 2 * g.padW) + 15) / 16 * 16
        return 2 * window.outPlane > computed ? .flat : .im2col
    }
}

extension Conv2d {
    /// Runs the forward pass on the plan's sparse route with `csr` in place of the dense
    /// weights: the input checks, output buffer and per-channel transform come from
    /// ``forward(_:then:rectified:adding:)`` (`io`).
    func sparseForward(_ csr: CSRWeights, _ plan: ConvPlan, _ io: ConvForwardIO) throws {
        if plan.sparseForward == .flat, try sparseFlatForward(csr, plan, io) { return }
        try sparseIm2colForward(csr, plan, io)
    }

    /// ``SparseConvRoute/flat``; false (nothing done) when the planes are too large for 32-bit
    /// offsets.
    func sparseFlatForward(_ csr: CSRWeights, _ plan: ConvPlan, _ io: ConvForwardIO) throws -> Bool {
        let g = plan.geometry
        let c = inChannels, k = outChannels, (kh, kw) = kernel, (ph, pw) = padding
        let ho = g.height + 2 * ph - kh + 1, wo = g.width + 2 * pw - kw + 1
        let layout = DirectConv2d.Layout(height: g.height, width: g.width, padH: ph, padW: pw, outRows: ho, kernelH: kh, kernelW: kw)
        guard var offsets = csr.flatOffsets(taps: kh * kw, kernelW: kw, planeStride: layout.planeStride, pitch: layout.pitch) else {
            return false
        }
        if offsets.isEmpty { offsets = [0] }  // a fully pruned layer: never read, but a valid pointer
        let n = g.batch, inPlane = g.height * g.width, outPlane = ho * wo
        let rowLength = (layout.length + 15) / 16 * 16
        let xp = io.x, yp = io.y, ap = io.addend, rectified = io.rectified
        let scale = io.scale, shift = io.shift
        let workers = min(BLASWorkers.count, max(n, 1))
        try offsets.withUnsafeBufferPointer { offsetBuffer in
            guard let off = offsetBuffer.baseAddress else { return }
            try BLASWorkers.run(workers) { w in
                let mine = BLASWorkers.share(n, w, workers)
                if mine.isEmpty { return }
                try Workspace.withBuffers(c * layout.planeStride, rowLength) { padded, row in
                    for j in mine {
                        layout.pad(xp + j * c * inPlane, planes: c, height: g.height, width: g.width, into: padded)
                        for ch in 0..<k {
                            csr.flatRow(ch, offsets: off, x: padded, length: layout.length, scale: scale?[ch] ?? 1, shift: shift[ch], y: row)
                            let at = (j * k + ch) * outPlane
                            layout.unpad(row, planes: 1, outRows: ho, outCols: wo, into: yp + at,
                                         adding: ap.map { $0 + at }, rectified: rectified)
                        }
                    }
                }
            }
        }
        return true
    }

    /// ``SparseConvRoute/im2col`` (any stride), chunked by the plan's im2col rule.
    func sparseIm2colForward(_ csr: CSRWeights, _ plan: ConvPlan, _ io: ConvForwardIO) throws {
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
