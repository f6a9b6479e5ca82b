import CBLAS

/// Projection-weighted CCA (Morcos, Raghu & Bengio 2018), as SIMILARITY.md defines it:
///
/// Run CCA (threshold/regulariser ε). The layer that keeps **fewer** neurons (the first on a
/// tie) is the weighted side A (its kept, uncentred neurons; means μ). With u its canonical
/// directions (left singular vectors for X, right ones for Y), D = uᵀ(A − μ1ᵀ) + μ1ᵀ; the rows of
/// D are orthonormalised in order (Gram–Schmidt order), giving q_i; the weight of coefficient i
/// is w_i = Σ_j |⟨q_i, A_j⟩|, normalised to sum 1; PWCCA = Σ w_i ρ_i.
///
/// Singular vectors are defined only up to sign, and because of the "+ μ" term the weights
/// depend on that sign (Google's code inherits whatever sign LAPACK returns, so its PWCCA of
/// uncentred activations, every ReLU layer, depends on the NumPy/LAPACK build: it is 0.0117
/// below this convention's on issue 16's reproducer and 0.001 to 0.049 away on the uncentred
/// pairs of `suites/interop/google_reference`, where flipping every sign moves it by up to 0.10).
/// prunelab fixes it (``signConvention``): each direction is oriented so that its
/// largest-magnitude coefficient is positive (the convention of scikit-learn's `svd_flip`), and
/// the value equals Google's `compute_pwcca` run with the same signs (to 1e-9 in that test).
/// With centred activations (μ = 0) the sign does not matter and the result is the reference's
/// as published.
///
/// Even so, when coefficients repeat (for example several exactly 1, as with too few
/// datapoints) any basis of their subspace is a valid set of directions, and with uncentred
/// activations the weights depend on which one LAPACK returns: PWCCA is then defined only to
/// about the size of the gaps between the repeated coefficients' neighbours.
///
/// Choosing the side by kept counts (not by argument position) makes the answer the same in
/// either order whenever the layers keep different numbers of neurons (Google's `compute_pwcca`
/// mixes up the layers when the first one keeps more). A row of D that is linearly dependent on
/// the rows before it (relative residual below 1e-7, e.g. with exactly duplicated neurons) has
/// no direction of its own: its weight is 0.
public struct ProjectionWeightedCCA: Sendable {
    /// The weighted mean Σ w_i ρ_i (0 when a layer keeps no neuron).
    public let value: Double
    /// The weights w_i (summing to 1), one per coefficient.
    public let weights: [Double]
    /// The underlying CCA (coefficients, kept neurons).
    public let cca: CanonicalCorrelation
    /// 1 when the weights come from X, 2 when from Y.
    public let weightedSide: Int

    static let dependenceTolerance = 1e-7

    /// The sign convention of the canonical directions, as the measure's parameters report it
    /// (`signs`): each direction's largest-magnitude coefficient is positive.
    public static let signConvention = "largest-positive"

    /// What the convention means for a reader comparing with Google's code, in one clause.
    public static let signConventionSummary =
        "signs fixed: largest |coefficient| of each direction positive; Google's compute_pwcca keeps LAPACK's and differs on uncentred data"

    /// Full-matrix PWCCA: D is formed from the data and orthonormalised by Householder QR
    /// (`dgeqrf`/`dorgqr`), as the reference does. `statistics` must be those of `x` and `y`.
    public init(_ x: LayerActivations, _ y: LayerActivations, statistics: JointStatistics, epsilon: Double) throws {
        let cca = try CanonicalCorrelation(statistics, epsilon: epsilon, vectors: true)
        let side = ProjectionWeightedCCA.side(cca, statistics)
        var weights: [Double] = []
        if !cca.rho.isEmpty {
            weights = try ProjectionWeightedCCA.weightsFromData(side.useX ? x : y, side)
        }
        self.init(cca: cca, side: side.useX ? 1 : 2, rawWeights: weights)
    }

