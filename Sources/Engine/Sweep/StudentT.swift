#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Student's t distribution: its CDF through the regularized incomplete beta function and its
/// quantiles by bisection, for confidence intervals of means over a few seeds.
///
/// F(t; ν) = 1 − ½ I_{ν/(ν+t²)}(ν/2, ½) for t ≥ 0 (Abramowitz & Stegun 26.7.1, 26.5); I is
/// evaluated with the continued fraction of Numerical Recipes §6.4 (modified Lentz).
public enum StudentT {
    /// P(T ≤ t) for T with `degrees` degrees of freedom (> 0).
    public static func cdf(_ t: Double, degrees: Double) -> Double {
        let x = degrees / (degrees + t * t)
        let tail = 0.5 * regularizedBeta(x, degrees / 2, 0.5)
        return t >= 0 ? 1 - tail : tail
    }

    /// The quantile t with P(T ≤ t) = p, for 0 < p < 1 (e.g. 0.975 for a two-sided 95% interval).
    public static func quantile(_ p: Double, degrees: Double) -> Double {
        guard p > 0, p < 1, degrees > 0 else { return .nan }
        if p == 0.5 { return 0 }
        if p < 0.5 { return -quantile(1 - p, degrees: degrees) }
        var low = 0.0, high = 1.0
        while cdf(high, degrees: degrees) < p && high < 1e300 { high *= 2 }
        for _ in 0..<200 {
            let mid = 0.5 * (low + high)
            if cdf(mid, degrees: degrees) < p { low = mid } else { high = mid }
            if high - low <= 1e-15 * high { break }
        }
        return 0.5 * (low + high)
    }

    /// I_x(a, b), the regularized incomplete beta function.
    static func regularizedBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x))
        if x < (a + 1) / (a + b + 2) {
            return front * betaFraction(x, a, b) / a
        }
        return 1 - front * betaFraction(1 - x, b, a) / b
    }

    static func betaFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0, d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...300 {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d; h *= d * c
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return h
    }
}

/// Mean, sample standard deviation and a Student-t confidence interval of a few numbers (one
/// per seed): the interval is mean ± t_{(1+level)/2, n−1} · s/√n.
public struct SampleSummary: Sendable, Equatable {
    public let n: Int
    public let mean: Double
    /// Sample standard deviation (divisor n − 1); NaN when n < 2.
    public let standardDeviation: Double
    /// Half-width of the confidence interval; NaN when n < 2.
    public let halfWidth: Double

    public init(_ values: [Double], level: Double = 0.95) {
        n = values.count
        guard n > 0 else { mean = .nan; standardDeviation = .nan; halfWidth = .nan; return }
        let m = values.reduce(0, +) / Double(n)
        mean = m
        guard n > 1 else { standardDeviation = .nan; halfWidth = .nan; return }
        let ss = values.reduce(0) { $0 + ($1 - m) * ($1 - m) }
        standardDeviation = (ss / Double(n - 1)).squareRoot()
        halfWidth = StudentT.quantile((1 + level) / 2, degrees: Double(n - 1)) * standardDeviation / Double(n).squareRoot()
    }
}
