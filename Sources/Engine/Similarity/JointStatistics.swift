/// The sufficient statistics of two layers X (n1 neurons) and Y (n2 neurons) observed on the
/// same m datapoints: the count m, the neuron means μx, μy and the blocks of the joint
/// covariance, kept as scatter matrices (centred sums of products, (m − 1) × the covariance):
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
    /// Scatter of X: Σ_j (x_j − μx)(x_j − μx)ᵀ = (m − 1)·Sxx (n1×n1, symmetric).
    public let scatterXX: Matrix
    /// Scatter of Y: (m − 1)·Syy (n2×n2, symmetric).
    public let scatterYY: Matrix
    /// Cross scatter: Σ_j (x_j − μx)(y_j − μy)ᵀ = (m − 1)·Sxy (n1×n2).
    public let scatterXY: Matrix

    /// Number of neurons of X.
    public var neurons1: Int { mean1.count }
    /// Number of neurons of Y.
    public var neurons2: Int { mean2.count }

    /// Statistics from scatter matrices (sums of centred products, not yet divided by m − 1).
    /// Every measure here is invariant to a common scale of the blocks, so the division is
    /// left to ``covarianceXX`` and friends; this lets the accumulator share its storage.
    public init(count: Int, mean1: [Double], mean2: [Double], scatterXX: Matrix, scatterYY: Matrix, scatterXY: Matrix) {
        self.count = count
        self.mean1 = mean1
        self.mean2 = mean2
        self.scatterXX = scatterXX
        self.scatterYY = scatterYY
        self.scatterXY = scatterXY
    }

    /// Statistics from covariance blocks Sxx, Syy, Sxy (divided by m − 1), as an earlier version
    /// of this type stored them; they are kept as scatter, (m − 1) × each block.
    public init(count: Int, mean1: [Double], mean2: [Double], sxx: Matrix, syy: Matrix, sxy: Matrix) {
        func scatter(_ m: Matrix) -> Matrix {
            var r = m
            let f = Double(max(count - 1, 0))
            for i in r.elements.indices { r.elements[i] *= f }
            return r
        }
        self.init(count: count, mean1: mean1, mean2: mean2, scatterXX: scatter(sxx), scatterYY: scatter(syy), scatterXY: scatter(sxy))
    }

    /// The statistics of two full layers (one pass for the means, one blocked BLAS pass over
    /// the centred data). The layers must have the same number of datapoints.
    public init(_ x: LayerActivations, _ y: LayerActivations) throws {
        let accumulator = CovarianceAccumulator()
        try accumulator.add(x, y)
        self = try accumulator.statistics()
    }

    /// Covariance of X, Sxx = scatter / (m − 1) (a copy).
    public var covarianceXX: Matrix { scaled(scatterXX) }
    /// The covariance blocks under their earlier names (copies): ``covarianceXX`` …
    public var sxx: Matrix { covarianceXX }
    public var syy: Matrix { covarianceYY }
    public var sxy: Matrix { covarianceXY }
    /// Covariance of Y.
    public var covarianceYY: Matrix { scaled(scatterYY) }
    /// Cross-covariance of X and Y (n1×n2).
    public var covarianceXY: Matrix { scaled(scatterXY) }

    private func scaled(_ m: Matrix) -> Matrix {
        var r = m
        let f = count > 1 ? 1 / Double(count - 1) : 0
        for i in r.elements.indices { r.elements[i] *= f }
        return r
    }

    /// The same statistics with the roles of X and Y exchanged.
    public var swapped: JointStatistics {
        JointStatistics(count: count, mean1: mean2, mean2: mean1, scatterXX: scatterYY, scatterYY: scatterXX, scatterXY: scatterXY.transposed)
    }
}
