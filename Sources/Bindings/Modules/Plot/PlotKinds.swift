import CLua
import Engine

/// The plot kinds, shared by `plot.<kind>(…)` (a new one-panel figure) and `panel:<kind>(…)`
/// (adds to a panel): each reads its data and options and adds an Engine artist.
enum PlotKinds {
    /// Options every kind takes: they set the panel's titles and axes.
    static let panelOptions = ["title", "xlabel", "ylabel", "xscale", "yscale", "xlim", "ylim", "legend", "grid"]
    /// Options only the module-level constructors take: the new figure's size.
    static let figureOptions = ["width", "height", "dpi"]

    struct Kind: Sendable {
        let name: String
        let signature: String
        let doc: String
        /// Data arguments before the options table.
        let dataArguments: Int32
        let options: [String]
        let add: @Sendable (Lua, Axes, Options) throws -> Void
    }

    static func applyPanelOptions(_ lua: Lua, _ axes: Axes, _ options: Options) throws {
        if let v = try options.string("title") { axes.title = v }
        if let v = try options.string("xlabel") { axes.xLabel = v }
        if let v = try options.string("ylabel") { axes.yLabel = v }
        if let v = try options.choice("xscale", ["linear", "log"]) { axes.xScale = AxisScale(rawValue: v) ?? .linear }
        if let v = try options.choice("yscale", ["linear", "log"]) { axes.yScale = AxisScale(rawValue: v) ?? .linear }
        if let v = try lua.rangeOption(options, "xlim") { axes.xLimits = v }
        if let v = try lua.rangeOption(options, "ylim") { axes.yLimits = v }
        if let v = try options.boolean("legend") { axes.showLegend = v }
        if let v = try options.boolean("grid") { axes.showGrid = v }
    }

    static let heatmap = Kind(
        name: "heatmap",
        signature: "heatmap(matrix [, {rows =, cols =, colormap = \"viridis\", vmin =, vmax =, colorbar = true, annotate =, digits = 2, title =, xlabel =, ylabel =}])",
        doc: """
            A matrix (2-D tensor or table of rows) as coloured cells, row 1 at the top. rows / cols \
            label them (counts must match); colormap "viridis" (default), "magma" or "coolwarm" \
            (matplotlib's tables); vmin / vmax fix the colour range (default: the data's); NaN \
            cells are drawn light grey with a hatch, and the colorbar shows a NaN swatch. \
            annotate writes each value in its cell (default: when they fit, up to 400 cells).
            """,
        dataArguments: 1,
        options: ["rows", "cols", "colormap", "vmin", "vmax", "colorbar", "annotate", "digits"]) { lua, axes, options in
            let (values, r, c) = try lua.plotMatrix(1, "matrix")
            let colormap = try Colormap.named(try options.string("colormap") ?? "viridis")
            let heatmap = try Heatmap(values: values, rowCount: r, columnCount: c, rows: try lua.stringArrayOption(options, "rows"),
                                      columns: try lua.stringArrayOption(options, "cols"), colormap: colormap,
                                      vmin: try options.number("vmin"), vmax: try options.number("vmax"),
                                      colorbar: try options.boolean("colorbar") ?? true, annotate: try options.boolean("annotate"),
                                      digits: try options.integer("digits", in: 0...8) ?? 2)
            try axes.add(.heatmap(heatmap))
        }

    static let line = Kind(
        name: "line",
        signature: "line(x, series [, {labels =, band =, markers = false, …}])",
        doc: """
            Lines over x: x is a tensor or table of numbers, a table of names (categories), or nil \
            (1, 2, …); series is one series (1-D tensor or table of numbers) or several (a 2-D \
            tensor's rows, or a table of series). labels names them in the legend; band (same \
            shape as series, e.g. the standard deviation) shades series ± band. NaN breaks a line.
            """,
        dataArguments: 2,
        options: ["labels", "label", "band", "markers"]) { lua, axes, options in
            let series = try lua.plotSeries(2, "series")
            var x: [Double]?
            var categories: [String]?
            if lua.type(1) == .table, lua.rawGet(lua.absolute(1), 1) == .string {
                lua.pop(1)
                categories = try lua.checkStringArray(1, "x")
                x = categories.map { $0.indices.map(Double.init) }
            } else {
                if lua.type(1) == .table { lua.pop(1) }
                x = lua.isNoneOrNil(1) ? series.first.map { (1...max($0.count, 1)).map(Double.init) } : try lua.plotVector(1, "x")
            }
            var bands: [[Double]]?
            if options.has("band") {
                options.push("band")
                defer { lua.pop(1) }
                bands = try lua.plotSeries(lua.top, "band")
            }
            var labels = try lua.stringArrayOption(options, "labels")
            if labels == nil, let one = try options.string("label") { labels = [one] }
            try axes.add(.line(try LineSeries(x: x, series: series, labels: labels, bands: bands,
                                              markers: try options.boolean("markers") ?? false, categories: categories,
                                              colorOffset: axes.seriesCount)))
        }

