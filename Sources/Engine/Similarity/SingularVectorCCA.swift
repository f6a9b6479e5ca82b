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
        let ex = try SymmetricEigen(statistics.sxx)
        try Cancellation.check()
        let ey = try SymmetricEigen(statistics.syy)
        try Cancellation.check()
        k1 = reduction.rank(eigenvalues: ex.values)
        k2 = reduction.rank(eigenvalues: ey.values)
        let ux = ex.vectors.leadingColumns(k1), uy = ey.vectors.leadingColumns(k2)
        let cross = try Matrix.product(Matrix.product(ux, statistics.sxy, transposeA: true), uy)
        let lx = Matrix.diagonal(ex.values.prefix(k1).map { max(0, $0) })
        let ly = Matrix.diagonal(ey.values.prefix(k2).map { max(0, $0) })
        cca = try CanonicalCorrelation(sxx: lx, syy: ly, sxy: cross, epsilon: epsilon)
    }
}
