#if canImport(Glibc)
import Glibc
#endif

/// Where things ended up on the page (points), for tests and for callers that annotate.
public struct FigureLayout: Sendable {
    public struct Panel: Sendable {
        /// The plotting area (inside the axes box).
        public var plot: Rect
        /// The colorbar (vmin at the bottom, vmax at the top), when the panel has one.
        public var colorbar: Rect?
        /// The NaN swatch under the colorbar, when the heatmap has NaN cells.
        public var nanSwatch: Rect?
        /// Rotation of the x tick labels (0, 45 or 90) and how many categories each shown label stands for.
        public var xLabelAngle: Double = 0
        public var xLabelEvery = 1
        public var yLabelEvery = 1
        /// The data range of numeric axes (nil for categories).
        public var xRange: ClosedRange<Double>?
        public var yRange: ClosedRange<Double>?
    }
    public var width: Double
    public var height: Double
    public var panels: [Panel?]
}

/// Lays out a ``Figure`` and draws it on a ``Canvas`` (page units: points, y down).
///
/// Layout follows matplotlib's defaults where it can (10 pt text, 5 % data margins, ticks
/// pointing out) and guarantees that tick labels never overlap: numeric axes get fewer ticks,
/// categorical x labels rotate to 45° or 90° and are thinned when even that is too tight.
public struct FigureRenderer {
    let metrics: TextMetrics
    static let tickSize = 8.5
    static let labelSize = 10.0
    static let titleSize = 11.5
    static let suptitleSize = 13.0
    static let tickLength = 3.5

    public init(metrics: TextMetrics) { self.metrics = metrics }

    /// Draws `figure` on a `width` × `height` point page.
    @discardableResult
    public func draw(_ figure: Figure, on canvas: Canvas, width: Double, height: Double) throws -> FigureLayout {
        canvas.fill(Rect(x: 0, y: 0, width: width, height: height), .white)
        var top = 4.0
        if let title = figure.title, !title.isEmpty {
            canvas.text(fitted(title, size: Self.suptitleSize, width: width - 8, bold: true), at: Point(width / 2, top + 4), size: Self.suptitleSize, .middle, .top, bold: true)
            top += Self.suptitleSize + 10
        }
        let cellWidth = width / Double(figure.columns)
        let cellHeight = (height - top) / Double(figure.rows)
        var panels: [FigureLayout.Panel?] = []
        for (i, axes) in figure.panels.enumerated() {
            let r = i / figure.columns, c = i % figure.columns
            let rect = Rect(x: Double(c) * cellWidth, y: top + Double(r) * cellHeight, width: cellWidth, height: cellHeight)
            if axes.isEmpty { panels.append(nil); continue }
            do {
                panels.append(try drawPanel(axes, in: rect, on: canvas))
            } catch let error as EngineError where figure.panels.count > 1 {
                throw EngineError("panel \(i + 1): \(error.message)", kind: error.kind)
            }
        }
        return FigureLayout(width: width, height: height, panels: panels)
    }

    /// Shows every `n`-th of many tick labels, with n from 1, 2, 5, 10, 20, 25, 50, … so that
    /// labels `spacing` apart are at least `needed` apart.
    static func thinning(spacing: Double, needed: Double) -> Int {
        guard spacing > 0, spacing < needed else { return 1 }
        var scale = 1
        while scale < 1_000_000_000 {
            for m in [1, 2, 5] where Double(m * scale) * spacing >= needed { return m * scale }
            for m in [10, 20, 25, 50] where Double(m * scale) * spacing >= needed { return m * scale }
            scale *= 100
        }
        return scale
    }

    /// `text`, cut with "…" to fit `width`.
    func fitted(_ text: String, size: Double, width: Double, bold: Bool = false) -> String {
        if metrics.width(text, size: size, bold: bold) <= width { return text }
        var chars = Array(text)
        while !chars.isEmpty {
            chars.removeLast()
            let s = String(chars) + "…"
            if metrics.width(s, size: size, bold: bold) <= width { return s }
        }
        return "…"
    }

