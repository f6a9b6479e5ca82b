#if canImport(Glibc)
import Glibc
#endif

/// What a box or violin shows of a sample: quartiles (linear interpolation, NumPy's default
/// percentile method), Tukey's whiskers (the furthest values within 1.5 IQR of the box) with
/// the points beyond as fliers, and a Gaussian kernel density with Scott's bandwidth
/// (n^(−1/5) · σ, as `scipy.stats.gaussian_kde`).
public struct DistributionSummary: Sendable {
    public let sorted: [Double]
    public let q1: Double, median: Double, q3: Double
    public let lowWhisker: Double, highWhisker: Double
    public let fliers: [Double]

    /// nil for an empty sample.
    public init?(_ values: [Double]) {
        let s = values.filter { $0.isFinite }.sorted()
        guard !s.isEmpty else { return nil }
        sorted = s
        q1 = DistributionSummary.quantile(s, 0.25)
        median = DistributionSummary.quantile(s, 0.5)
        q3 = DistributionSummary.quantile(s, 0.75)
        let iqr = q3 - q1
        let lo = q1 - 1.5 * iqr, hi = q3 + 1.5 * iqr
        lowWhisker = s.first { $0 >= lo } ?? q1
        highWhisker = s.last { $0 <= hi } ?? q3
        fliers = s.filter { $0 < lo || $0 > hi }
    }

    /// The q-quantile of sorted values, linearly interpolated (NumPy `method="linear"`).
    public static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        guard sorted.count > 1 else { return sorted.first ?? .nan }
        let h = Double(sorted.count - 1) * q
        let i = Int(h.rounded(.down))
        let j = min(i + 1, sorted.count - 1)
        return sorted[i] + (h - Double(i)) * (sorted[j] - sorted[i])
    }

    /// Scott's bandwidth: σ · n^(−1/5) (σ the sample standard deviation, ddof = 1).
    public var bandwidth: Double {
        let n = Double(sorted.count)
        guard n > 1 else { return 0 }
        let mean = sorted.reduce(0, +) / n
        let variance = sorted.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        return variance.squareRoot() * pow(n, -0.2)
    }

    /// The Gaussian kernel density at `x`.
    public func density(at x: Double) -> Double {
        let h = bandwidth
        guard h > 0 else { return 0 }
        let norm = 1 / (Double(sorted.count) * h * (2 * Double.pi).squareRoot())
        var sum = 0.0
        for v in sorted {
            let z = (x - v) / h
            sum += exp(-0.5 * z * z)
        }
        return sum * norm
    }
}
