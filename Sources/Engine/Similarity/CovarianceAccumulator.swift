import CBLAS

/// Streams two layers, batch by batch, into their means and joint covariance (Float64), in
/// O((n1 + n2)²) memory whatever the number of datapoints.
///
/// Each batch is centred on its own means and its scatter matrix added with `dsyrk`; batches
/// are merged with the parallel update of Chan, Golub & LeVeque (1979):
///
///     δ = μ_B − μ_A,  M2 = M2_A + M2_B + δδᵀ · n_A n_B / (n_A + n_B),  μ = μ_A + δ · n_B / (n_A + n_B)
///
/// (never raw sums of squares, which lose every digit when means are large). The result,
/// ``statistics()``, gives CCA, SVCCA, PWCCA and linear CKA equal to the full-matrix results
/// (see ``JointStatistics`` for why these statistics suffice), and
/// ``SimilarityMeasure/compute(from:)`` computes them.
///
/// Typical use (what `sim.layers` builds on): create one accumulator per layer pair, call
/// ``add(_:_:)`` with each batch's activations of both layers (any number of datapoints per batch,
/// the same neurons every time), then ask for a measure.
///
/// If a Ctrl-C interrupts ``add(_:_:)`` mid-batch the accumulator is marked incomplete and
/// refuses further use (its statistics would silently miss part of a batch).
public final class CovarianceAccumulator {
    /// Datapoints seen so far.
    public private(set) var count = 0
    /// Batches added so far.
    public private(set) var batches = 0
    /// Neurons of the first layer (0 before the first batch).
    public private(set) var neurons1 = 0
    /// Neurons of the second layer (0 before the first batch).
    public private(set) var neurons2 = 0

    private var mean: [Double] = []
    /// Scatter blocks Σ (x − μx)(x − μx)ᵀ, Σ (y − μy)(y − μy)ᵀ (lower triangles kept up to
    /// date; ``statistics()`` mirrors them) and Σ (x − μx)(y − μy)ᵀ.
    private var xx = Matrix(rows: 0, columns: 0)
    private var yy = Matrix(rows: 0, columns: 0)
    private var xy = Matrix(rows: 0, columns: 0)
    private var interrupted = false

    public init() {}

    /// How 4-D batches were made matrices (from the ``LayerActivations`` added); nil when every
    /// batch was 2-D. Results computed from this accumulator state it.
    public private(set) var convolution: ConvolutionLayout?

    /// Adds one batch: `x` and `y` hold the same datapoints (columns) of the two layers.
    public func add(_ x: LayerActivations, _ y: LayerActivations) throws {
        try checkUsable()
        guard x.datapoints == y.datapoints else {
            throw EngineError("the two layers of a batch must have the same number of datapoints: \(x.name) has \(x.datapoints) (shape \(x.shapeDescription)), \(y.name) has \(y.datapoints) (shape \(y.shapeDescription))")
        }
        if batches > 0 {
            guard x.neurons == neurons1, y.neurons == neurons2 else {
                throw EngineError("batch \(batches + 1) has \(x.neurons) and \(y.neurons) neurons (shapes \(x.shapeDescription) and \(y.shapeDescription)), but earlier batches had \(neurons1) and \(neurons2)")
            }
        }
        let n1 = x.neurons, n2 = y.neurons, n = n1 + n2
        let b = x.datapoints
        if let layout = x.convolution ?? y.convolution { convolution = layout }

        // Pass 1: the batch means (and the finiteness check), before anything changes.
        let batchMean = try x.rowSums().map { $0 / Double(b) } + y.rowSums().map { $0 / Double(b) }
        try Cancellation.check()
        if batches == 0 {
            neurons1 = n1
            neurons2 = n2
            mean = [Double](repeating: 0, count: n)
            xx = Matrix(rows: n1, columns: n1)
            yy = Matrix(rows: n2, columns: n2)
            xy = Matrix(rows: n1, columns: n2)
        }

        // Pass 2: add the batch's centred scatter, block by block. The block holds x's rows
        // then y's rows, row-major with leading dimension w: column-major w × n, i.e. the
        // datapoints × neurons matrices Xᵀ and Yᵀ side by side.
        let width = min(b, LayerActivations.blockWidth(rows: n))
        let block = UnsafeMutablePointer<Double>.allocate(capacity: n * width)
        defer { block.deallocate() }
        let xMean = Array(batchMean[0..<n1]), yMean = Array(batchMean[n1...])
        var start = 0
        while start < b {
            let end = min(b, start + width)
            let w = end - start
            x.readBlock(rows: nil, columns: start..<end, subtracting: xMean, into: block, ld: w)
            y.readBlock(rows: nil, columns: start..<end, subtracting: yMean, into: block + n1 * w, ld: w)
            let yBlock = block + n1 * w
            xx.elements.withUnsafeMutableBufferPointer { c in
                cblas_dsyrk(CblasColMajor, CblasLower, CblasTrans, Int32(n1), Int32(w), 1, block, Int32(w), 1, c.baseAddress, Int32(n1))
            }
            yy.elements.withUnsafeMutableBufferPointer { c in
                cblas_dsyrk(CblasColMajor, CblasLower, CblasTrans, Int32(n2), Int32(w), 1, yBlock, Int32(w), 1, c.baseAddress, Int32(n2))
            }
            xy.elements.withUnsafeMutableBufferPointer { c in
                cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, Int32(n1), Int32(n2), Int32(w), 1, block, Int32(w), yBlock, Int32(w), 1, c.baseAddress, Int32(n1))
            }
            start = end
            if start < b {
                do { try Cancellation.check() } catch { interrupted = true; throw error }
            }
        }