    // MARK: axes

    private func axisModels(_ axes: Axes) throws -> (AxisModel, AxisModel) {
        var xs: [Double] = [], ys: [Double] = []
        var yFromZero = false
        var heatmap: Heatmap?
        for artist in axes.artists {
            switch artist {
            case .heatmap(let h): heatmap = h
            case .line(let l):
                if l.categories == nil { xs += l.x }
                for (s, series) in l.series.enumerated() {
                    for (i, v) in series.enumerated() where v.isFinite {
                        if let band = l.bands?[s][i], band.isFinite { ys += [v - band, v + band] } else { ys.append(v) }
                    }
                }
            case .bars(let b):
                yFromZero = true
                ys.append(0)
                for (s, series) in b.series.enumerated() {
                    for (i, v) in series.enumerated() where v.isFinite {
                        let e = b.errors?[s][i] ?? 0
                        ys += e.isFinite ? [v - e, v + e] : [v]
                    }
                }
            case .distribution(let d): ys += d.samples.flatMap { $0.flatMap { $0 } }
            case .scatter(let s):
                for (x, y) in zip(s.x, s.y) where x.isFinite && y.isFinite { xs.append(x); ys.append(y) }
            case .histogram(let h):
                yFromZero = true
                xs += [h.edges.first ?? 0, h.edges.last ?? 1]
                ys.append(0)
                ys += h.counts.flatMap { $0 }
            }
        }
        if let h = heatmap { return (AxisModel(kind: .categories(h.columns)), AxisModel(kind: .categories(h.rows))) }
        let finiteX = xs.filter { $0.isFinite && (axes.xScale == .linear || $0 > 0) }
        let finiteY = ys.filter { $0.isFinite && (axes.yScale == .linear || $0 > 0) }
        if axes.xScale == .log, xs.contains(where: { $0 <= 0 }) { throw EngineError("log x axis: the data must be positive (smallest value \(xs.min() ?? 0))") }
        if axes.yScale == .log, ys.contains(where: { $0 < 0 }) || (ys.contains(0) && !yFromZero) {
            throw EngineError("log y axis: the data must be positive (smallest value \(ys.min() ?? 0))")
        }
        let x: AxisModel
        if let categories = axes.xCategories {
            x = AxisModel(kind: .categories(categories))
        } else {
            x = try AxisModel.numeric(dataLow: finiteX.min() ?? 0, dataHigh: finiteX.max() ?? 1, scale: axes.xScale, fixed: axes.xLimits, axisName: "x")
        }
        let y = try AxisModel.numeric(dataLow: finiteY.min() ?? 0, dataHigh: finiteY.max() ?? 1, scale: axes.yScale, fixed: axes.yLimits,
                                      startAtZero: yFromZero && axes.yScale == .linear, axisName: "y")
        return (x, y)
    }

    struct LegendEntry {
        enum Swatch { case line, patch, marker }
        let label: String
        let color: Color
        let swatch: Swatch
    }

    private func legendEntries(_ axes: Axes) -> [LegendEntry] {
        var entries: [LegendEntry] = []
        var colorIndex = 0
        for artist in axes.artists {
            switch artist {
            case .heatmap: break
            case .line(let l):
                for (s, label) in l.labels.enumerated() where !label.isEmpty {
                    entries.append(LegendEntry(label: label, color: Color.series(l.colorOffset + s), swatch: .line))
                }
            case .bars(let b):
                for (s, label) in b.labels.enumerated() { entries.append(LegendEntry(label: label, color: Color.series(colorIndex + s), swatch: .patch)) }
                colorIndex += b.series.count
            case .distribution(let d):
                for (s, label) in d.seriesLabels.enumerated() {
                    entries.append(LegendEntry(label: label, color: Color.series(colorIndex + s), swatch: d.style == .strip ? .marker : .patch))
                }
                colorIndex += max(d.seriesLabels.count, 1)
            case .scatter(let s):
                if let label = s.label, !label.isEmpty { entries.append(LegendEntry(label: label, color: Color.series(s.colorIndex), swatch: .marker)) }
            case .histogram(let h):
                for (s, label) in h.labels.enumerated() { entries.append(LegendEntry(label: label, color: Color.series(colorIndex + s), swatch: .patch)) }
                colorIndex += h.samples.count
            }
        }
        return axes.showLegend ? entries : []
    }

