/// Canonical correlation analysis of two layers from their covariance blocks, exactly as
/// SIMILARITY.md defines it (the semantics of Google's `cca_core.get_cca_similarity`, Raghu et
/// al. 2017), computed robustly:
///
/// 1. rescale: Sxx /= xmax, Syy /= ymax, Sxy /= √(xmax·ymax), xmax = max|Sxx_ij|;
/// 2. keep neurons whose rescaled variance is ≥ ε (a threshold relative to the layer's largest
///    variance); a layer that keeps none gives similarity 0;
/// 3. regularise: Sxx += εI, Syy += εI;
/// 4. ρ = singular values of Sxx^(-1/2)·Sxy·Syy^(-1/2), with the inverse square roots taken from
///    symmetric eigendecompositions (`dsyevd`) Sxx = Vx·Λx·Vxᵀ. Because Vx and Vy are orthogonal,
///    the singular values are those of Λx^(-1/2)·(Vxᵀ·Sxy·Vy)·Λy^(-1/2), which is what is
///    decomposed (`dgesdd`); eigenvalues at or below 1e-15·λmax count as zero, as NumPy's `pinv`
///    does, so exactly collinear or dead directions give finite coefficients.
///
/// When only the coefficients are asked for (not the directions) and ε is large enough that
/// ε·I keeps every eigenvalue above that cutoff (the default 1e-10 does for up to 10⁴ neurons),
/// the whitening is Cholesky's instead: ρ = singular values of Lx⁻¹·Sxy·Ly⁻ᵀ with
/// Sxx = Lx·Lxᵀ (`dpotrf`, `dtrsm`). It has the same singular values (Lx⁻¹ and Sxx^(-1/2) differ
/// by an orthogonal factor) for a fraction of the cost of two eigendecompositions; a matrix
/// that is not numerically positive definite falls back to the eigendecomposition.
public struct CanonicalCorrelation: Sendable {
    /// Canonical correlations, descending; min(kept1, kept2) of them.
    public let rho: [Double]
    /// Indices of the neurons of X kept by the ε threshold.
    public let kept1: [Int]
    /// Indices of the neurons of Y kept by the ε threshold.
    public let kept2: [Int]
    /// Canonical directions on X's side, in the coordinates of the kept neurons
    /// (kept1 × min(kept1, kept2)): the left singular vectors of Sxx^(-1/2)·Sxy·Syy^(-1/2).
    /// Only computed when asked for.
    public let u: Matrix?
    /// The same on Y's side (kept2 × min(kept1, kept2)): the right singular vectors.
    public let v: Matrix?

    /// How the covariance blocks were whitened.
    public enum WhiteningRoute: Sendable, Equatable {
        /// Inverse square roots from symmetric eigendecompositions (`dsyevd`).
        case eigendecomposition
        /// Inverse Cholesky factors (`dpotrf`, `dtrsm`): coefficients only, ε large enough.
        case cholesky
    }
    /// The whitening that produced ``rho`` (nil when a layer kept no neuron).
    public let route: WhiteningRoute?

    /// The plain mean of all coefficients (0 when none).
    public var mean: Double { rho.isEmpty ? 0 : rho.reduce(0, +) / Double(rho.count) }

    /// The mean of the first i coefficients, i the smallest index with Σ_{j<i} ρ_j / Σ ρ ≥
    /// `threshold` (all of them if there is none); 0 when all are 0. This is the reference
    /// implementation's summary `mean` (its `sum_threshold`, threshold 0.98).
    public func thresholdMean(_ threshold: Double = 0.98) -> Double {
        let total = rho.reduce(0, +)
        guard total > 0 else { return 0 }
        var partial = 0.0
        for i in 0..<rho.count {
            if partial / total >= threshold, i > 0 { return partial / Double(i) }
            partial += rho[i]
        }
        return mean
    }

    /// Runs CCA on the scatter blocks of `statistics` with threshold/regulariser `epsilon`.
    /// `vectors` also computes ``u`` and ``v`` (for PWCCA).
    public init(_ statistics: JointStatistics, epsilon: Double, vectors: Bool = false) throws {
        try self.init(sxx: statistics.scatterXX, syy: statistics.scatterYY, sxy: statistics.scatterXY, epsilon: epsilon, vectors: vectors)
    }

