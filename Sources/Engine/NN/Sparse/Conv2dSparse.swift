/// The forward routes of a compressed ``Conv2d`` (`m:compress()`), chosen per geometry by
/// ``ConvPlanner`` (``ConvPlan/sparseForward``), both with the same per-channel epilogue as the
/// dense routes (bias, folded BatchNorm, residual, ReLU).
public enum SparseConvRoute: String, Sendable {
    /// Stride 1: each sample's planes padded into the flat layout of ``DirectConv2d`` and every
    /// output channel computed from its nonzeros alone (``SparseFlatKernel``: one contiguous
    /// vector load per nonzero weight and 16 positions, no im2col matrix).
    case flat
    /// Stride 1 on small planes: the flat layout with 16 samples interleaved at every position
    /// (batch innermost), so that each vector of the same kernel holds one position of 16
    /// samples and no lane is wasted on a plane narrower than a vector (Elsen et al., "Fast
    /// Sparse ConvNets", CVPR 2020, interleave a spatial block the same way).
    case batched
    /// im2col with the batch folded into the columns, then the CSR weights times the patch
    /// matrix (``CSRWeights/multiply``): strides.
    case im2col

    /// `flat` for stride 1 where more than half of the flat positions it computes (output
    /// rows × padded width, rounded up to whole 16-float vectors) are real outputs: a 28×28
    /// plane with a 5×5 kernel keeps 784 of 896 (the ConvNet), 8×8 with 3×3 64 of 80. Smaller
    /// stride-1 planes take `batched`: a 4×4 plane keeps only 16 of 32 flat positions, 2×2 4 of
    /// 16, where the batch-innermost layout fills every lane (and needs no im2col matrix, whose
    /// construction took 45% of the time on 4×4 planes). Other strides take `im2col`.
    static func choose(_ g: ConvGeometry) -> SparseConvRoute {
        guard g.isStrideOne else { return .im2col }
        let window = g.window
        let computed = (window.outHeight * (g.width + 2 * g.padW) + 15) / 16 * 16
        return 2 * window.outPlane > computed ? .flat : .batched
    }
}

extension Conv2d {
    /// Runs the forward pass on the plan's sparse route with `csr` in place of the dense
    /// weights: the input checks, output buffer and per-channel transform come from
    /// ``forward(_:then:rectified:adding:)`` (`io`).
    func sparseForward(_ csr: CSRWeights, _ plan: ConvPlan, _ io: ConvForwardIO) throws {
        switch plan.sparseForward {
        case .flat: if try sparseFlatForward(csr, plan, io) { return }
        case .batched: if try sparseBatchedForward(csr, plan, io) { return }
        case .im2col: break
        }
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
        // One sample's padded planes in blocks of input channels that fit the L1 data cache,
        // each block's terms of every output channel added onto its partial sums (in L2), as
        // in the batched route: a sample's planes (64 × 18 × 18 floats, 83 KB, for the
        // ConvNet's conv2) no longer stream from L2 once per output channel.
        let (blockChannels, blocks) = Conv2d.sparseBlocks(c, bytesPerChannel: 4 * layout.planeStride)
        let starts = blocks > 1 ? csr.columnBlockStarts(blockColumns: blockChannels * kh * kw) : []
        func finishOutputs(_ row: UnsafePointer<Float>, sample j: Int, channel ch: Int) {
            let at = (j * k + ch) * outPlane
            SparsePlaneCopies.outputs(row, pitch: layout.pitch, rows: ho, cols: wo, into: yp + at, adding: ap.map { $0 + at }, rectified: rectified)
        }
        try offsets.withUnsafeBufferPointer { offsetBuffer in
            guard let off = offsetBuffer.baseAddress else { return }
            try starts.withUnsafeBufferPointer { startBuffer in
                try BLASWorkers.run(workers) { w in
                    let mine = BLASWorkers.share(n, w, workers)
                    if mine.isEmpty { return }
                    // One row of sums when the planes fit in one block (it stays in L1), else
                    // a row per output channel.
                    try Workspace.withBuffers(c * layout.planeStride, (blocks > 1 ? k : 1) * rowLength) { padded, sums in
                        padded.update(repeating: 0, count: c * layout.planeStride)  // borders: zero for every sample
                        for j in mine {
                            SparsePlaneCopies.interior(xp + j * c * inPlane, planes: c, height: g.height, width: g.width, into: padded,
                                                       planeStride: layout.planeStride, pitch: layout.pitch, padTop: ph, padLeft: pw)
                            guard blocks > 1, let start = startBuffer.baseAddress else {
                                for ch in 0..<k {
                                    csr.flatRow(ch, offsets: off, x: padded, length: layout.length, scale: scale?[ch] ?? 1, shift: shift[ch], y: sums)
                                    finishOutputs(sums, sample: j, channel: ch)
                                }
                                continue
                            }
                            for block in 0..<blocks {
                                for ch in 0..<k {
                                    let at = ch * (blocks + 1) + block
                                    csr.flatSpan(Int(start[at])..<Int(start[at + 1]), offsets: off, x: padded, length: layout.length,
                                                 partial: block > 0, finish: block == blocks - 1,
                                                 scale: scale?[ch] ?? 1, shift: shift[ch], y: sums + ch * rowLength)
                                }
                            }
                            for ch in 0..<k { finishOutputs(sums + ch * rowLength, sample: j, channel: ch) }
                        }
                    }
                }
            }
        }
        return true
    }