    private func drawPanel(_ axes: Axes, in cell: Rect, on canvas: Canvas) throws -> FigureLayout.Panel {
        var (xAxis, yAxis) = try axisModels(axes)
        let heatmap: Heatmap? = {
            if case .heatmap(let h) = axes.artists.first { return h }
            return nil
        }()
        let legend = legendEntries(axes)
        let tickHeight = metrics.height(size: Self.tickSize)
        let pad = 6.0

        // Right-hand columns: colorbar, legend.
        var right = pad + 6
        var colorbarTicks: [(Double, String)] = []
        if let h = heatmap, h.colorbar {
            let model = AxisModel(kind: .numeric(low: h.vmin, high: h.vmax == h.vmin ? h.vmin + 1 : h.vmax, scale: .linear))
            colorbarTicks = model.ticks(target: 5)
            let labelWidth = colorbarTicks.map { metrics.width($0.1, size: Self.tickSize) }.max() ?? 0
            right += 10 + 12 + Self.tickLength + 3 + max(labelWidth, h.hasNaN ? metrics.width("NaN", size: Self.tickSize) + 6 : 0)
        }
        var legendWidth = 0.0
        if !legend.isEmpty {
            let widest = legend.map { metrics.width($0.label, size: Self.tickSize) }.max() ?? 0
            legendWidth = min(widest, cell.width * 0.3) + 28
            right += legendWidth + 8
        }

        // Top: title. Bottom: x label. Left: y label.
        var topMargin = pad + tickHeight / 2
        if let title = axes.title, !title.isEmpty { topMargin = pad + Self.titleSize + 8 }
        var bottomMargin = pad + Self.tickLength + 3
        if let x = axes.xLabel, !x.isEmpty { bottomMargin += Self.labelSize + 6 }
        var leftMargin = pad + Self.tickLength + 3
        if let y = axes.yLabel, !y.isEmpty { leftMargin += Self.labelSize + 6 }

        // y ticks (their widths set the left margin).
        let provisionalHeight = max(cell.height - topMargin - bottomMargin - tickHeight - 10, 20)
        var yLabelEvery = 1
        var yTicks: [(Double, String)]
        if yAxis.isCategorical {
            yTicks = yAxis.ticks(target: 0)
            let spacing = provisionalHeight / Double(max(yTicks.count, 1))
            yLabelEvery = Self.thinning(spacing: spacing, needed: tickHeight + 1)
        } else {
            yTicks = yAxis.ticks(target: max(2, min(8, Int(provisionalHeight / 38))))
        }
        let maxYLabel = min(yTicks.enumerated().filter { $0.offset % yLabelEvery == yLabelEvery - 1 || yLabelEvery == 1 }.map { metrics.width($0.element.1, size: Self.tickSize) }.max() ?? 0,
                            cell.width * 0.3)
        leftMargin += maxYLabel

        // x ticks: horizontal when they fit, else rotated, else thinned.
        let plotWidth = max(cell.width - leftMargin - right, 20)
        var xTicks: [(Double, String)]
        var angle = 0.0
        var xLabelEvery = 1
        var xLabelExtent = tickHeight
        if xAxis.isCategorical {
            xTicks = xAxis.ticks(target: 0)
            let spacing = plotWidth / Double(max(xTicks.count, 1))
            let widths = xTicks.map { metrics.width($0.1, size: Self.tickSize) }
            let widest = min(widths.max() ?? 0, cell.height * 0.3)
            if widest + 4 <= spacing {
                angle = 0
            } else if spacing * 0.7071 >= tickHeight + 1 {
                angle = 45
                xLabelExtent = widest * 0.7071 + tickHeight * 0.7071
                // The first label reaches left of its tick: keep it inside the figure.
                let first = min(widths.first ?? 0, cell.height * 0.3) * 0.7071
                leftMargin = max(leftMargin, first - spacing / 2 + 6)
            } else {
                angle = 90
                xLabelEvery = Self.thinning(spacing: spacing, needed: tickHeight + 1)
                xLabelExtent = widest
            }
        } else {
            var target = max(2, min(9, Int(plotWidth / 50)))
            while true {
                let t = AxisModel(kind: xAxis.kind, start: 0, end: plotWidth).ticks(target: target)
                let positioned = t.map { (AxisModel(kind: xAxis.kind, start: 0, end: plotWidth).map($0.0), metrics.width($0.1, size: Self.tickSize)) }
                var fits = true
                for k in 1..<max(positioned.count, 1) where positioned[k].0 - positioned[k - 1].0 < (positioned[k].1 + positioned[k - 1].1) / 2 + 6 {
                    fits = false
                }
                if fits || target <= 2 {
                    xTicks = t
                    if !fits { xTicks = t.enumerated().filter { $0.offset % 2 == 0 }.map(\.element) }
                    break
                }
                target -= 1
            }
        }
        bottomMargin += xLabelExtent
        // Room for the last x label to overhang the plot on the right.
        if angle == 0, let last = xTicks.last, !xAxis.isCategorical {
            right = max(right, metrics.width(last.1, size: Self.tickSize) / 2 + pad)
        }

        let plot = Rect(x: cell.x + leftMargin, y: cell.y + topMargin, width: max(cell.width - leftMargin - right, 10),
                        height: max(cell.height - topMargin - bottomMargin, 10))
        xAxis.start = plot.x; xAxis.end = plot.maxX
        if yAxis.isCategorical { yAxis.start = plot.y; yAxis.end = plot.maxY } else { yAxis.start = plot.maxY; yAxis.end = plot.y }
        if yAxis.isCategorical {
            let spacing = plot.height / Double(max(yTicks.count, 1))
            yLabelEvery = Self.thinning(spacing: spacing, needed: tickHeight + 1)
        } else {
            yTicks = yAxis.ticks(target: max(2, min(8, Int(plot.height / 38))))
        }

        // Grid, then artists (clipped), then the frame, ticks and labels.
        if axes.showGrid {
            for (v, _) in yTicks where !yAxis.isCategorical {
                let y = yAxis.map(v)
                if y >= plot.y - 0.01, y <= plot.maxY + 0.01 { canvas.stroke(line: Point(plot.x, y), Point(plot.maxX, y), .grid, width: 0.6) }
            }
            if !xAxis.isCategorical {
                for (v, _) in xTicks {
                    let x = xAxis.map(v)
                    if x >= plot.x - 0.01, x <= plot.maxX + 0.01 { canvas.stroke(line: Point(x, plot.y), Point(x, plot.maxY), .grid, width: 0.6) }
                }
            }
        }
        canvas.clip(plot)
        var colorIndex = 0
        for artist in axes.artists {
            switch artist {
            case .heatmap(let h): drawHeatmap(h, plot: plot, on: canvas)
            case .line(let l): drawLines(l, x: xAxis, y: yAxis, on: canvas)
            case .bars(let b): drawBars(b, x: xAxis, y: yAxis, colorIndex: colorIndex, on: canvas); colorIndex += b.series.count
            case .distribution(let d): drawDistribution(d, x: xAxis, y: yAxis, colorIndex: colorIndex, on: canvas); colorIndex += max(d.seriesLabels.count, 1)
            case .scatter(let s): drawScatter(s, x: xAxis, y: yAxis, on: canvas)
            case .histogram(let h): drawHistogram(h, x: xAxis, y: yAxis, colorIndex: colorIndex, on: canvas); colorIndex += h.samples.count
            }
        }
        canvas.resetClip()
        canvas.stroke(plot, .axis, width: 0.8)

        // x ticks and labels.
        for (k, (v, label)) in xTicks.enumerated() {
            let x = xAxis.map(v)
            guard x >= plot.x - 0.01, x <= plot.maxX + 0.01 else { continue }
            canvas.stroke(line: Point(x, plot.maxY), Point(x, plot.maxY + Self.tickLength), .axis, width: 0.8)
            guard k % xLabelEvery == xLabelEvery - 1 || xLabelEvery == 1 else { continue }
            let text = fitted(label, size: Self.tickSize, width: angle == 0 ? cell.width : cell.height * 0.3)
            let at = Point(x, plot.maxY + Self.tickLength + 3)
            if angle == 0 {
                canvas.text(text, at: at, size: Self.tickSize, .middle, .top)
            } else if angle == 45 {
                canvas.text(text, at: Point(x + tickHeight * 0.35, at.y), size: Self.tickSize, .end, .top, angle: 45)
            } else {
                canvas.text(text, at: Point(x, at.y), size: Self.tickSize, .end, .middle, angle: 90)
            }
        }
        // y ticks and labels.
        for (k, (v, label)) in yTicks.enumerated() {
            let y = yAxis.map(v)
            guard y >= plot.y - 0.01, y <= plot.maxY + 0.01 else { continue }
            canvas.stroke(line: Point(plot.x - Self.tickLength, y), Point(plot.x, y), .axis, width: 0.8)
            guard k % yLabelEvery == yLabelEvery - 1 || yLabelEvery == 1 else { continue }
            canvas.text(fitted(label, size: Self.tickSize, width: cell.width * 0.3), at: Point(plot.x - Self.tickLength - 3, y), size: Self.tickSize, .end, .middle)
        }
        if let title = axes.title, !title.isEmpty {
            canvas.text(fitted(title, size: Self.titleSize, width: cell.width - 8), at: Point(plot.midX, cell.y + pad), size: Self.titleSize, .middle, .top)
        }
        if let xl = axes.xLabel, !xl.isEmpty {
            canvas.text(fitted(xl, size: Self.labelSize, width: plot.width + 40), at: Point(plot.midX, cell.maxY - pad), size: Self.labelSize, .middle, .bottom)
        }
        if let yl = axes.yLabel, !yl.isEmpty {
            canvas.text(fitted(yl, size: Self.labelSize, width: plot.height + 20), at: Point(cell.x + pad, plot.midY), size: Self.labelSize, .middle, .top, angle: 90)
        }

        var layout = FigureLayout.Panel(plot: plot, xLabelAngle: angle, xLabelEvery: xLabelEvery, yLabelEvery: yLabelEvery)
        if case .numeric(let low, let high, _) = xAxis.kind { layout.xRange = low...high }
        if case .numeric(let low, let high, _) = yAxis.kind { layout.yRange = low...high }
        var legendX = plot.maxX + 10
        if let h = heatmap, h.colorbar {
            let nanHeight = h.hasNaN ? 22.0 : 0
            let bar = Rect(x: plot.maxX + 10, y: plot.y, width: 12, height: max(plot.height - nanHeight, 10))
            drawColorbar(h, bar: bar, ticks: colorbarTicks, on: canvas)
            layout.colorbar = bar
            if h.hasNaN {
                let swatch = Rect(x: bar.x, y: bar.maxY + 10, width: 12, height: 10)
                canvas.hatched(swatch)
                canvas.stroke(swatch, .axis, width: 0.6)
                canvas.text("NaN", at: Point(swatch.maxX + Self.tickLength + 3, swatch.midY), size: Self.tickSize, .start, .middle)
                layout.nanSwatch = swatch
            }
            legendX = bar.maxX + Self.tickLength + 3 + (colorbarTicks.map { metrics.width($0.1, size: Self.tickSize) }.max() ?? 0) + 10
        }
        if !legend.isEmpty { drawLegend(legend, at: Point(legendX, plot.y), width: legendWidth, on: canvas) }
        return layout
    }

