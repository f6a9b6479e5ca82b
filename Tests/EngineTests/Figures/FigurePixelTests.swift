import Testing
@testable import Engine

/// Renders every kind to PNG, reads the PNG back and checks pixels against known colours:
/// heatmap cells carry the colormap's colour for their value, the colorbar runs from vmin
/// (bottom) to vmax (top), NaN cells are hatched grey, and marks have their series colour.
struct FigurePixelTests {
    typealias RGB = (Int, Int, Int)

    /// The PNG bytes decoded, after checking they hold the same pixels as the direct raster.
    func render(_ figure: Figure) throws -> (Image, FigureLayout.Panel, Double) {
        let (raster, layout) = try FigureOutput.raster(figure)
        let png = try FigureOutput.bytes(figure, format: .png)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let image = try Image(png: png)
        #expect(image.width == Int(6.4 * figure.dpi) && image.height == Int(4.8 * figure.dpi))
        #expect(image.rgba == raster.rgba, "the PNG holds what was drawn")
        let panel = try #require(layout.panels.first ?? nil)
        return (image, panel, figure.dpi / 72)
    }

    func pixel(_ image: Image, _ x: Double, _ y: Double, scale: Double) -> RGB {
        let p = image.pixel(Int(x * scale), Int(y * scale))
        return (Int(p.0), Int(p.1), Int(p.2))
    }

    /// cairo's 8-bit value of a colour component (via 16 bits, as cairo stores colours).
    func byte(_ v: Double) -> Int { Int((v * 65535 + 0.5).rounded(.down)) >> 8 }

    func expected(_ c: Color, over background: Color = .white) -> RGB {
        (byte(c.red * c.alpha + background.red * (1 - c.alpha)),
         byte(c.green * c.alpha + background.green * (1 - c.alpha)),
         byte(c.blue * c.alpha + background.blue * (1 - c.alpha)))
    }

    func close(_ a: RGB, _ b: RGB, within tolerance: Int = 1) -> Bool {
        abs(a.0 - b.0) <= tolerance && abs(a.1 - b.1) <= tolerance && abs(a.2 - b.2) <= tolerance
    }

