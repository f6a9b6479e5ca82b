/// The sufficient statistics of two layers X (n1 neurons) and Y (n2 neurons) observed on the
/// same m datapoints: the count m, the neuron means μx, μy and the blocks of the joint
/// covariance (centred, divided by m − 1):
///
///     Σ = | Sxx  Sxy |      Sxx = (1/(m−1)) (X − μx1ᵀ)(X − μx1ᵀ)ᵀ, …
///         | Syx  Syy |
///
/// These are all that CCA, SVCCA, PWCCA's projection weights and linear CKA need:
/// - CCA uses Sxx, Syy, Sxy (SIMILARITY.md steps 1–6);
/// - SVCCA's principal directions are the eigenvectors of Sxx and Syy (the n×n covariance has
///   the same eigenvectors as the wide SVD of the centred layer, with s_i² = (m−1)·λ_i), and the
///   reduced layers' joint covariance is diag(λx), Uxᵀ·Sxy·Uy, diag(λy);
/// - PWCCA's weights need inner products of the *uncentred* kept neurons A with the directions
///   D = uᵀ(A − μ1ᵀ) + μ1ᵀ; since (A − μ1ᵀ)·1 = 0 these are
///   D·Dᵀ = (m−1)·uᵀ·S_AA·u + m·μμᵀ and D·Aᵀ = (m−1)·uᵀ·S_AA + m·μμᵀ,
///   so the means and the count are needed as well as the covariance;
/// - linear CKA (Kornblith et al. 2019) is ‖Sxy‖²_F / (‖Sxx‖_F·‖Syy‖_F).
/// The debiased CKA estimator and RBF-kernel CKA are not functions of these statistics.
public struct JointStatistics: Sendable {
    /// Number of datapoints m.
    public let count: Int
    /// Means of X's neurons.
    public let mean1: [Double]
    /// Means of Y's neurons.
    public let mean2: [Double]
    /// Covariance of X (n1×n1).
    public let sxx: Matrix
    /// Covariance of Y (n2×n2).
    public let syy: Matrix
    /// Cross-covariance of X and Y (n1×n2).
    public let sxy: Matrix

    /// Number of neurons of X.
    public var neurons1: Int { mean1.count }
    /// Number of neurons of Y.
    public var neurons2: Int { mean2.count }

    public init(count: Int, mean1: [Double], mean2: [Double], sxx: Matrix, syy: Matrix, sxy: Matrix) {
        self.count = count
        self.mean1 = mean1
        self.mean2 = mean2
        self.sxx = sxx
        self.syy = syy
        self.sxy = sxy
    }

    /// The statistics of two full layers (one pass for the means, one blocked `dsyrk` pass over
    /// the centred data). The layers must have the same number of datapoints.
    public init(_ x: LayerActivations, _ y: LayerActivations) throws {
        let accumulator = CovarianceAccumulator()
        try accumulator.add(x, y)
        self = try accumulator.statistics()
    }

    /// The same statistics with the roles of X and Y exchanged.
    public var swapped: JointStatistics {
        JointStatistics(count: count, mean1: mean2, mean2: mean1, sxx: syy, syy: sxx, sxy: sxy.transposed)
    }
}