    // MARK: artists

    private func drawHeatmap(_ h: Heatmap, plot: Rect, on canvas: Canvas) {
        let cw = plot.width / Double(h.columnCount), ch = plot.height / Double(h.rowCount)
        // Annotations: on when asked, or by default when the numbers fit the cells.
        let sample = formatFixed(-(abs(h.vmax) > abs(h.vmin) ? abs(h.vmax) : abs(h.vmin)), digits: h.digits)
        var size = min(9.0, ch * 0.5)
        while size >= 5, metrics.width(sample, size: size) > cw - 2 { size -= 0.5 }
        let annotate = (h.annotate ?? (h.rowCount * h.columnCount <= 400)) && size >= 5
        for r in 0..<h.rowCount {
            for c in 0..<h.columnCount {
                let v = h.values[r * h.columnCount + c]
                let cell = Rect(x: plot.x + Double(c) * cw, y: plot.y + Double(r) * ch, width: cw, height: ch)
                guard let color = h.color(of: v) else {
                    canvas.hatched(cell)
                    continue
                }
                // A little into the right and lower neighbours (drawn later), so no pixel is left out.
                canvas.fillTile(Rect(x: cell.x, y: cell.y, width: cw + (c + 1 < h.columnCount ? 0.25 : 0),
                                     height: ch + (r + 1 < h.rowCount ? 0.25 : 0)), color)
            }
        }
        guard annotate else { return }
        for r in 0..<h.rowCount {
            for c in 0..<h.columnCount {
                let v = h.values[r * h.columnCount + c]
                let center = Point(plot.x + (Double(c) + 0.5) * cw, plot.y + (Double(r) + 0.5) * ch)
                guard let color = h.color(of: v) else {
                    canvas.text("NaN", at: center, size: size, color: .axis, .middle, .middle)
                    continue
                }
                canvas.text(formatFixed(v, digits: h.digits), at: center, size: size, color: color.luminance < 0.45 ? .white : .black, .middle, .middle)
            }
        }
    }

