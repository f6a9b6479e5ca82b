/// How SVCCA chooses k, the number of principal directions of a layer that it keeps
/// (SIMILARITY.md; Raghu et al. 2017). With s_i the singular values of the centred layer
/// (s_i² = (m−1)·λ_i, λ_i the eigenvalues of its covariance), descending:
public enum SVCCAReduction: Sendable, Equatable, CustomStringConvertible {
    /// k = min(dims, n).
    case dims(Int)
    /// The smallest k with Σ_{i≤k} s_i² / Σ s_i² ≥ f: explained variance (the paper's "99%").
    case variance(Double)
    /// The smallest k with Σ_{i≤k} s_i / Σ s_i ≥ f: plain singular values (the convention of
    /// Google's SVCCA tutorial code).
    case energy(Double)

    /// The paper's default: 99% of the variance.
    public static let standard = SVCCAReduction.variance(0.99)

    /// Throws unless the parameter is in range: dims ≥ 1, fractions in (0, 1].
    public func validate() throws {
        switch self {
        case .dims(let k):
            guard k >= 1 else { throw EngineError(.option(.invalidValue(option: "dims", expected: "an integer ≥ 1", given: "\(k)"))) }
        case .variance(let f), .energy(let f):
            guard f > 0, f <= 1 else {
                throw EngineError(.option(.invalidValue(option: optionName, expected: "a fraction in (0, 1]", given: "\(f)")))
            }
        }
    }

    /// "dims", "variance" or "energy".
    public var optionName: String {
        switch self {
        case .dims: "dims"
        case .variance: "variance"
        case .energy: "energy"
        }
    }

    /// The option's value as a number.
    public var parameter: Double {
        switch self {
        case .dims(let k): Double(k)
        case .variance(let f), .energy(let f): f
        }
    }

    /// "variance=0.99", "dims=20".
    public var description: String {
        switch self {
        case .dims(let k): "dims=\(k)"
        case .variance(let f): "variance=\(SimilarityFormat.number(f))"
        case .energy(let f): "energy=\(SimilarityFormat.number(f))"
        }
    }

    /// k for a layer whose covariance has eigenvalues `eigenvalues` (descending; negative
    /// rounding noise counts as 0). Fractions are compared with a relative slack of 1e-12 so
    /// that a spectrum sitting exactly on the threshold is not pushed over it by rounding.
    /// A layer with no variance at all gets k = 0 under the fraction rules.
    public func rank(eigenvalues: [Double]) -> Int {
        let n = eigenvalues.count
        let lambda = eigenvalues.map { max(0, $0) }
        switch self {
        case .dims(let k):
            return min(k, n)
        case .variance(let f):
            return SVCCAReduction.smallestPrefix(lambda, reaching: f)
        case .energy(let f):
            return SVCCAReduction.smallestPrefix(lambda.map { $0.squareRoot() }, reaching: f)
        }
    }

    private static func smallestPrefix(_ values: [Double], reaching fraction: Double) -> Int {
        let total = values.reduce(0, +)
        guard total > 0 else { return 0 }
        var partial = 0.0
        for (i, v) in values.enumerated() {
            partial += v
            if partial / total >= fraction - 1e-12 { return i + 1 }
        }
        return values.count
    }
}

/// Number formatting shared by measure names and result descriptions.
enum SimilarityFormat {
    /// Shortest text that reads back as the same Double ("0.99", "1e-10", "20").
    static func number(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
        return "\(x)"
    }
}
