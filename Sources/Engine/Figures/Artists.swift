/// Something drawn inside a panel.
public enum Artist {
    case heatmap(Heatmap)
    case line(LineSeries)
    case bars(BarGroups)
    case distribution(Distribution)
    case scatter(ScatterSeries)
    case histogram(Histogram)

    var xCategories: [String]? {
        switch self {
        case .heatmap(let h): return h.columns
        case .bars(let b): return b.categories
        case .distribution(let d): return d.categories
        case .line(let l): return l.categories
        case .scatter, .histogram: return nil
        }
    }

    var seriesCount: Int {
        switch self {
        case .heatmap: return 0
        case .line(let l): return l.series.count
        case .bars(let b): return b.series.count
        case .distribution(let d): return d.seriesLabels.isEmpty ? 0 : d.seriesLabels.count
        case .scatter: return 1
        case .histogram(let h): return h.samples.count
        }
    }
}

/// A matrix drawn as coloured cells, row 1 at the top (as seaborn's heatmap).
public struct Heatmap {
    /// Row-major values, `rows.count × columns.count`; NaN cells are drawn hatched.
    public let values: [Double]
    public let rows: [String]
    public let columns: [String]
    public let colormap: Colormap
    public let vmin: Double
    public let vmax: Double
    public let colorbar: Bool
    /// nil: annotate when the numbers fit in the cells.
    public let annotate: Bool?
    /// printf-style format of annotations and colorbar ticks is chosen from the range; digits after the point.
    public let digits: Int

    public var rowCount: Int { rows.count }
    public var columnCount: Int { columns.count }
    public var hasNaN: Bool { values.contains { $0.isNaN } }

    /// Checks the shape and the limits. `vmin`/`vmax` default to the finite data's range.
    public init(values: [Double], rowCount: Int, columnCount: Int, rows: [String]?, columns: [String]?, colormap: Colormap = .viridis,
                vmin: Double? = nil, vmax: Double? = nil, colorbar: Bool = true, annotate: Bool? = nil, digits: Int = 2) throws {
        guard rowCount > 0, columnCount > 0, values.count == rowCount * columnCount else {
            throw EngineError.invalid("matrix", expected: "a non-empty 2-D matrix", given: "\(rowCount) × \(columnCount)")
        }
        let finite = values.filter { $0.isFinite }
        if values.contains(where: { $0.isInfinite }) {
            throw EngineError.invalid("matrix", expected: "finite values or NaN", given: "an infinite value")
        }
        guard let low = vmin ?? finite.min(), let high = vmax ?? finite.max() else {
            throw EngineError.invalid("matrix", expected: "at least one value that is not NaN (or vmin and vmax)", given: "only NaN")
        }
        guard low.isFinite, high.isFinite, low <= high else {
            throw EngineError.invalid("vmin/vmax", expected: "finite vmin <= vmax", given: "\(low), \(high)")
        }
        if let rows, rows.count != rowCount {
            throw EngineError.invalid("rows", expected: "\(rowCount) row label\(rowCount == 1 ? "" : "s") (the matrix has \(rowCount) rows)", given: "\(rows.count)")
        }
        if let columns, columns.count != columnCount {
            throw EngineError.invalid("cols", expected: "\(columnCount) column label\(columnCount == 1 ? "" : "s") (the matrix has \(columnCount) columns)", given: "\(columns.count)")
        }
        self.values = values
        self.rows = rows ?? (1...rowCount).map(String.init)
        self.columns = columns ?? (1...columnCount).map(String.init)
        self.colormap = colormap
        self.vmin = low
        self.vmax = high
        self.colorbar = colorbar
        self.annotate = annotate
        self.digits = digits
    }

    /// The 0…1 position of `v` between vmin and vmax (NaN stays NaN).
    public func normalized(_ v: Double) -> Double {
        guard !v.isNaN else { return .nan }
        return vmax > vmin ? (v - vmin) / (vmax - vmin) : 0.5
    }

