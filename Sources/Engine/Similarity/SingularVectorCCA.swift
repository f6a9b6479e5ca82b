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
            let eigen = try SymmetricEigen(scatter)   // copies: the statistics keep theirs
            try Cancellation.check()
            let k = reduction.rank(eigenvalues: eigen.values)
            return (eigen.vectors.keepingLeadingColumns(k), eigen.values.prefix(k).map { max(0, $0) })
        }
        let x = try principal(statistics.scatterXX)
        let y = try principal(statistics.scatterYY)
        k1 = x.values.count
        k2 = y.values.count
        let cross = try Matrix.product(Matrix.product(x.vectors, statistics.scatterXY, transposeA: true), y.vectors)
        cca = try CanonicalCorrelation(sxx: .diagonal(x.values), syy: .diagonal(y.values), sxy: cross, epsilon: epsilon)
    }
}
