/// The outcome of a similarity measure: the value (1 = identical representations) and what
/// produced it. Fields that do not apply to the measure are nil.
public struct SimilarityResult: Sendable, CustomStringConvertible {
    /// The measure and its parameters.
    public let measure: SimilarityMeasure
    /// The similarity: 1 means identical (up to the invariances of the measure).
    public var value: Double
    /// Canonical correlations, descending (CCA, SVCCA, PWCCA).
    public var rho: [Double]?
    /// Dimensions entering CCA on each side: the principal directions SVCCA keeps, or the
    /// neurons CCA and PWCCA keep.
    public var k1: Int?
    public var k2: Int?
    /// Neurons (or, for SVCCA, principal directions) that pass the ε variance threshold.
    public var kept1: Int?
    public var kept2: Int?
    /// PWCCA's projection weights, one per coefficient, summing to 1.
    public var weights: [Double]?
    /// PWCCA: 1 if the weights come from the first layer, 2 if from the second.
    public var weightedSide: Int?
    /// CCA: mean of the leading coefficients holding 98% of their sum (the reference's summary).
    public var thresholdMean: Double?
    /// Number of datapoints.
    public let datapoints: Int
    /// Neurons of each layer.
    public let neurons1: Int
    public let neurons2: Int
    /// Things the user should know (few datapoints, constant layers). Not errors.
    public var warnings: [String]
    /// How conv (4-D) activations were made matrices — `flatten` (C × N·H·W) or `mean`
    /// (C × N) — when either input was one; nil when both were 2-D.
    public var convolution: ConvolutionLayout?

    public init(measure: SimilarityMeasure, value: Double, datapoints: Int, neurons1: Int, neurons2: Int, warnings: [String] = []) {
        self.measure = measure
        self.value = value
        self.datapoints = datapoints
        self.neurons1 = neurons1
        self.neurons2 = neurons2
        self.warnings = warnings
    }

    /// One readable line: `svcca(variance=0.99) = 0.812345 (k1 = 12, k2 = 14; 64 and 64 neurons, 10000 datapoints; 1 = identical)`.
    /// PWCCA's line also states its sign convention (``ProjectionWeightedCCA/signConventionSummary``).
    public var description: String {
        var details: [String] = []
        if let k1, let k2 {
            switch measure {
            case .svcca: details.append("k1 = \(k1), k2 = \(k2)")
            default: details.append("kept \(k1) and \(k2) neurons")
            }
        }
        if let thresholdMean { details.append("threshold mean \(fixed(thresholdMean))") }
        details.append("\(neurons1) and \(neurons2) neurons, \(datapoints) datapoints")
        if case .pwcca = measure { details.append(ProjectionWeightedCCA.signConventionSummary) }
        if let convolution { details.append("conv \(convolution.explanation)") }
        return "\(measure.name) = \(fixed(value)) (\(details.joined(separator: "; ")); 1 = identical)"
    }

    /// Six decimals, without Foundation: "0.812345", "-0.000001", "1.000000".
    private func fixed(_ x: Double) -> String {
        guard x.isFinite, abs(x) < 1e12 else { return "\(x)" }
        let scaled = Int((abs(x) * 1e6).rounded())
        let fraction = String(scaled % 1_000_000)
        let sign = x < 0 && scaled != 0 ? "-" : ""
        return "\(sign)\(scaled / 1_000_000)." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }
}