        // Merge (Chan et al.): the between-means term and the new mean.
        let nA = Double(count), nB = Double(b), total = nA + nB
        if count > 0 {
            var delta = [Double](repeating: 0, count: n)
            for i in 0..<n { delta[i] = batchMean[i] - mean[i] }
            let f = nA * nB / total
            delta.withUnsafeBufferPointer { d in
                guard let dx = d.baseAddress else { return }
                let dy = dx + n1
                xx.elements.withUnsafeMutableBufferPointer { c in cblas_dsyr(CblasColMajor, CblasLower, Int32(n1), f, dx, 1, c.baseAddress, Int32(n1)) }
                yy.elements.withUnsafeMutableBufferPointer { c in cblas_dsyr(CblasColMajor, CblasLower, Int32(n2), f, dy, 1, c.baseAddress, Int32(n2)) }
                xy.elements.withUnsafeMutableBufferPointer { c in cblas_dger(CblasColMajor, Int32(n1), Int32(n2), f, dx, 1, dy, 1, c.baseAddress, Int32(n1)) }
            }
            for i in 0..<n { mean[i] += delta[i] * (nB / total) }
        } else {
            mean = batchMean
        }
        count += b
        batches += 1
    }

    /// The means and scatter blocks of everything added so far. The blocks share storage with
    /// the accumulator until it next changes (copy on write), so asking costs no memory.
    public func statistics() throws -> JointStatistics {
        try checkUsable()
        guard batches > 0 else {
            throw EngineError("the accumulator is empty: add batches of both layers first")
        }
        guard count >= 2 else {
            throw EngineError("a covariance needs at least 2 datapoints, but the accumulator has \(count)")
        }
        CovarianceAccumulator.mirrorLowerTriangle(&xx)
        CovarianceAccumulator.mirrorLowerTriangle(&yy)
        guard xx.isFinite, yy.isFinite, xy.isFinite else {
            throw EngineError("the covariance overflows Float64: the activations are too large in magnitude", kind: .numerical)
        }
        return JointStatistics(count: count, mean1: Array(mean[0..<neurons1]), mean2: Array(mean[neurons1...]),
                               scatterXX: xx, scatterYY: yy, scatterXY: xy)
    }

    /// Copies the lower triangle of a square column-major matrix onto its upper triangle.
    private static func mirrorLowerTriangle(_ m: inout Matrix) {
        let n = m.rows
        m.elements.withUnsafeMutableBufferPointer { p in
            for j in 0..<n { for i in (j + 1)..<max(j + 1, n) { p[i * n + j] = p[j * n + i] } }
        }
    }

    private func checkUsable() throws {
        if interrupted {
            throw EngineError("this accumulator was interrupted in the middle of a batch, so its statistics are incomplete: create a new one")
        }
    }
}