    static let bar = Kind(
        name: "bar",
        signature: "bar(categories, values [, {labels =, err =, …}])",
        doc: """
            Bars: categories is a table of names (or nil: 1, 2, …); values one series or several \
            (grouped side by side, named by labels in the legend); err (same shape) draws error bars.
            """,
        dataArguments: 2,
        options: ["labels", "err"]) { lua, axes, options in
            let series = try lua.plotSeries(2, "values")
            let categories = lua.isNoneOrNil(1) ? nil : try lua.checkStringArray(1, "categories")
            var errors: [[Double]]?
            if options.has("err") {
                options.push("err")
                defer { lua.pop(1) }
                errors = try lua.plotSeries(lua.top, "err")
            }
            try axes.add(.bars(try BarGroups(categories: categories, series: series, labels: try lua.stringArrayOption(options, "labels"), errors: errors)))
        }

    static let distribution = Kind(
        name: "distribution",
        signature: "distribution(groups [, {names =, labels =, style = \"box\" | \"violin\" | \"strip\", …}])",
        doc: """
            Distributions, one per group along x (named by names), as box plots (quartiles, 1.5 IQR \
            whiskers, outliers), violins (Gaussian kernel density, Scott's bandwidth, with the \
            quartile bar and median dot) or strips (jittered points and the median). A group is a \
            sample (tensor or table of numbers), or a table of samples drawn side by side and named \
            by labels (e.g. per method, one sample per sparsity). NaN values are left out.
            """,
        dataArguments: 1,
        options: ["names", "labels", "style"]) { lua, axes, options in
            let groups = try lua.plotGroups(1, "groups")
            let style = Distribution.Style(rawValue: try options.choice("style", Distribution.Style.allCases.map(\.rawValue)) ?? "box") ?? .box
            try axes.add(.distribution(try Distribution(categories: try lua.stringArrayOption(options, "names"), samples: groups,
                                                        seriesLabels: try lua.stringArrayOption(options, "labels"), style: style)))
        }

    static let scatter = Kind(
        name: "scatter",
        signature: "scatter(x, y [, {label =, size = 3, …}])",
        doc: "Points (x[i], y[i]); each call on a panel takes the next colour; label names it in the legend.",
        dataArguments: 2,
        options: ["label", "size"]) { lua, axes, options in
            let x = try lua.plotVector(1, "x"), y = try lua.plotVector(2, "y")
            let size = try options.number("size") ?? 3
            guard size > 0, size <= 50 else { throw lua.error("option 'size': expected a number in (0, 50], got \(size)") }
            try axes.add(.scatter(try ScatterSeries(x: x, y: y, label: try options.string("label"), size: size, colorIndex: axes.seriesCount)))
        }

    static let histogram = Kind(
        name: "histogram",
        signature: "histogram(values [, {bins = 20, range = {lo, hi}, density = false, labels =, …}])",
        doc: "Histogram of a sample (or of several, overlaid on shared bins and named by labels); density = true scales to unit area.",
        dataArguments: 1,
        options: ["bins", "range", "density", "labels"]) { lua, axes, options in
            let samples = try lua.plotSeries(1, "values")
            try axes.add(.histogram(try Histogram(samples: samples, labels: try lua.stringArrayOption(options, "labels"),
                                                  bins: try options.integer("bins") ?? 20, range: try lua.rangeOption(options, "range"),
                                                  density: try options.boolean("density") ?? false)))
        }

    static let all = [heatmap, line, bar, distribution, scatter, histogram]

    /// `plot.<kind>(data…, options)`: a new one-panel figure.
    static func moduleFunction(_ kind: Kind) -> LuaFunctionSpec {
        LuaFunctionSpec(kind.name, "plot." + kind.signature + " → figure", kind.doc + " Returns a new figure (width, height in inches and dpi options set its size).") { lua in
            let optionsIndex = kind.dataArguments + 1
            let options = try lua.options(optionsIndex, known: kind.options + panelOptions + figureOptions)
            try lua.checkArgumentCount(max: optionsIndex)
            let figure = try Figure(width: try options.number("width"), height: try options.number("height"), dpi: try options.number("dpi") ?? 100)
            try checkSize(lua, figure)
            let axes = figure.panels[0]
            try applyPanelOptions(lua, axes, options)
            try kind.add(lua, axes, options)
            lua.push(object: FigureObject(figure))
            return 1
        }
    }

    /// `panel:<kind>(data…, options)`: adds to the panel and returns it.
    static func panelMethod(_ kind: Kind) -> LuaFunctionSpec {
        LuaFunctionSpec(kind.name, "p:" + kind.signature + " → p", kind.doc + " Adds to this panel and returns it.") { lua in
            let panel = try lua.check(1, PanelObject.self, "self")
            let optionsIndex = kind.dataArguments + 1
            try lua.checkArgumentCount(max: optionsIndex + 1)
            // Move self after the options, so that the data are arguments 1… as for plot.<kind>.
            lua.setTop(optionsIndex + 1)
            lua.pushCopy(1)
            lua.remove(1)
            let options = try lua.options(optionsIndex, known: kind.options + panelOptions)
            try applyPanelOptions(lua, panel.axes, options)
            try kind.add(lua, panel.axes, options)
            lua.pushCopy(optionsIndex + 1)
            return 1
        }
    }

    static func checkSize(_ lua: Lua, _ figure: Figure) throws {
        for (name, v) in [("width", figure.width), ("height", figure.height)] where !(v > 0 && v <= 100) {
            throw lua.error("option '\(name)': expected inches in (0, 100], got \(v)")
        }
        guard figure.dpi > 0, figure.dpi <= 1200 else { throw lua.error("option 'dpi': expected a number in (0, 1200], got \(figure.dpi)") }
    }
}
