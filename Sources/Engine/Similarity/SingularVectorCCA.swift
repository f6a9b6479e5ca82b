/// SVCCA (Raghu et al. 2017): reduce each layer to its top-k principal directions, then CCA.
///
/// SIMILARITY.md: the reduced layer is diag(s[:k])·Vᵀ[:k] = U[:, :k]ᵀ·(X − μ1ᵀ). prunelab never
/// forms the wide SVD: the principal directions U are the eigenvectors of the n×n covariance
/// Sxx = Ux·Λx·Uxᵀ (`dsyevd`), and the reduced layers' joint covariance is exactly
/// diag(λx[:k1]), Ux[:, :k1]ᵀ·Sxy·Uy[:, :k2], diag(λy[:k2]) — so SVCCA needs only the
/// ``JointStatistics`` and costs O(n³) after the covariance, not O(n²m).
/// SVCCA = the mean of the min(k1, k2) canonical correlations of the reduced layers (CCA with
/// threshold/regulariser ε, 1e-10 by default).
public struct SingularVectorCCA: Sendable {
    /// Principal directions kept for X and for Y.
    public let k1: Int, k2: Int
    /// CCA of the reduced layers.
    public let cca: CanonicalCorrelation

    public init(_ statistics: JointStatistics, reduction: SVCCAReduction, epsilon: Double) throws {
        try reduction.validate()
        // Eigendecompose one side at a time, keeping only the leading k columns (memory: the
        // streaming path must stay small for 1024-neuron layers).
        func principal(_ scatter: Matrix) throws -> (vectors: Matrix, values: [Double]) {
            let eigen = try SymmetricEigen(compact: scatter)   // copies: the statistics keep theirs
            try Cancellation.check()
            let k = reduction.rank(eigenvalues: eigen.values)
            return (eigen.vectors.keepingLeadingColumns(k), eigen.values.prefix(k).map { max(0, $0) })
        }
        // Ux[:, :k1]ᵀ·Sxy is formed before Syy is decomposed, so that at most one side's
        // directions are held at a time.
        var (left, variancesX) = try principal(statistics.scatterXX)
        var partial = try Matrix.product(left, statistics.scatterXY, transposeA: true)
        left = Matrix(rows: 0, columns: 0)
        var (right, variancesY) = try principal(statistics.scatterYY)
        let cross = try Matrix.product(partial, right)
        partial = Matrix(rows: 0, columns: 0)
        right = Matrix(rows: 0, columns: 0)
        k1 = variancesX.count
        k2 = variancesY.count
        cca = try CanonicalCorrelation(variancesX: variancesX, variancesY: variancesY, sxy: cross, epsilon: epsilon)
    }
}