    /// The colour a cell of value `v` is drawn with (nil: NaN).
    public func color(of v: Double) -> Color? { colormap.color(normalized(v)) }
}

/// One or more lines over shared x values, optionally with a ± band (mean ± std).
public struct LineSeries {
    public let x: [Double]
    public let series: [[Double]]
    public let labels: [String]
    public let bands: [[Double]]?
    public let markers: Bool
    /// When set, x values are 0…n−1 positions of these names.
    public let categories: [String]?
    public let colorOffset: Int

    public init(x: [Double]?, series: [[Double]], labels: [String]?, bands: [[Double]]?, markers: Bool = false,
                categories: [String]? = nil, colorOffset: Int = 0) throws {
        guard let n = series.first?.count, n > 0 else { throw EngineError.invalid("series", expected: "at least one non-empty series", given: "no values") }
        guard series.allSatisfy({ $0.count == n }) else {
            throw EngineError.invalid("series", expected: "series of equal length \(n)", given: "lengths \(series.map(\.count))")
        }
        let xs = x ?? (0..<n).map(Double.init)
        guard xs.count == n else { throw EngineError.invalid("x", expected: "\(n) values (one per point)", given: "\(xs.count)") }
        if let labels, labels.count != series.count {
            throw EngineError.invalid("labels", expected: "\(series.count) label\(series.count == 1 ? "" : "s") (one per series)", given: "\(labels.count)")
        }
        if let bands {
            guard bands.count == series.count, bands.allSatisfy({ $0.count == n }) else {
                throw EngineError.invalid("band", expected: "the shape of the series (\(series.count) × \(n))", given: "\(bands.count) × \(bands.first?.count ?? 0)")
            }
        }
        guard series.contains(where: { $0.contains { $0.isFinite } }) else {
            throw EngineError.invalid("series", expected: "at least one finite value", given: "only NaN")
        }
        self.x = xs
        self.series = series
        self.labels = labels ?? []
        self.bands = bands
        self.markers = markers
        self.categories = categories
        self.colorOffset = colorOffset
    }
}

/// Grouped bars: one bar per series within each category, optional error bars.
public struct BarGroups {
    public let categories: [String]
    /// `series[s][c]`.
    public let series: [[Double]]
    public let labels: [String]
    public let errors: [[Double]]?

    public init(categories: [String]?, series: [[Double]], labels: [String]?, errors: [[Double]]?) throws {
        guard let n = series.first?.count, n > 0 else { throw EngineError.invalid("values", expected: "at least one value", given: "none") }
        guard series.allSatisfy({ $0.count == n }) else {
            throw EngineError.invalid("values", expected: "series of equal length \(n)", given: "lengths \(series.map(\.count))")
        }
        if let categories, categories.count != n {
            throw EngineError.invalid("categories", expected: "\(n) name\(n == 1 ? "" : "s") (one per bar group)", given: "\(categories.count)")
        }
        if let labels, labels.count != series.count {
            throw EngineError.invalid("labels", expected: "\(series.count) label\(series.count == 1 ? "" : "s") (one per series)", given: "\(labels.count)")
        }
        if let errors {
            guard errors.count == series.count, errors.allSatisfy({ $0.count == n }) else {
                throw EngineError.invalid("err", expected: "the shape of the values (\(series.count) × \(n))", given: "\(errors.count) × \(errors.first?.count ?? 0)")
            }
        }
        guard series.contains(where: { $0.contains { $0.isFinite } }) else {
            throw EngineError.invalid("values", expected: "at least one finite value", given: "only NaN")
        }
        self.categories = categories ?? (1...n).map(String.init)
        self.series = series
        self.labels = labels ?? []
        self.errors = errors
    }
}

/// Distributions per category (and per series within a category): box, violin or strip.
public struct Distribution {
    public enum Style: String, Sendable, CaseIterable { case box, violin, strip }
    public let categories: [String]
    /// `samples[c][s]`: the values of series s in category c (NaN values are left out).
    public let samples: [[[Double]]]
    public let seriesLabels: [String]
    public let style: Style