    private func drawColorbar(_ h: Heatmap, bar: Rect, ticks: [(Double, String)], on canvas: Canvas) {
        let n = h.colormap.entries.count
        let step = bar.height / Double(n)
        for i in 0..<n {
            // Entry i covers [i/n, (i+1)/n) of the range, drawn from the bottom up.
            let y = bar.maxY - Double(i + 1) * step
            // Each step reaches a little into the one below (drawn before), so no pixel row is left out.
            canvas.fillTile(Rect(x: bar.x, y: y, width: bar.width, height: step + (i > 0 ? 0.25 : 0)), h.colormap.entries[i])
        }
        canvas.stroke(bar, .axis, width: 0.6)
        let span = h.vmax - h.vmin
        for (v, label) in ticks {
            let t = span > 0 ? (v - h.vmin) / span : 0.5
            let y = bar.maxY - t * bar.height
            canvas.stroke(line: Point(bar.maxX, y), Point(bar.maxX + Self.tickLength, y), .axis, width: 0.8)
            canvas.text(label, at: Point(bar.maxX + Self.tickLength + 3, y), size: Self.tickSize, .start, .middle)
        }
    }

    private func drawLines(_ l: LineSeries, x: AxisModel, y: AxisModel, on canvas: Canvas) {
        for (s, series) in l.series.enumerated() {
            let color = Color.series(l.colorOffset + s)
            if let band = l.bands?[s] {
                // Each run of finite points gets its own band polygon.
                var run: [Int] = []
                func flush() {
                    guard run.count > 1 else { run = []; return }
                    let upper = run.map { Point(x.map(l.x[$0]), y.map(series[$0] + band[$0])) }
                    let lower = run.reversed().map { Point(x.map(l.x[$0]), y.map(series[$0] - band[$0])) }
                    canvas.fill(polygon: upper + lower, color.withAlpha(0.22))
                    run = []
                }
                for i in series.indices {
                    if series[i].isFinite && band[i].isFinite && l.x[i].isFinite { run.append(i) } else { flush() }
                }
                flush()
            }
            var segment: [Point] = []
            for i in series.indices {
                if series[i].isFinite && l.x[i].isFinite {
                    segment.append(Point(x.map(l.x[i]), y.map(series[i])))
                } else {
                    canvas.stroke(polyline: segment, color, width: 1.5, dash: [])
                    segment = []
                }
            }
            canvas.stroke(polyline: segment, color, width: 1.5, dash: [])
            if l.markers || series.count == 1 {
                for i in series.indices where series[i].isFinite && l.x[i].isFinite {
                    canvas.fill(circle: Point(x.map(l.x[i]), y.map(series[i])), radius: 2.5, color)
                }
            }
        }
    }