    /// The input-channel blocks of the sparse routes: as many channels per block as fit in
    /// about 32 KB of padded planes (an L1 data cache on Zen 3 and 4), at least one, in blocks
    /// of nearly equal size; the channels per block and the number of blocks.
    static func sparseBlocks(_ channels: Int, bytesPerChannel: Int) -> (channels: Int, count: Int) {
        let most = max(1, min(channels, (32 << 10) / max(1, bytesPerChannel)))
        let blocks = (channels + most - 1) / most
        let perBlock = (channels + blocks - 1) / blocks
        return (perBlock, (channels + perBlock - 1) / perBlock)
    }

    /// ``SparseConvRoute/batched``: the samples in groups of 16 (the last group padded with
    /// zero samples), each group's planes zero-padded into one flat layout with the 16 samples
    /// innermost (`((c·rows + i)·pitch + j)·16 + b`). Output channel `ch` of a group is then the
    /// flat kernel's row over `((Ho−1)·pitch + Wo)·16` floats, with every nonzero's offset ×16;
    /// the columns past `Wo` in each row are computed and dropped. Groups are packed in
    /// parallel, then the output channels split between the workers. False (nothing done)
    /// when the layout's offsets do not fit 32 bits.
    func sparseBatchedForward(_ csr: CSRWeights, _ plan: ConvPlan, _ io: ConvForwardIO) throws -> Bool {
        let g = plan.geometry
        let c = inChannels, k = outChannels, (kh, kw) = kernel, (ph, pw) = padding
        let ho = g.height + 2 * ph - kh + 1, wo = g.width + 2 * pw - kw + 1
        let pitch = g.width + 2 * pw, rows = g.height + 2 * ph
        let lanes = 16
        let (planeStride, o1) = rows.multipliedReportingOverflow(by: pitch)
        let (groupFloats, o2) = (c * lanes).multipliedReportingOverflow(by: planeStride)
        guard !o1, !o2, groupFloats < Int(Int32.max),
              var offsets = csr.flatOffsets(taps: kh * kw, kernelW: kw, planeStride: planeStride, pitch: pitch, lanes: lanes) else { return false }
        if offsets.isEmpty { offsets = [0] }  // a fully pruned layer: never read, but a valid pointer
        let n = g.batch, groups = (n + lanes - 1) / lanes
        let inPlane = g.height * g.width, outPlane = ho * wo
        let length = ((ho - 1) * pitch + wo) * lanes
        let (packedFloats, o3) = groups.multipliedReportingOverflow(by: groupFloats)
        guard !o3 else { return false }
        let xp = io.x, yp = io.y, ap = io.addend, rectified = io.rectified
        let scale = io.scale, shift = io.shift
        // 64-byte aligned: every load of the kernels then falls within one cache line.
        try Workspace.withBuffer(count: packedFloats + 16) { buffer in
            let packed = buffer + (16 - (Int(bitPattern: buffer) / 4) % 16) % 16
            let packers = min(BLASWorkers.count, groups)
            try BLASWorkers.run(packers) { w in
                // Through a tile of one channel's 16 planes: each sample's plane is read
                // whole, then every position's 16 samples are written as one contiguous
                // vector (read position by position, the 16 planes, a whole sample apart,
                // thrashed L1 sets: this loop took half the route's copying time).
                try Workspace.withBuffer(count: lanes * inPlane) { tile in
                    for group in BLASWorkers.share(groups, w, packers) {
                        let out = packed + group * groupFloats
                        out.update(repeating: 0, count: groupFloats)
                        let samples = min(lanes, n - group * lanes)
                        // A last group's missing samples: zero lanes, computed and dropped.
                        (tile + samples * inPlane).update(repeating: 0, count: (lanes - samples) * inPlane)
                        let first = xp + group * lanes * c * inPlane
                        for ci in 0..<c {
                            for b in 0..<samples {
                                let src = first + (b * c + ci) * inPlane, dst = tile + b * inPlane
                                for q in 0..<inPlane { dst[q] = src[q] }
                            }
                            for i in 0..<g.height {
                                let dst = out + (ci * planeStride + (i + ph) * pitch + pw) * lanes
                                for j in 0..<g.width {
                                    let from = tile + i * g.width + j, to = dst + j * lanes
                                    for b in 0..<lanes { to[b] = from[b * inPlane] }
                                }
                            }
                        }
                    }
                }
            }
            // The input channels in blocks of about 32 KB of packed planes (an L1 data cache on
            // Zen 3 and 4), each block's terms of every output channel of this worker added
            // onto its partial sums, which stay in L2: far fewer L2 reads than one sweep of all
            // the planes per output channel, and the same sums bit for bit. Measured on Zen 3
            // (VGG-16 w/4's 128→128 layers, batch 64): 16–64 KB blocks within 5% of each
            // other; unblocked, 4×4 planes take 25% longer and 2×2 planes 20%.
            let (blockChannels, blocks) = Conv2d.sparseBlocks(c, bytesPerChannel: 4 * planeStride * lanes)
            let starts = csr.columnBlockStarts(blockColumns: blockChannels * kh * kw)
            let rounded = (length + 15) / 16 * 16
            let workers = min(BLASWorkers.count, k)
            try offsets.withUnsafeBufferPointer { offsetBuffer in
                guard let off = offsetBuffer.baseAddress else { return }
                try starts.withUnsafeBufferPointer { startBuffer in
                    guard let start = startBuffer.baseAddress else { return }
                    try BLASWorkers.run(workers) { w in
                        let mine = BLASWorkers.share(k, w, workers)
                        if mine.isEmpty { return }
                        try Workspace.withBuffer(count: mine.count * rounded) { sums in
                            for group in 0..<groups {
                                let x = packed + group * groupFloats
                                for block in 0..<blocks {
                                    for ch in mine {
                                        let at = ch * (blocks + 1) + block
                                        csr.flatSpan(Int(start[at])..<Int(start[at + 1]), offsets: off, x: x, length: length,
                                                     partial: block > 0, finish: block == blocks - 1,
                                                     scale: scale?[ch] ?? 1, shift: shift[ch], y: sums + (ch - mine.lowerBound) * rounded)
                                    }
                                }
                                let samples = min(lanes, n - group * lanes)
                                for ch in mine {
                                    let row = sums + (ch - mine.lowerBound) * rounded
                                    for b in 0..<samples {
                                        let at = ((group * lanes + b) * k + ch) * outPlane
                                        SparsePlaneCopies.outputs(row + b, pitch: pitch, stride: lanes, rows: ho, cols: wo, into: yp + at,
                                                                  adding: ap.map { $0 + at }, rectified: rectified)
                                    }
                                }
                            }
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