    /// Runs CCA on covariance blocks Sxx (n1×n1), Syy (n2×n2) and Sxy (n1×n2), or on the same
    /// blocks times any common positive factor (scatter matrices): step 1 makes it irrelevant.
    public init(sxx: Matrix, syy: Matrix, sxy: Matrix, epsilon: Double, vectors: Bool = false) throws {
        let xmax = sxx.maxAbsoluteElement, ymax = syy.maxAbsoluteElement
        kept1 = xmax > 0 ? (0..<sxx.rows).filter { sxx[$0, $0] / xmax >= epsilon } : []
        kept2 = ymax > 0 ? (0..<syy.rows).filter { syy[$0, $0] / ymax >= epsilon } : []
        if kept1.isEmpty || kept2.isEmpty {
            rho = []
            u = vectors ? Matrix(rows: kept1.count, columns: 0) : nil
            v = vectors ? Matrix(rows: kept2.count, columns: 0) : nil
            route = nil
            return
        }
        try Cancellation.check()
        let sxxKept = sxx.selecting(rows: kept1, columns: kept1), syyKept = syy.selecting(rows: kept2, columns: kept2)
        // Sxy / √(xmax·ymax)
        var cross = sxy.selecting(rows: kept1, columns: kept2)
        let crossScale = 1 / (xmax.squareRoot() * ymax.squareRoot())
        for i in cross.elements.indices { cross.elements[i] *= crossScale }
        if !vectors, let t = try CanonicalCorrelation.choleskyWhitened(cross, sxxKept, scale: xmax, syyKept, scale: ymax, epsilon: epsilon) {
            rho = try CanonicalCorrelation.singularValues(t)
            u = nil
            v = nil
            route = .cholesky
            return
        }
        let (ex, ey) = try CanonicalCorrelation.whitenings(sxxKept, scale: xmax, syyKept, scale: ymax, epsilon: epsilon)
        try Cancellation.check()
        // T' = Λx^(-1/2) · Vxᵀ · (Sxy / √(xmax·ymax)) · Vy · Λy^(-1/2)
        var t = cross
        if let vx = ex.vectors { t = try Matrix.product(vx, t, transposeA: true) }
        if let vy = ey.vectors { t = try Matrix.product(t, vy) }
        t.scale(rows: ex.inverseRoots, columns: ey.inverseRoots)
        let svd = try SingularValueDecomposition(consume t, vectors: vectors)
        rho = try CanonicalCorrelation.checkedFinite(svd.values)
        route = .eigendecomposition
        if vectors, let uPrime = svd.u, let vtPrime = svd.vt {
            u = try ex.vectors.map { try Matrix.product($0, uPrime) } ?? uPrime
            v = try ey.vectors.map { try Matrix.product($0, vtPrime, transposeB: true) } ?? vtPrime.transposed
        } else {
            u = nil
            v = nil
        }
    }

    /// CCA of two layers whose covariance blocks are diagonal, Sxx = diag(`variancesX`) and
    /// Syy = diag(`variancesY`) — SVCCA's reduced layers — with cross block `sxy`: the same
    /// numbers as ``init(sxx:syy:sxy:epsilon:vectors:)`` given the dense diagonal blocks
    /// (identical floating-point steps: rescale, threshold, regularise, whiten by 1/√λ), without
    /// forming those blocks or copying `sxy` when every neuron is kept.
    public init(variancesX: [Double], variancesY: [Double], sxy: consuming Matrix, epsilon: Double) throws {
        guard sxy.rows == variancesX.count, sxy.columns == variancesY.count else {
            throw EngineError.invalid("CCA of diagonal blocks", expected: "a \(variancesX.count)×\(variancesY.count) cross block",
                                      given: "\(sxy.rows)×\(sxy.columns)")
        }
        let xmax = variancesX.reduce(0) { max($0, abs($1)) }, ymax = variancesY.reduce(0) { max($0, abs($1)) }
        kept1 = xmax > 0 ? variancesX.indices.filter { variancesX[$0] / xmax >= epsilon } : []
        kept2 = ymax > 0 ? variancesY.indices.filter { variancesY[$0] / ymax >= epsilon } : []
        u = nil
        v = nil
        if kept1.isEmpty || kept2.isEmpty {
            rho = []
            route = nil
            return
        }
        var t = sxy.selecting(rows: kept1, columns: kept2)
        sxy = Matrix(rows: 0, columns: 0)   // drop the second reference, so `t` is scaled in place
        let crossScale = 1 / (xmax.squareRoot() * ymax.squareRoot())
        for i in t.elements.indices { t.elements[i] *= crossScale }
        let rootsX = CanonicalCorrelation.inverseRoots(kept1.map { variancesX[$0] / xmax + epsilon })
        let rootsY = CanonicalCorrelation.inverseRoots(kept2.map { variancesY[$0] / ymax + epsilon })
        t.scale(rows: rootsX, columns: rootsY)
        rho = try CanonicalCorrelation.singularValues(t)
        route = .eigendecomposition
    }

    /// The singular values of `t`, descending, checked finite.
    private static func singularValues(_ t: consuming Matrix) throws -> [Double] {
        try checkedFinite(SingularValueDecomposition(t, vectors: false).values)
    }