    /// PWCCA from the statistics alone (the streaming path): the Gram matrix D·Dᵀ and the inner
    /// products D·Aᵀ follow from the means and covariance (see ``JointStatistics``), and the
    /// Gram–Schmidt coefficients from a Cholesky factorisation D·Dᵀ = L·Lᵀ (⟨q_i, A_j⟩ = (L⁻¹·D·Aᵀ)_ij).
    public init(_ statistics: JointStatistics, epsilon: Double) throws {
        let cca = try CanonicalCorrelation(statistics, epsilon: epsilon, vectors: true)
        let side = ProjectionWeightedCCA.side(cca, statistics)
        var weights: [Double] = []
        if !cca.rho.isEmpty {
            weights = try ProjectionWeightedCCA.weightsFromStatistics(statistics, side)
        }
        self.init(cca: cca, side: side.useX ? 1 : 2, rawWeights: weights)
    }

    private init(cca: CanonicalCorrelation, side: Int, rawWeights: [Double]) {
        self.cca = cca
        self.weightedSide = side
        let total = rawWeights.reduce(0, +)
        if total > 0, total.isFinite {
            weights = rawWeights.map { $0 / total }
            value = zip(weights, cca.rho).reduce(0) { $0 + $1.0 * $1.1 }
        } else {
            weights = [Double](repeating: 0, count: rawWeights.count)
            value = 0
        }
    }

    /// The weighted side: which layer, its kept neurons, their means and scatter matrix, and the
    /// canonical directions (kept × kept).
    private struct Side {
        let useX: Bool
        let kept: [Int]
        let means: [Double]
        let scatter: Matrix
        let directions: Matrix
    }

    private static func side(_ cca: CanonicalCorrelation, _ s: JointStatistics) -> Side {
        let useX = cca.kept1.count <= cca.kept2.count
        let kept = useX ? cca.kept1 : cca.kept2
        let allMeans = useX ? s.mean1 : s.mean2
        let cov = (useX ? s.scatterXX : s.scatterYY).selecting(rows: kept, columns: kept)
        var dirs = (useX ? cca.u : cca.v) ?? Matrix(rows: kept.count, columns: 0)
        // Sign convention: the largest-magnitude entry of each direction is positive.
        for c in 0..<dirs.columns {
            var largest = 0.0
            for r in 0..<dirs.rows where abs(dirs[r, c]) > abs(largest) { largest = dirs[r, c] }
            if largest < 0 { for r in 0..<dirs.rows { dirs[r, c] = -dirs[r, c] } }
        }
        return Side(useX: useX, kept: kept, means: kept.map { allMeans[$0] }, scatter: cov, directions: dirs)
    }

    // MARK: full matrix