    private func drawBars(_ b: BarGroups, x: AxisModel, y: AxisModel, colorIndex: Int, on canvas: Canvas) {
        let slot = x.slot
        let groupWidth = slot * 0.8
        let barWidth = groupWidth / Double(b.series.count)
        let base = y.map(yBase(y))
        for (s, series) in b.series.enumerated() {
            let color = Color.series(colorIndex + s)
            for (c, v) in series.enumerated() where v.isFinite {
                let left = x.map(Double(c)) - groupWidth / 2 + Double(s) * barWidth
                let top = y.map(v)
                canvas.fill(Rect(x: left, y: min(top, base), width: barWidth, height: abs(base - top)), color)
                if let e = b.errors?[s][c], e.isFinite, e > 0 {
                    let cx = left + barWidth / 2, capHalf = min(barWidth * 0.25, 4)
                    let y0 = y.map(v - e), y1 = y.map(v + e)
                    canvas.stroke(line: Point(cx, y0), Point(cx, y1), .axis, width: 1)
                    canvas.stroke(line: Point(cx - capHalf, y0), Point(cx + capHalf, y0), .axis, width: 1)
                    canvas.stroke(line: Point(cx - capHalf, y1), Point(cx + capHalf, y1), .axis, width: 1)
                }
            }
        }
    }