    @Test(arguments: ["viridis", "magma", "coolwarm"])
    func heatmapCellsHaveTheColormapColourOfTheirValue(_ name: String) throws {
        let values: [Double] = [0, 0.25, 0.5, 0.75, 1, 0.1, 0.9, 0.6, 0.3, 0.45, 0.8, 0.05]
        // 300 dpi: a colormap step of the colorbar is several pixels tall.
        let figure = try Figure(dpi: 300)
        let map = try Colormap.named(name)
        try figure.panels[0].add(.heatmap(try Heatmap(values: values, rowCount: 3, columnCount: 4, rows: nil, columns: nil,
                                                      colormap: map, vmin: 0, vmax: 1, annotate: false)))
        let (image, panel, s) = try render(figure)
        let cw = panel.plot.width / 4, ch = panel.plot.height / 3
        for r in 0..<3 {
            for c in 0..<4 {
                let v = values[r * 4 + c]
                let got = pixel(image, panel.plot.x + (Double(c) + 0.5) * cw, panel.plot.y + (Double(r) + 0.5) * ch, scale: s)
                let want = expected(try #require(map.color(v)))
                #expect(close(got, want), "\(name) cell (\(r), \(c)) = \(v): got \(got), expected \(want)")
            }
        }
        // The colorbar: vmin's colour at the bottom, vmax's at the top, the middle in between.
        let bar = try #require(panel.colorbar)
        // Half a colormap step in from the ends (clear of the outline's antialiasing).
        let step = bar.height / 256
        let bottom = pixel(image, bar.midX, bar.maxY - step / 2, scale: s)
        let top = pixel(image, bar.midX, bar.y + step / 2, scale: s)
        let middle = pixel(image, bar.midX, bar.midY, scale: s)
        #expect(close(bottom, expected(map.entries[0])), "bottom \(bottom)")
        #expect(close(top, expected(map.entries[255])), "top \(top)")
        #expect(close(middle, expected(map.entries[127])) || close(middle, expected(map.entries[128])), "middle \(middle)")
    }

    @Test func vminAndVmaxClipTheColours() throws {
        let figure = try Figure()
        try figure.panels[0].add(.heatmap(try Heatmap(values: [-5, 0.5, 7], rowCount: 1, columnCount: 3, rows: nil, columns: nil,
                                                      vmin: 0, vmax: 1, annotate: false)))
        let (image, panel, s) = try render(figure)
        let cw = panel.plot.width / 3
        let cells = (0..<3).map { pixel(image, panel.plot.x + (Double($0) + 0.5) * cw, panel.plot.midY, scale: s) }
        #expect(close(cells[0], expected(Colormap.viridis.entries[0])))
        #expect(close(cells[1], expected(Colormap.viridis.entries[128])))
        #expect(close(cells[2], expected(Colormap.viridis.entries[255])))
    }

    @Test func nanCellsAreHatchedGreyAndTheColorbarShowsASwatch() throws {
        let figure = try Figure()
        try figure.panels[0].add(.heatmap(try Heatmap(values: [0, .nan, 1, 0.5], rowCount: 2, columnCount: 2, rows: ["a", "b"], columns: ["c", "d"],
                                                      annotate: false)))
        let (image, panel, s) = try render(figure)
        let cell = Rect(x: panel.plot.x + panel.plot.width / 2, y: panel.plot.y, width: panel.plot.width / 2, height: panel.plot.height / 2)
        var fill = 0, hatch = 0, total = 0
        let grey = expected(.nanFill)
        for y in stride(from: cell.y + 2, to: cell.maxY - 2, by: 1) {
            for x in stride(from: cell.x + 2, to: cell.maxX - 2, by: 1) {
                let p = pixel(image, x, y, scale: s)
                total += 1
                if close(p, grey) { fill += 1 } else if p.0 == p.1 && p.1 == p.2 && p.0 < grey.0 { hatch += 1 }
            }
        }
        #expect(fill + hatch == total, "every pixel of the NaN cell is grey (fill or hatch)")
        #expect(fill > total / 2 && hatch > total / 20, "fill \(fill), hatch \(hatch) of \(total)")
        // No colormap colour is grey, so the cell is distinct from every value.
        #expect(!Colormap.viridis.entries.contains { close(expected($0), grey, within: 8) })
        let swatch = try #require(panel.nanSwatch)
        #expect(close(pixel(image, swatch.x + 1, swatch.maxY - 1, scale: s), grey) || pixel(image, swatch.x + 1, swatch.maxY - 1, scale: s).0 < grey.0)
    }

    @Test func linesBarsPointsAndHistogramsHaveTheirSeriesColours() throws {
        let blue = Color.series(0)
        // A line with markers: the point (3, 2) is the first colour.
        let line = try Figure()
        try line.panels[0].add(.line(try LineSeries(x: [1, 2, 3, 4], series: [[0, 1, 2, 3]], labels: nil, bands: nil, markers: true)))
        var (image, panel, s) = try render(line)
        var x = try #require(panel.xRange), y = try #require(panel.yRange)
        func at(_ vx: Double, _ vy: Double) -> RGB {
            pixel(image, panel.plot.x + (vx - x.lowerBound) / (x.upperBound - x.lowerBound) * panel.plot.width,
                  panel.plot.maxY - (vy - y.lowerBound) / (y.upperBound - y.lowerBound) * panel.plot.height, scale: s)
        }
        #expect(close(at(3, 2), expected(blue)))
        #expect(close(at(1.25, 2.6), (255, 255, 255)), "background away from the line and the grid")

        // Two bar series: the bars' middles.
        let bars = try Figure()
        try bars.panels[0].add(.bars(try BarGroups(categories: ["a", "b"], series: [[2, 4], [3, 1]], labels: ["p", "q"], errors: nil)))
        (image, panel, s) = try render(bars)
        y = try #require(panel.yRange)
        #expect(y.lowerBound == 0, "bars start at zero")
        let slot = panel.plot.width / 2
        func barPixel(_ series: Int, _ category: Int, _ value: Double) -> RGB {
            let cx = panel.plot.x + (Double(category) + 0.5) * slot - 0.4 * slot + (Double(series) + 0.5) * 0.4 * slot
            return pixel(image, cx, panel.plot.maxY - value / 2 / y.upperBound * panel.plot.height, scale: s)
        }
        #expect(close(barPixel(0, 1, 4), expected(blue)))
        #expect(close(barPixel(1, 0, 3), expected(Color.series(1))))

        // A scatter point and a histogram bin.
        let scatter = try Figure()
        try scatter.panels[0].add(.scatter(try ScatterSeries(x: [0, 9.3], y: [0, 9.3], label: nil, size: 4)))
        (image, panel, s) = try render(scatter)
        x = try #require(panel.xRange); y = try #require(panel.yRange)
        #expect(close(at(9.3, 9.3), expected(blue.withAlpha(0.8))), "a point off the grid lines")

        let histogram = try Figure()
        try histogram.panels[0].add(.histogram(try Histogram(samples: [[0.1, 0.2, 0.3, 1.5, 2.5, 2.6]], labels: nil, bins: 3, range: (0, 3), density: false)))
        (image, panel, s) = try render(histogram)
        x = try #require(panel.xRange); y = try #require(panel.yRange)
        #expect(close(at(0.7, 1.2), expected(blue.withAlpha(0.9))), "bin [0, 1) holds 3")
        #expect(close(at(1.3, 1.7), (255, 255, 255)), "bin [1, 2) holds 1: white above it")
        #expect(close(at(1.3, 0.7), expected(blue.withAlpha(0.9))))
    }

    @Test(arguments: Distribution.Style.allCases)
    func distributionsDrawInTheirGroupsSlots(_ style: Distribution.Style) throws {
        let sample = (0..<40).map { Double($0) / 39 }
        let figure = try Figure()
        try figure.panels[0].add(.distribution(try Distribution(categories: ["a", "b"], samples: [[sample], [sample.map { $0 + 2 }]],
                                                                seriesLabels: nil, style: style)))
        let (image, panel, s) = try render(figure)
        let y = try #require(panel.yRange)
        let slot = panel.plot.width / 2
        // In slot 1 at value 2.25 (between q1 and the median) something is drawn; at value 0.25 only the grid/background.
        let py = { (v: Double) in panel.plot.maxY - (v - y.lowerBound) / (y.upperBound - y.lowerBound) * panel.plot.height }
        var coloured = 0, elsewhere = 0
        for dx in stride(from: -0.3 * slot, through: 0.3 * slot, by: 1) {
            let inside = pixel(image, panel.plot.x + 1.5 * slot + dx, py(2.25), scale: s)
            let outside = pixel(image, panel.plot.x + 1.5 * slot + dx, py(0.25), scale: s)
            if !(inside.0 == inside.1 && inside.1 == inside.2) { coloured += 1 }
            if !(outside.0 == outside.1 && outside.1 == outside.2) { elsewhere += 1 }
        }
        #expect(coloured > 0, "\(style): group b is drawn at its values")
        #expect(elsewhere == 0, "\(style): nothing of group b below its values")
    }

    @Test func manyCategoriesRotateOrThinTheirLabels() throws {
        func layout(_ n: Int, _ name: (Int) -> String) throws -> FigureLayout.Panel {
            let figure = try Figure()
            try figure.panels[0].add(.bars(try BarGroups(categories: (0..<n).map(name), series: [(0..<n).map(Double.init)], labels: nil, errors: nil)))
            return try #require(try FigureOutput.raster(figure).1.panels.first ?? nil)
        }
        let few = try layout(4) { "c\($0)" }
        #expect(few.xLabelAngle == 0 && few.xLabelEvery == 1)
        let long = try layout(12) { "layer\($0).conv.weight" }
        #expect(long.xLabelAngle == 45 && long.xLabelEvery == 1)
        let many = try layout(200) { "unit\($0)" }
        #expect(many.xLabelAngle == 90 && many.xLabelEvery > 1)
        // Thinned labels are at least a text height apart.
        let spacing = many.plot.width / 200 * Double(many.xLabelEvery)
        #expect(spacing >= FigureRenderer.tickSize * (TextMetrics.capHeight + TextMetrics.descent))
    }
}
