import CLua
import Engine

/// A figure in Lua: `plot.figure{…}` or any `plot.<kind>(…)`.
final class FigureObject: LuaBindable {
    let figure: Figure
    init(_ figure: Figure) { self.figure = figure }

    static let luaClass = LuaClass(
        name: "figure",
        doc: """
            A figure: a grid of panels (fig:panel(i) or fig:panel(row, col), also fig[i]), each \
            holding heatmaps, lines, bars, distributions, points or histograms. fig:save(path) \
            writes PNG, SVG or PDF by extension; fig:show() draws it in the terminal (kitty, iTerm2, \
            sixel) or saves a temporary PNG and prints its path; in the shell a figure value shows \
            itself. fig.rows, fig.cols, fig.title, fig.width, fig.height (inches), fig.dpi.
            """,
        methods: FigureMethods.all,
        metamethods: [
            "__tostring": { lua in
                let f = try lua.check(1, FigureObject.self, "self").figure
                lua.push(FigureMethods.describe(f))
                return 1
            },
            "__len": { lua in
                lua.push(try lua.check(1, FigureObject.self, "self").figure.panels.count)
                return 1
            },
        ],
        fields: [
            field("rows", "rows of panels") { lua, f in lua.push(f.figure.rows) },
            field("cols", "columns of panels") { lua, f in lua.push(f.figure.columns) },
            field("title", "the figure's title, or nil") { lua, f in
                if let t = f.figure.title { lua.push(t) } else { lua.pushNil() }
            },
            field("width", "width in inches") { lua, f in lua.push(f.figure.width) },
            field("height", "height in inches") { lua, f in lua.push(f.figure.height) },
            field("dpi", "dots per inch of raster output") { lua, f in lua.push(f.figure.dpi) },
        ],
        elements: { lua in
            let f = try lua.check(1, FigureObject.self, "self").figure
            guard let i = lua.integer(2), lua.type(2) == .number, i >= 1, i <= f.panels.count else { return 0 }
            lua.push(object: PanelObject(f.panels[i - 1], figure: f, number: i))
            return 1
        },
        describe: { object in
            guard let f = object as? FigureObject else { return "figure" }
            return "figure (\(f.figure.rows)×\(f.figure.columns) panels)"
        })
}

enum FigureMethods {
    static func describe(_ f: Figure) -> String {
        let kinds = f.panels.map { axes -> String in
            axes.artists.map { artist -> String in
                switch artist {
                case .heatmap(let h): return "heatmap \(h.rowCount)×\(h.columnCount)"
                case .line(let l): return "line ×\(l.series.count)"
                case .bars(let b): return "bar \(b.categories.count)"
                case .distribution(let d): return "\(d.style.rawValue) \(d.categories.count)"
                case .scatter(let s): return "scatter \(s.x.count)"
                case .histogram(let h): return "histogram \(h.counts.first?.count ?? 0) bins"
                }
            }.joined(separator: " + ")
        }
        let content = kinds.map { $0.isEmpty ? "empty" : $0 }.joined(separator: " | ")
        return "figure \(f.rows)×\(f.columns) (\(content))" + (f.title.map { ": \($0)" } ?? "")
    }

    /// `{width =, height =, dpi =}`: an output size over the figure's own.
    static let sizeOptions = [
        LuaOption("width", .number, shown: "w", "width in inches, (0, 100] (default the figure's)"),
        LuaOption("height", .number, shown: "h", "height in inches, (0, 100] (default the figure's)"),
        LuaOption("dpi", .number, shown: "n", "dots per inch of PNG output, (0, 1200] (default the figure's)"),
    ]

    /// The size `options` ask for, over the figure's own size.
    static func size(_ lua: Lua, _ figure: Figure, _ options: Options) throws -> FigureOutput.Size {
        let size = FigureOutput.Size(width: try options.number("width") ?? figure.width, height: try options.number("height") ?? figure.height,
                                     dpi: try options.number("dpi") ?? figure.dpi)
        for (name, v) in [("width", size.width), ("height", size.height)] where !(v > 0 && v <= 100) {
            throw lua.error("option '\(name)': expected inches in (0, 100], got \(v)")
        }
        guard size.dpi > 0, size.dpi <= 1200 else { throw lua.error("option 'dpi': expected a number in (0, 1200], got \(size.dpi)") }
        return size
    }

