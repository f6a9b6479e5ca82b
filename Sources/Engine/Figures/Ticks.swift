#if canImport(Glibc)
import Glibc
#endif

/// Tick positions and their labels: "nice" numbers (1, 2, 2.5, 5 × 10ᵏ, as matplotlib's
/// `MaxNLocator`) on linear axes, decades (with 2 and 5 in short ranges) on log axes.
public enum Ticks {
    /// A step of about `span / target` rounded up to 1, 2, 2.5, 5 or 10 × 10ᵏ.
    public static func niceStep(span: Double, target: Int) -> Double {
        guard span > 0, span.isFinite, target > 0 else { return 1 }
        let raw = span / Double(target)
        let magnitude = pow(10, floor(log10(raw)))
        for m in [1.0, 2.0, 2.5, 5.0, 10.0] where m * magnitude >= raw * (1 - 1e-9) { return m * magnitude }
        return 10 * magnitude
    }

    /// Ticks in [low, high] with a nice step for about `target` intervals.
    public static func linear(low: Double, high: Double, target: Int) -> (values: [Double], step: Double) {
        let step = niceStep(span: high - low, target: target)
        let first = ceil(low / step - 1e-9)
        var values: [Double] = []
        var k = first
        while k * step <= high + step * 1e-9, values.count < 1000 {
            let v = k * step
            values.append(abs(v) < step * 1e-9 ? 0 : v)
            k += 1
        }
        return (values, step)
    }

    /// Ticks for a log axis over [low, high] (both > 0).
    public static func log(low: Double, high: Double) -> [Double] {
        let a = floor(log10(low) + 1e-9), b = ceil(log10(high) - 1e-9)
        var values: [Double] = []
        let decades = b - a
        let every = decades > 12 ? ceil(decades / 6) : 1
        var e = a
        while e <= b {
            for m in (decades <= 2 ? [1.0, 2.0, 5.0] : [1.0]) {
                let v = m * pow(10, e)
                if v >= low * (1 - 1e-9), v <= high * (1 + 1e-9) { values.append(v) }
            }
            e += every
        }
        return values
    }

    /// Digits after the point that show every multiple of `step` exactly.
    public static func decimals(step: Double) -> Int {
        guard step > 0, step.isFinite else { return 0 }
        var d = 0
        var s = step
        while d < 10, abs(s - s.rounded()) > 1e-6 * max(1, abs(s)) { s *= 10; d += 1 }
        return d
    }

    /// The label of tick `value` on an axis whose ticks are `step` apart.
    public static func label(_ value: Double, step: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 1e6 || (magnitude > 0 && magnitude < 1e-4 && step < 1e-4) {
            return formatScientific(value, digits: 1).replacingOccurrences(".0e", "e").replacingOccurrences("e+0", "e").replacingOccurrences("e-0", "e-").replacingOccurrences("e+", "e")
        }
        let s = formatFixed(value, digits: decimals(step: step))
        return s == "-0" ? "0" : (s.hasPrefix("-") && Double(s) == 0 ? String(s.dropFirst()) : s)
    }

    /// The label of a log-axis tick.
    public static func logLabel(_ value: Double) -> String {
        let e = log10(value)
        if e >= -3, e <= 4 { return label(value, step: min(value, 1)) }
        return formatScientific(value, digits: 0).replacingOccurrences("e+0", "e").replacingOccurrences("e-0", "e-").replacingOccurrences("e+", "e")
    }
}

extension String {
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = Substring(self)
        while let r = rest.range(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}

extension Substring {
    func range(of target: String) -> Range<Substring.Index>? {
        guard let first = target.first else { return nil }
        var i = startIndex
        while i < endIndex {
            if self[i] == first, self[i...].hasPrefix(target) {
                return i..<index(i, offsetBy: target.count)
            }
            i = index(after: i)
        }
        return nil
    }
}