    private static func weightsFromData(_ a: LayerActivations, _ side: Side) throws -> [Double] {
        let k = side.directions.columns, ka = side.kept.count, m = a.datapoints
        var active = Array(0..<k)
        let width = min(m, LayerActivations.blockWidth(rows: ka))
        let block = UnsafeMutablePointer<Double>.allocate(capacity: ka * width)
        defer { block.deallocate() }
        while !active.isEmpty {
            let na = active.count
            // D, stored row by row (na × m), which is Dᵀ in LAPACK's column-major layout.
            let d = UnsafeMutablePointer<Double>.allocate(capacity: na * m)
            defer { d.deallocate() }
            let dirs = side.directions.selecting(rows: Array(0..<ka), columns: active)
            var start = 0
            while start < m {
                let end = min(m, start + width), w = end - start
                a.readBlock(rows: side.kept, columns: start..<end, subtracting: side.means, into: block, ld: w)
                dirs.elements.withUnsafeBufferPointer { u in
                    // D[:, block] = uᵀ · (A − μ)[:, block]; u is column-major ka × na, i.e. uᵀ row-major.
                    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(na), Int32(w), Int32(ka), 1,
                                u.baseAddress, Int32(ka), block, Int32(w), 0, d + start, Int32(m))
                }
                start = end
                try Cancellation.check()
            }
            var norms = [Double](repeating: 0, count: na)
            for c in 0..<na {
                let row = d + c * m, mu = side.means[active[c]]
                for j in 0..<m { row[j] += mu }
                norms[c] = cblas_dnrm2(Int32(m), row, 1)
            }
            let r = try QRDecomposition.orthonormalizeColumns(d, rows: m, columns: na)
            try Cancellation.check()
            let dependent = (0..<na).filter { abs(r[$0]) <= dependenceTolerance * norms[$0] || norms[$0] == 0 }
            if !dependent.isEmpty {
                let drop = Set(dependent.map { active[$0] })
                active.removeAll { drop.contains($0) }
                continue
            }
            // W = Qᵀ · Aᵀ (na × ka) over the uncentred kept neurons, block by block.
            var wMatrix = [Double](repeating: 0, count: na * ka)
            start = 0
            while start < m {
                let end = min(m, start + width), w = end - start
                a.readBlock(rows: side.kept, columns: start..<end, subtracting: nil, into: block, ld: w)
                wMatrix.withUnsafeMutableBufferPointer { out in
                    cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, Int32(na), Int32(ka), Int32(w), 1,
                                d + start, Int32(m), block, Int32(w), 1, out.baseAddress, Int32(na))
                }
                start = end
                try Cancellation.check()
            }
            var weights = [Double](repeating: 0, count: k)
            for (c, direction) in active.enumerated() {
                var s = 0.0
                for j in 0..<ka { s += abs(wMatrix[j * na + c]) }
                weights[direction] = s
            }
            return weights
        }
        return [Double](repeating: 0, count: k)
    }

    // MARK: statistics only

    private static func weightsFromStatistics(_ s: JointStatistics, _ side: Side) throws -> [Double] {
        let k = side.directions.columns, ka = side.kept.count
        let f = 1 / Double(s.count)
        // With M = (m−1)·S_AA the scatter of the kept neurons:
        // C = (1/m)·D·Aᵀ = (1/m)·uᵀ·M + μ_c·μ_j ;  G = (1/m)·D·Dᵀ = (1/m)·uᵀ·M·u + μ_c·μ_d
        let us = try Matrix.product(side.directions, side.scatter, transposeA: true)   // k × ka
        let usu = try Matrix.product(us, side.directions)                                 // k × k
        var c = [Double](repeating: 0, count: k * ka)   // row-major k × ka
        var g = [Double](repeating: 0, count: k * k)    // row-major k × k
        let mu = side.means
        for i in 0..<k {
            for j in 0..<ka { c[i * ka + j] = f * us[i, j] + mu[i] * mu[j] }
            for j in 0..<k { g[i * k + j] = f * usu[i, j] + mu[i] * mu[j] }
        }
        // Left-looking Cholesky G = L·Lᵀ in Gram–Schmidt order, skipping dependent rows, and
        // P = L⁻¹·C by forward substitution: P_i = ⟨q_i, A_·⟩.
        var l = [Double](repeating: 0, count: k * k)    // row-major lower triangle
        var p = [Double](repeating: 0, count: k * ka)   // row-major k × ka
        let tolerance2 = dependenceTolerance * dependenceTolerance
        try l.withUnsafeMutableBufferPointer { lp in
            try p.withUnsafeMutableBufferPointer { pp in
                guard let L = lp.baseAddress, let P = pp.baseAddress else { return }
                for i in 0..<k {
                    let li = L + i * k
                    let gii = g[i * k + i]
                    let d = gii - (i > 0 ? cblas_ddot(Int32(i), li, 1, li, 1) : 0)
                    if !(d > tolerance2 * gii) {
                        for j in 0..<i { li[j] = 0 }
                        continue
                    }
                    let lii = d.squareRoot()
                    li[i] = lii
                    // Column i of L below the diagonal: (G[j, i] − L[j, :i]·L[i, :i]) / L_ii.
                    for j in (i + 1)..<max(i + 1, k) {
                        let lj = L + j * k
                        L[j * k + i] = (g[j * k + i] - (i > 0 ? cblas_ddot(Int32(i), lj, 1, li, 1) : 0)) / lii
                    }
                    // P_i = (C_i − Σ_{l<i} L_il · P_l) / L_ii.
                    let pi = P + i * ka
                    for j in 0..<ka { pi[j] = c[i * ka + j] }
                    if i > 0 {
                        cblas_dgemv(CblasRowMajor, CblasTrans, Int32(i), Int32(ka), -1, P, Int32(ka), li, 1, 1, pi, 1)
                    }
                    cblas_dscal(Int32(ka), 1 / lii, pi, 1)
                    if i % 64 == 63 { try Cancellation.check() }
                }
            }
        }
        return (0..<k).map { i in (0..<ka).reduce(0) { $0 + abs(p[i * ka + $1]) } }
    }
}