    public init(categories: [String]?, samples: [[[Double]]], seriesLabels: [String]?, style: Style) throws {
        guard !samples.isEmpty else { throw EngineError.invalid("groups", expected: "at least one group", given: "none") }
        let s = samples[0].count
        guard s > 0, samples.allSatisfy({ $0.count == s }) else {
            throw EngineError.invalid("groups", expected: "the same number of series in every group", given: "\(samples.map(\.count))")
        }
        if let categories, categories.count != samples.count {
            throw EngineError.invalid("names", expected: "\(samples.count) name\(samples.count == 1 ? "" : "s") (one per group)", given: "\(categories.count)")
        }
        if let seriesLabels, seriesLabels.count != s {
            throw EngineError.invalid("labels", expected: "\(s) label\(s == 1 ? "" : "s") (one per series)", given: "\(seriesLabels.count)")
        }
        let clean = samples.map { $0.map { $0.filter { $0.isFinite } } }
        guard clean.contains(where: { $0.contains { !$0.isEmpty } }) else {
            throw EngineError.invalid("groups", expected: "at least one finite value", given: "no finite values")
        }
        self.categories = categories ?? (1...samples.count).map(String.init)
        self.samples = clean
        self.seriesLabels = seriesLabels ?? []
        self.style = style
    }
}

/// Points (x, y).
public struct ScatterSeries {
    public let x: [Double]
    public let y: [Double]
    public let label: String?
    public let size: Double
    public let colorIndex: Int

    public init(x: [Double], y: [Double], label: String?, size: Double = 3, colorIndex: Int = 0) throws {
        guard !x.isEmpty else { throw EngineError.invalid("x", expected: "at least one point", given: "none") }
        guard x.count == y.count else { throw EngineError.invalid("y", expected: "\(x.count) values (as many as x)", given: "\(y.count)") }
        guard zip(x, y).contains(where: { $0.isFinite && $1.isFinite }) else {
            throw EngineError.invalid("points", expected: "at least one finite point", given: "none")
        }
        self.x = x; self.y = y; self.label = label; self.size = size; self.colorIndex = colorIndex
    }
}

/// Histograms of one or more samples over shared bins.
public struct Histogram {
    public let samples: [[Double]]
    public let labels: [String]
    /// Bin edges (bins + 1).
    public let edges: [Double]
    /// `counts[s][b]` (densities when `density`).
    public let counts: [[Double]]
    public let density: Bool

    public init(samples: [[Double]], labels: [String]?, bins: Int, range: (Double, Double)?, density: Bool) throws {
        guard (1...10_000).contains(bins) else { throw EngineError.invalid("bins", expected: "an integer in 1...10000", given: "\(bins)") }
        let clean = samples.map { $0.filter { $0.isFinite } }
        let all = clean.flatMap { $0 }
        guard let low0 = range?.0 ?? all.min(), let high0 = range?.1 ?? all.max() else {
            throw EngineError.invalid("values", expected: "at least one finite value", given: "none")
        }
        guard low0 <= high0 else { throw EngineError.invalid("range", expected: "low <= high", given: "\(low0), \(high0)") }
        if let labels, labels.count != samples.count {
            throw EngineError.invalid("labels", expected: "\(samples.count) label\(samples.count == 1 ? "" : "s")", given: "\(labels.count)")
        }
        let (low, high) = low0 == high0 ? (low0 - 0.5, high0 + 0.5) : (low0, high0)
        let width = (high - low) / Double(bins)
        edges = (0...bins).map { low + Double($0) * width }
        counts = clean.map { values in
            var c = [Double](repeating: 0, count: bins)
            for v in values where v >= low && v <= high {
                let b = min(Int((v - low) / width), bins - 1)
                c[b] += 1
            }
            if density, !values.isEmpty {
                let total = c.reduce(0, +)
                if total > 0 { c = c.map { $0 / (total * width) } }
            }
            return c
        }
        self.samples = clean
        self.labels = labels ?? []
        self.density = density
    }
}
