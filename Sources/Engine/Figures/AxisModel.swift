#if canImport(Glibc)
import Glibc
#endif

/// One axis of a panel as laid out: categories (positions 0…n−1, slots of equal width) or a
/// numeric range on a linear or log scale, mapped onto a page interval.
struct AxisModel {
    enum Kind {
        case categories([String])
        case numeric(low: Double, high: Double, scale: AxisScale)
    }
    let kind: Kind
    /// Page interval: `start` is where the low end (or category 0) goes.
    var start: Double = 0
    var end: Double = 1

    var isCategorical: Bool { if case .categories = kind { return true } else { return false } }

    /// The page coordinate of data value `v` (a category's index for categorical axes: its centre is i).
    func map(_ v: Double) -> Double {
        switch kind {
        case .categories(let names):
            let n = Double(max(names.count, 1))
            return start + (v + 0.5) / n * (end - start)
        case .numeric(let low, let high, let scale):
            let t: Double
            if scale == .log {
                let a = log10(low), b = log10(high)
                t = v > 0 ? (log10(v) - a) / (b - a) : -1e3
            } else {
                t = (v - low) / (high - low)
            }
            return start + t * (end - start)
        }
    }

    /// The page length of one category slot.
    var slot: Double {
        if case .categories(let names) = kind { return abs(end - start) / Double(max(names.count, 1)) }
        return 0
    }

    /// Ticks and labels for a target count (numeric) or every category.
    func ticks(target: Int) -> [(Double, String)] {
        switch kind {
        case .categories(let names):
            return names.enumerated().map { (Double($0.offset), $0.element) }
        case .numeric(let low, let high, let scale):
            if scale == .log { return Ticks.log(low: low, high: high).map { ($0, Ticks.logLabel($0)) } }
            let (values, step) = Ticks.linear(low: low, high: high, target: target)
            return values.map { ($0, Ticks.label($0, step: step)) }
        }
    }

    /// A numeric axis over data in [low, high], widened by `margin` of the span on each side
    /// (multiplicatively on log axes); `fixed` replaces the result.
    static func numeric(dataLow: Double, dataHigh: Double, scale: AxisScale, margin: Double = 0.05,
                        fixed: (Double, Double)?, startAtZero: Bool = false, axisName: String) throws -> AxisModel {
        if let fixed {
            guard fixed.0 < fixed.1, fixed.0.isFinite, fixed.1.isFinite else {
                throw EngineError.invalid("\(axisName)lim", expected: "{low, high} with low < high", given: "{\(fixed.0), \(fixed.1)}")
            }
            if scale == .log, fixed.0 <= 0 { throw EngineError.invalid("\(axisName)lim", expected: "positive limits on a log axis", given: "\(fixed.0)") }
            return AxisModel(kind: .numeric(low: fixed.0, high: fixed.1, scale: scale))
        }
        var low = dataLow, high = dataHigh
        if scale == .log {
            guard low > 0 else { throw EngineError("log \(axisName) axis: the data must be positive (smallest value \(low))") }
            if low == high { low /= 10; high *= 10 }
            let a = log10(low), b = log10(high), pad = (b - a) * margin
            return AxisModel(kind: .numeric(low: pow(10, a - pad), high: pow(10, b + pad), scale: .log))
        }
        if low == high {
            let d = low == 0 ? 1 : abs(low) * 0.1
            low -= d; high += d
        }
        let pad = (high - low) * margin
        var a = low - pad, b = high + pad
        if startAtZero {
            if dataLow >= 0 { a = 0 }
            if dataHigh <= 0 { b = 0 }
        }
        return AxisModel(kind: .numeric(low: a, high: b, scale: .linear))
    }
}