    /// Bars and histograms grow from 0 (from the bottom on a log axis).
    private func yBase(_ y: AxisModel) -> Double {
        if case .numeric(let low, let high, let scale) = y.kind {
            if scale == .log { return low }
            return min(max(0, low), high)
        }
        return 0
    }

    private func drawDistribution(_ d: Distribution, x: AxisModel, y: AxisModel, colorIndex: Int, on canvas: Canvas) {
        let slot = x.slot
        let seriesCount = d.samples.first?.count ?? 1
        let groupWidth = slot * 0.8
        let width = groupWidth / Double(seriesCount)
        var jitter = RandomGenerator(seed: 20200101)
        for (c, group) in d.samples.enumerated() {
            for (s, values) in group.enumerated() {
                guard let summary = DistributionSummary(values) else { continue }
                let color = Color.series(colorIndex + (seriesCount > 1 ? s : 0))
                let center = x.map(Double(c)) - groupWidth / 2 + (Double(s) + 0.5) * width
                let half = width * 0.4
                switch d.style {
                case .box:
                    let top = y.map(summary.q3), bottom = y.map(summary.q1)
                    let box = Rect(x: center - half, y: min(top, bottom), width: 2 * half, height: max(abs(bottom - top), 0.5))
                    canvas.fill(box, color.withAlpha(0.75))
                    canvas.stroke(box, .axis, width: 0.8)
                    canvas.stroke(line: Point(center - half, y.map(summary.median)), Point(center + half, y.map(summary.median)), .axis, width: 1.4)
                    canvas.stroke(line: Point(center, box.y), Point(center, y.map(summary.highWhisker)), .axis, width: 0.8)
                    canvas.stroke(line: Point(center, box.maxY), Point(center, y.map(summary.lowWhisker)), .axis, width: 0.8)
                    for w in [summary.lowWhisker, summary.highWhisker] {
                        canvas.stroke(line: Point(center - half / 2, y.map(w)), Point(center + half / 2, y.map(w)), .axis, width: 0.8)
                    }
                    for f in summary.fliers { canvas.fill(circle: Point(center, y.map(f)), radius: 1.6, .axis) }
                case .violin:
                    let low = summary.sorted.first ?? 0, high = summary.sorted.last ?? 0
                    if summary.bandwidth > 0, high > low {
                        let steps = 64
                        let grid = (0...steps).map { low + (high - low) * Double($0) / Double(steps) }
                        let dens = grid.map { summary.density(at: $0) }
                        let peak = dens.max() ?? 1
                        let rightSide = zip(grid, dens).map { Point(center + half * $1 / peak, y.map($0)) }
                        let leftSide = zip(grid, dens).reversed().map { Point(center - half * $1 / peak, y.map($0)) }
                        canvas.fill(polygon: rightSide + leftSide, color.withAlpha(0.75))
                        canvas.stroke(polyline: rightSide + leftSide + [rightSide[0]], .axis, width: 0.6, dash: [])
                    }
                    canvas.stroke(line: Point(center, y.map(summary.q1)), Point(center, y.map(summary.q3)), .axis, width: 2.5)
                    canvas.fill(circle: Point(center, y.map(summary.median)), radius: 1.8, .white)
                case .strip:
                    for v in values {
                        let offset = (jitter.nextDouble() - 0.5) * 2 * half * 0.8
                        canvas.fill(circle: Point(center + offset, y.map(v)), radius: 2, color.withAlpha(0.75))
                    }
                    canvas.stroke(line: Point(center - half, y.map(summary.median)), Point(center + half, y.map(summary.median)), .axis, width: 1.2)
                }
            }
        }
    }

