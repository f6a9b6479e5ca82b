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
    /// Row-major (n1+n2)² scatter matrix Σ (z − μ)(z − μ)ᵀ; only the upper triangle is kept.
    private var scatter: [Double] = []
    private var interrupted = false

    public init() {}

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

        // Pass 1: the batch means (and the finiteness check), before anything changes.
        let batchMean = try x.rowSums().map { $0 / Double(b) } + y.rowSums().map { $0 / Double(b) }
        try Cancellation.check()
        if batches == 0 {
            neurons1 = n1
            neurons2 = n2
            mean = [Double](repeating: 0, count: n)
            scatter = [Double](repeating: 0, count: n * n)
        }

        // Pass 2: add the batch's centred scatter, block by block.
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
            scatter.withUnsafeMutableBufferPointer { s in
                cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, Int32(n), Int32(w), 1, block, Int32(w), 1, s.baseAddress, Int32(n))
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
            scatter.withUnsafeMutableBufferPointer { s in
                cblas_dsyr(CblasRowMajor, CblasUpper, Int32(n), nA * nB / total, delta, 1, s.baseAddress, Int32(n))
            }
            for i in 0..<n { mean[i] += delta[i] * (nB / total) }
        } else {
            mean = batchMean
        }
        count += b
        batches += 1
    }

    /// The means and covariance blocks of everything added so far.
    public func statistics() throws -> JointStatistics {
        try checkUsable()
        guard batches > 0 else {
            throw EngineError("the accumulator is empty: add batches of both layers first")
        }
        guard count >= 2 else {
            throw EngineError("a covariance needs at least 2 datapoints, but the accumulator has \(count)")
        }
        let n1 = neurons1, n2 = neurons2, n = n1 + n2
        let scale = 1 / Double(count - 1)
        var sxx = Matrix(rows: n1, columns: n1), syy = Matrix(rows: n2, columns: n2), sxy = Matrix(rows: n1, columns: n2)
        scatter.withUnsafeBufferPointer { s in
            for i in 0..<n1 {
                for j in i..<n1 {
                    let v = s[i * n + j] * scale
                    sxx[i, j] = v
                    sxx[j, i] = v
                }
                for j in 0..<n2 { sxy[i, j] = s[i * n + n1 + j] * scale }
            }
            for i in 0..<n2 {
                for j in i..<n2 {
                    let v = s[(n1 + i) * n + n1 + j] * scale
                    syy[i, j] = v
                    syy[j, i] = v
                }
            }
        }
        guard sxx.isFinite, syy.isFinite, sxy.isFinite else {
            throw EngineError("the covariance overflows Float64: the activations are too large in magnitude", kind: .numerical)
        }
        return JointStatistics(count: count, mean1: Array(mean[0..<n1]), mean2: Array(mean[n1...]), sxx: sxx, syy: syy, sxy: sxy)
    }

    private func checkUsable() throws {
        if interrupted {
            throw EngineError("this accumulator was interrupted in the middle of a batch, so its statistics are incomplete: create a new one")
        }
    }
}
