/// A figure as matplotlib shapes one: a grid of panels (``Axes``), each holding artists
/// (heatmaps, lines, bars, distributions, points, histograms), with an optional overall title.
///
/// A figure is data only; ``FigureRenderer`` lays it out and draws it on a ``Canvas``, and
/// ``FigureOutput`` turns it into PNG, PDF or SVG bytes.
public final class Figure {
    public let rows: Int
    public let columns: Int
    /// Row-major panels (`rows × columns`).
    public let panels: [Axes]
    /// Title over all panels.
    public var title: String?
    /// Default size in inches (matplotlib's figsize) for saving and showing.
    public var width: Double
    public var height: Double
    /// Default pixels per inch for PNG.
    public var dpi: Double

    public init(rows: Int = 1, columns: Int = 1, title: String? = nil, width: Double? = nil, height: Double? = nil, dpi: Double = 100) throws {
        guard (1...16).contains(rows), (1...16).contains(columns) else {
            throw EngineError.invalid("panel grid", expected: "rows and cols in 1...16", given: "\(rows) × \(columns)")
        }
        self.rows = rows
        self.columns = columns
        self.panels = (0..<(rows * columns)).map { _ in Axes() }
        self.title = title
        self.width = width ?? (columns == 1 ? 6.4 : min(4.2 * Double(columns), 16))
        self.height = height ?? (rows == 1 ? 4.8 : min(3.4 * Double(rows), 14))
        self.dpi = dpi
    }

    /// The panel at 0-based `row`, `column`.
    public func panel(row: Int, column: Int) -> Axes? {
        guard (0..<rows).contains(row), (0..<columns).contains(column) else { return nil }
        return panels[row * columns + column]
    }
}

/// How an axis maps data to the page.
public enum AxisScale: String, Sendable {
    case linear, log
}

/// One panel: its artists, titles and axis settings.
public final class Axes {
    public var title: String?
    public var xLabel: String?
    public var yLabel: String?
    public var xScale: AxisScale = .linear
    public var yScale: AxisScale = .linear
    /// Fixed limits (nil: from the data).
    public var xLimits: (Double, Double)?
    public var yLimits: (Double, Double)?
    /// Category names along x (bars, distributions, heatmap columns, categorical lines).
    public var xCategories: [String]?
    /// Category names along y, top to bottom (heatmap rows).
    public var yCategories: [String]?
    public var showLegend = true
    public var showGrid = true
    public private(set) var artists: [Artist] = []

    public init() {}

    public var isEmpty: Bool { artists.isEmpty }

    /// Adds an artist, checking that it fits what the panel already holds.
    public func add(_ artist: Artist) throws {
        if case .heatmap = artist, !artists.isEmpty {
            throw EngineError("a heatmap needs a panel of its own (this one already holds \(artists.count) artist\(artists.count == 1 ? "" : "s"))")
        }
        if let first = artists.first, case .heatmap = first {
            throw EngineError("this panel holds a heatmap; draw other kinds in another panel")
        }
        if let categories = artist.xCategories {
            if let existing = xCategories, existing != categories {
                throw EngineError("the categories along x (\(categories.count)) differ from those already in this panel (\(existing.count))")
            }
            xCategories = categories
        }
        if case .heatmap(let h) = artist {
            yCategories = h.rows
            showGrid = false
        }
        artists.append(artist)
    }

    /// How many artists so far draw series with their own legend colour.
    public var seriesCount: Int { artists.reduce(0) { $0 + $1.seriesCount } }
}