    private func drawScatter(_ s: ScatterSeries, x: AxisModel, y: AxisModel, on canvas: Canvas) {
        let color = Color.series(s.colorIndex).withAlpha(0.8)
        for (a, b) in zip(s.x, s.y) where a.isFinite && b.isFinite {
            canvas.fill(circle: Point(x.map(a), y.map(b)), radius: s.size, color)
        }
    }

    private func drawHistogram(_ h: Histogram, x: AxisModel, y: AxisModel, colorIndex: Int, on canvas: Canvas) {
        let base = y.map(yBase(y))
        let alpha = h.counts.count > 1 ? 0.55 : 0.9
        for (s, counts) in h.counts.enumerated() {
            let color = Color.series(colorIndex + s).withAlpha(alpha)
            for (b, count) in counts.enumerated() where count > 0 {
                let left = x.map(h.edges[b]), right = x.map(h.edges[b + 1])
                let top = y.map(count)
                let rect = Rect(x: left, y: min(top, base), width: right - left, height: abs(base - top))
                canvas.fill(rect, color)
                canvas.stroke(rect, .white, width: 0.5)
            }
        }
    }

    private func drawLegend(_ entries: [LegendEntry], at origin: Point, width: Double, on canvas: Canvas) {
        let rowHeight = Self.tickSize + 6
        let box = Rect(x: origin.x, y: origin.y, width: width, height: Double(entries.count) * rowHeight + 6)
        canvas.fill(box, .white)
        canvas.stroke(box, Color(hex: 0xCCCCCC), width: 0.6)
        for (i, e) in entries.enumerated() {
            let cy = origin.y + 3 + (Double(i) + 0.5) * rowHeight
            let sx = origin.x + 5
            switch e.swatch {
            case .line: canvas.stroke(line: Point(sx, cy), Point(sx + 16, cy), e.color, width: 1.8)
            case .patch: canvas.fill(Rect(x: sx + 2, y: cy - 4, width: 12, height: 8), e.color)
            case .marker: canvas.fill(circle: Point(sx + 8, cy), radius: 3, e.color)
            }
            canvas.text(fitted(e.label, size: Self.tickSize, width: width - 28), at: Point(sx + 21, cy), size: Self.tickSize, .start, .middle)
        }
    }
}