    static let all: [LuaFunctionSpec] = [
        LuaFunctionSpec("panel", "fig:panel(i) or fig:panel(row, col) → panel",
                        "Panel i (row-major, 1-based) or the one at row, col; add to it with p:heatmap(…), p:line(…), … and set titles with p:set{…}.") { lua in
            let f = try lua.check(1, FigureObject.self, "self").figure
            try lua.checkArgumentCount(max: 3)
            let index: Int
            if lua.isNoneOrNil(3) {
                index = try lua.checkInteger(2, "i", in: 1...f.panels.count)
            } else {
                let r = try lua.checkInteger(2, "row", in: 1...f.rows), c = try lua.checkInteger(3, "col", in: 1...f.columns)
                index = (r - 1) * f.columns + c
            }
            lua.push(object: PanelObject(f.panels[index - 1], figure: f, number: index))
            return 1
        },
        LuaFunctionSpec("save", "fig:save(path [, {…}]) → fig", options: sizeOptions, at: 3,
                        "Writes the figure to path as PNG, SVG or PDF (by extension), atomically; width and height in inches (default 6.4 × 4.8 for one panel), dpi for PNG (default 100). The same figure gives the same bytes every time.") { lua, options in
            let f = try lua.check(1, FigureObject.self, "self").figure
            let path = try lua.checkString(2, "path")
            let size = try size(lua, f, options)
            try lua.checkArgumentCount(max: 3)
            try FigureOutput.save(f, to: path, size: size)
            lua.setTop(1)
            return 1
        },
        LuaFunctionSpec("bytes", "fig:bytes(format [, {…}]) → string", options: sizeOptions, at: 3,
                        "The figure's file contents as a Lua string: format \"png\", \"svg\" or \"pdf\" (for a notebook, a web page, or a file of your own).") { lua, options in
            let f = try lua.check(1, FigureObject.self, "self").figure
            let name = try lua.checkString(2, "format")
            guard let format = FigureOutput.Format(rawValue: name) else { throw lua.argumentError(2, "format", expected: "\"png\", \"svg\" or \"pdf\"") }
            let size = try size(lua, f, options)
            try lua.checkArgumentCount(max: 3)
            let data = try FigureOutput.bytes(f, format: format, size: size)
            data.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { _ = lua_pushlstring(lua.state, $0.baseAddress, $0.count) }
            }
            return 1
        },
        LuaFunctionSpec("show", "fig:show() → fig",
                        "Draws the figure where the front end can: in the shell, inside the terminal (kitty graphics, iTerm2 inline images or sixel, chosen from TERM, TERM_PROGRAM, LC_TERMINAL, KITTY_WINDOW_ID; PRUNELAB_IMAGES=kitty|iterm|sixel|file forces one); otherwise it saves a temporary PNG (in $PRUNELAB_FIGURE_DIR, $TMPDIR or /tmp) and prints its path.") { lua in
            let f = try lua.check(1, FigureObject.self, "self").figure
            try lua.checkArgumentCount(max: 1)
            let text = try FigureDisplay.show(f)
            if !text.isEmpty {
                lua.getGlobal("print")
                lua.push(text.hasSuffix("\n") ? String(text.dropLast()) : text)
                try lua.protectedCall(arguments: 1, results: 0)
            }
            lua.setTop(1)
            return 1
        },
        LuaFunctionSpec("set", "fig:set{…} → fig", options: [LuaOption("title", .string, shown: "\"…\"", "the overall title")] + sizeOptions, at: 2,
                        "Sets the overall title and the default size (inches) and dpi.") { lua, options in
            let f = try lua.check(1, FigureObject.self, "self").figure
            try lua.checkArgumentCount(max: 2)
            let size = try size(lua, f, options)
            if let t = try options.string("title") { f.title = t }
            f.width = size.width; f.height = size.height; f.dpi = size.dpi
            lua.setTop(1)
            return 1
        },
    ]
}

/// One panel of a figure (`fig:panel(i)`): kinds add to it.
final class PanelObject: LuaBindable {
    let axes: Axes
    let figure: Figure
    let number: Int
    init(_ axes: Axes, figure: Figure, number: Int) { self.axes = axes; self.figure = figure; self.number = number }

    static let luaClass = LuaClass(
        name: "panel",
        doc: """
            One panel of a figure (fig:panel(i)): p:heatmap(m, {…}), p:line(x, ys, {…}), p:bar(…), \
            p:distribution(…), p:scatter(…), p:histogram(…) add to it (lines, bars, points and \
            histograms can share a panel; a heatmap needs one of its own); p:set{title =, xlabel =, \
            ylabel =, xscale = "log", yscale =, xlim = {lo, hi}, ylim =, legend = false, grid = false}. \
            p.figure is its figure.
            """,
        methods: PlotKinds.all.map(PlotKinds.panelMethod) + [
            LuaFunctionSpec("set", "p:set{title =, xlabel =, ylabel =, xscale =, yscale =, xlim =, ylim =, legend =, grid =} → p",
                            "Sets the panel's title, axis labels, scales (\"linear\" or \"log\"), limits {low, high}, and whether it shows a legend and a grid.") { lua in
                let panel = try lua.check(1, PanelObject.self, "self")
                let options = try lua.options(2, known: PlotKinds.panelOptions)
                try lua.checkArgumentCount(max: 2)
                try PlotKinds.applyPanelOptions(lua, panel.axes, options)
                lua.setTop(1)
                return 1
            },
        ],
        metamethods: [
            "__tostring": { lua in
                let p = try lua.check(1, PanelObject.self, "self")
                lua.push("panel \(p.number) of a \(p.figure.rows)×\(p.figure.columns) figure (\(p.axes.artists.count) artist\(p.axes.artists.count == 1 ? "" : "s"))")
                return 1
            },
        ],
        fields: [
            field("figure", "the figure the panel belongs to") { lua, p in lua.push(object: FigureObject(p.figure)) },
        ],
        describe: { object in
            guard let p = object as? PanelObject else { return "panel" }
            return "panel \(p.number)"
        })
}