    private static func checkedFinite(_ values: [Double]) throws -> [Double] {
        guard values.allSatisfy({ $0.isFinite }) else {
            throw EngineError("CCA produced non-finite coefficients (the covariance is too badly scaled)", kind: .numerical)
        }
        return values
    }

    /// Lx⁻¹ · `cross` · Ly⁻ᵀ, with (Sxx/scale + εI) = Lx·Lxᵀ and likewise for Y (Cholesky
    /// factors), or nil where the eigendecomposition route must be taken instead.
    ///
    /// L⁻¹ whitens as S^(-1/2) does (S^(-1/2) = Q·L⁻¹ with Q = S^(-1/2)·L orthogonal), so the
    /// singular values, the canonical correlations, are the same, at a fraction of the cost of
    /// two eigendecompositions. The routes agree exactly in exact arithmetic only while no
    /// eigenvalue falls under the pseudo-inverse cutoff (1e-15·λmax): ε·I guarantees it when ε
    /// exceeds 1e-14 × the neuron count (λmax ≤ the trace ≤ n after the rescaling), so smaller
    /// ε, a diagonal pair (SVCCA's reduced layers, which need no decomposition) and a failed
    /// factorisation all return nil.
    private static func choleskyWhitened(_ cross: Matrix, _ a: Matrix, scale scaleA: Double, _ b: Matrix, scale scaleB: Double,
                                         epsilon: Double) throws -> Matrix? {
        guard epsilon > 1e-14 * Double(max(a.rows, b.rows)), !(a.isDiagonal && b.isDiagonal) else { return nil }
        guard let lx = try CholeskyFactor(regularised(a, scale: scaleA, epsilon: epsilon)),
              let ly = try CholeskyFactor(regularised(b, scale: scaleB, epsilon: epsilon)) else { return nil }
        try Cancellation.check()
        return try ly.solvingRightTransposed(lx.solvingLeft(cross))
    }

    /// S/scale + εI.
    private static func regularised(_ a: consuming Matrix, scale: Double, epsilon: Double) -> Matrix {
        for i in a.elements.indices { a.elements[i] /= scale }
        for i in 0..<a.rows { a[i, i] += epsilon }
        return a
    }

    typealias Whitening = (vectors: Matrix?, inverseRoots: [Double])

    /// ``whitening(_:scale:epsilon:)`` of both layers. Large blocks are decomposed concurrently,
    /// one single-threaded LAPACK call per core: `dsyevd` on a few hundred neurons is mostly
    /// matrix–vector work that two BLAS threads barely speed up.
    private static func whitenings(_ a: Matrix, scale scaleA: Double, _ b: Matrix, scale scaleB: Double,
                                   epsilon: Double) throws -> (Whitening, Whitening) {
        guard min(a.rows, b.rows) >= 128, BLASWorkers.count > 1 else {
            return (try whitening(a, scale: scaleA, epsilon: epsilon), try whitening(b, scale: scaleB, epsilon: epsilon))
        }
        var results: [Whitening?] = [nil, nil]
        try results.withUnsafeMutableBufferPointer { out in
            try BLASWorkers.run(2) { side in
                out[side] = side == 0 ? try whitening(a, scale: scaleA, epsilon: epsilon)
                                      : try whitening(b, scale: scaleB, epsilon: epsilon)
            }
        }
        guard let ex = results[0], let ey = results[1] else {
            throw EngineError("CCA: a whitening step did not run", kind: .numerical)
        }
        return (ex, ey)
    }

    /// Eigenvectors of (S/scale + εI) and the inverse square roots of its eigenvalues (0 for
    /// eigenvalues ≤ 1e-15·λmax, as a pseudo-inverse would have it). A diagonal S (SVCCA's
    /// reduced layers) needs no decomposition: its eigenvectors (nil) are the identity.
    private static func whitening(_ a: consuming Matrix, scale: Double, epsilon: Double) throws -> Whitening {
        let a = regularised(a, scale: scale, epsilon: epsilon)
        let values: [Double]
        var vectors: Matrix?
        if a.isDiagonal {
            values = a.diagonalElements
        } else {
            let eigen = try SymmetricEigen(consume a)
            values = eigen.values
            vectors = eigen.vectors
        }
        return (vectors, inverseRoots(values))
    }

    /// 1/√λ for each eigenvalue λ, 0 for λ ≤ 1e-15·λmax (as a pseudo-inverse would have it).
    private static func inverseRoots(_ values: [Double]) -> [Double] {
        let cutoff = 1e-15 * (values.max() ?? 0)
        return values.map { $0 > cutoff && $0 > 0 ? 1 / $0.squareRoot() : 0 }
    }
}
