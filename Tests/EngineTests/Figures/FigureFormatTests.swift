import Testing
@testable import Engine

/// Known answers for the pieces: ticks, colormap tables, quantiles, base64, formats.
struct FigureFormatTests {
    @Test func niceTicks() {
        #expect(Ticks.linear(low: 0, high: 1, target: 5).values == [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1])
        #expect(Ticks.niceStep(span: 10, target: 4) == 2.5)
        #expect(Ticks.niceStep(span: 0.07, target: 5) == 0.02)
        #expect(Ticks.linear(low: -0.05, high: 1.05, target: 5).values.map { Ticks.label($0, step: 0.25) } == ["0.00", "0.25", "0.50", "0.75", "1.00"])
        #expect(Ticks.linear(low: -0.05, high: 1.05, target: 6).values.map { Ticks.label($0, step: 0.2) } == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        #expect(Ticks.label(2_000_000, step: 1_000_000) == "2e6")
        #expect(Ticks.label(2_500_000, step: 500_000) == "2.5e6")
        #expect(Ticks.log(low: 0.001, high: 1000).map(Ticks.logLabel) == ["0.001", "0.01", "0.1", "1", "10", "100", "1000"])
        #expect(Ticks.log(low: 1, high: 50) == [1, 2, 5, 10, 20, 50])
    }

    @Test func colormapTables() throws {
        // matplotlib: viridis(0) = #440154, viridis(1) = #fde725, magma(1) = #fcfdbf; coolwarm's
        // ends are Moreland's (59, 76, 192) and (180, 4, 38), its middle (221, 221, 221).
        #expect(Colormap.viridis.entries.count == 256 && Colormap.magma.entries.count == 256 && Colormap.coolwarm.entries.count == 256)
        #expect(try #require(Colormap.viridis.color(0)).hexString == "#440154")
        #expect(try #require(Colormap.viridis.color(1)).hexString == "#fde725")
        #expect(try #require(Colormap.magma.color(1)).hexString == "#fcfdbf")
        #expect(try #require(Colormap.coolwarm.color(0)).hexString == "#3b4cc0")
        #expect(try #require(Colormap.coolwarm.color(1)).hexString == "#b40426")
        let mid = Colormap.coolwarm.entries[127]
        #expect(abs(mid.red - 0.8674) < 0.01 && abs(mid.green - 0.8644) < 0.01 && abs(mid.blue - 0.8626) < 0.01)
        #expect(Colormap.viridis.color(.nan) == nil)
        #expect(Colormap.index(0.5, count: 256) == 128 && Colormap.index(-1, count: 256) == 0 && Colormap.index(2, count: 256) == 255)
        #expect(throws: EngineError.self) { try Colormap.named("jet") }
    }

    @Test func quartilesAsNumPy() throws {
        // numpy.percentile([1, 2, 3, 4, 10], [25, 50, 75]) = [2, 3, 4]; whiskers at 1.5 IQR leave 10 out.
        let s = try #require(DistributionSummary([4, 1, 10, 3, 2]))
        #expect(s.q1 == 2 && s.median == 3 && s.q3 == 4)
        #expect(s.lowWhisker == 1 && s.highWhisker == 4 && s.fliers == [10])
        // Scott's bandwidth of [0, 1]: std 0.7071… · 2^(−1/5).
        #expect(abs(try #require(DistributionSummary([0, 1])).bandwidth - 0.7071067811865476 * 0.8705505632961241) < 1e-12)
    }

    @Test func base64KnownVectors() {
        // RFC 4648 section 10.
        #expect(TerminalImage.base64(Array("".utf8)) == "")
        #expect(TerminalImage.base64(Array("f".utf8)) == "Zg==")
        #expect(TerminalImage.base64(Array("fo".utf8)) == "Zm8=")
        #expect(TerminalImage.base64(Array("foobar".utf8)) == "Zm9vYmFy")
        let escape = TerminalImage.kitty(png: [1, 2, 3])
        #expect(escape == "\u{1B}_Ga=T,f=100,q=2,m=0;AQID\u{1B}\\\n")
    }

    @Test func formatsByExtensionAndSameBytes() throws {
        #expect(try FigureOutput.format(of: "a/b.PNG") == .png)
        #expect(try FigureOutput.format(of: "x.svg") == .svg)
        #expect(throws: EngineError.self) { try FigureOutput.format(of: "x.jpg") }
        #expect(throws: EngineError.self) { try FigureOutput.format(of: "noextension") }
        let figure = try Figure(title: "same <bytes> & text")
        try figure.panels[0].add(.line(try LineSeries(x: nil, series: [[1, 3, 2]], labels: ["a"], bands: [[0.1, 0.2, 0.1]])))
        figure.panels[0].xLabel = "epoch"
        for format in FigureOutput.Format.allCases {
            #expect(try FigureOutput.bytes(figure, format: format) == FigureOutput.bytes(figure, format: format), "\(format)")
        }
        let svg = String(decoding: try FigureOutput.bytes(figure, format: .svg), as: UTF8.self)
        #expect(svg.contains(">same &lt;bytes&gt; &amp; text</text>") && svg.contains(">epoch</text>") && svg.contains(">1.0</text>"))
        let pdf = try FigureOutput.bytes(figure, format: .pdf)
        #expect(String(decoding: pdf.prefix(5), as: UTF8.self) == "%PDF-")
    }

    @Test func badDataIsRefused() {
        #expect(throws: EngineError.self) { try Heatmap(values: [.nan, .nan], rowCount: 1, columnCount: 2, rows: nil, columns: nil) }
        #expect(throws: EngineError.self) { try Heatmap(values: [], rowCount: 0, columnCount: 0, rows: nil, columns: nil) }
        #expect(throws: EngineError.self) { try Heatmap(values: [1, 2], rowCount: 1, columnCount: 2, rows: ["a", "b"], columns: nil) }
        #expect(throws: EngineError.self) { try LineSeries(x: [1], series: [[1, 2]], labels: nil, bands: nil) }
        #expect(throws: EngineError.self) { try Histogram(samples: [[.nan]], labels: nil, bins: 10, range: nil, density: false) }
        #expect(throws: EngineError.self) { try FigureOutput.Size(width: 1000, height: 1, dpi: 100).pixels() }
    }
}
