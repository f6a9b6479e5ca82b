/// Per-channel normalisation `x ↦ (x − mean[c]) / std[c]`, as torchvision's `Normalize`.
///
/// Channels are a sample's first dimension when it has two or more (`C × H × W`), else the
/// whole sample is one channel. Normalising an already normalised dataset composes:
/// `((x − m₁)/s₁ − m₂)/s₂ = (x − (m₁ + m₂·s₁)) / (s₁·s₂)`, so a view keeps one mean and one
/// std per channel.
public struct Normalization: Sendable, Equatable, CustomStringConvertible {
    /// Subtracted from each channel.
    public let mean: [Double]
    /// Each channel is divided by this (positive).
    public let std: [Double]

    /// No change for `channels` channels.
    public static func identity(channels: Int) -> Normalization {
        Normalization(uncheckedMean: Array(repeating: 0, count: channels), std: Array(repeating: 1, count: channels))
    }

    private init(uncheckedMean mean: [Double], std: [Double]) {
        self.mean = mean
        self.std = std
    }

    /// A normalisation for `channels` channels. `mean` and `std` hold one value per channel,
    /// or a single value for all; every value must be finite and every std positive.
    public init(mean: [Double], std: [Double], channels: Int) throws {
        func expand(_ v: [Double], _ what: String) throws -> [Double] {
            guard v.count == channels || v.count == 1 else {
                throw EngineError.invalid(what, expected: channels == 1 ? "1 value" : "1 or \(channels) values (one per channel)", given: "\(v.count)")
            }
            guard let bad = v.first(where: { !$0.isFinite }) else { return v.count == channels ? v : Array(repeating: v[0], count: channels) }
            throw EngineError.invalid(what, expected: "finite numbers", given: "\(bad)")
        }
        let m = try expand(mean, "mean")
        let s = try expand(std, "std")
        if let bad = s.first(where: { $0 <= 0 }) {
            throw EngineError.invalid("std", expected: "positive numbers", given: "\(bad)")
        }
        self.init(uncheckedMean: m, std: s)
    }

    /// True when it changes nothing.
    public var isIdentity: Bool { mean.allSatisfy { $0 == 0 } && std.allSatisfy { $0 == 1 } }

    /// `self` followed by `next`.
    public func then(_ next: Normalization) -> Normalization {
        Normalization(uncheckedMean: zip(zip(mean, std), next.mean).map { ms, m2 in ms.0 + m2 * ms.1 },
                      std: zip(std, next.std).map { $0 * $1 })
    }

    /// Applies to `samples` consecutive samples of `channels × planeSize` values at `values`.
    func apply(to values: UnsafeMutablePointer<Float>, samples: Int, planeSize: Int) {
        let channels = mean.count
        let scale = std.map { Float(1 / $0) }
        let shift = zip(mean, std).map { Float(-$0 / $1) }
        for n in 0..<samples {
            for c in 0..<channels {
                let p = values + (n * channels + c) * planeSize
                let (a, b) = (scale[c], shift[c])
                for k in 0..<planeSize { p[k] = p[k] * a + b }
            }
        }
    }

    /// Means and stds with 4 significant digits: "mean 0.2860, std 0.3530" or per channel.
    public var description: String {
        func show(_ v: [Double]) -> String {
            let text = v.map { formatted($0) }
            return text.count == 1 ? text[0] : "(" + text.joined(separator: ", ") + ")"
        }
        let single = Set(mean).count == 1 && Set(std).count == 1
        return single ? "mean \(formatted(mean[0])), std \(formatted(std[0]))" : "mean \(show(mean)), std \(show(std))"
    }
}

/// `x` with four digits after the point, trailing zeros kept ("0.2860").
func formatted(_ x: Double) -> String {
    guard x.isFinite, abs(x) < 1e12 else { return "\(x)" }
    let scaled = (x * 10_000).rounded()
    let negative = scaled < 0
    let units = Int(abs(scaled))
    let fraction = String(units % 10_000)
    return (negative ? "-" : "") + "\(units / 10_000)." + String(repeating: "0", count: 4 - fraction.count) + fraction
}
