import CLua
import Engine

/// The `plot` Lua module: figures drawn with cairo (PNG, PDF) and as SVG.
enum PlotModule {
    static let module = LuaModule(
        name: "plot",
        doc: """
            Figures, as matplotlib draws them. One-panel figures: plot.heatmap(m, {…}), \
            plot.line(x, ys, {…}), plot.bar(names, values, {…}), plot.distribution(groups, {…}), \
            plot.scatter(x, y, {…}), plot.histogram(values, {…}); several panels: \
            fig = plot.figure{rows = 1, cols = 2, title = …} then fig:panel(i):heatmap(…). Every \
            kind takes title, xlabel, ylabel, xscale/yscale = "log", xlim/ylim, legend, grid. \
            fig:save("x.png" | "x.svg" | "x.pdf", {width =, height =, dpi =}); fig:show(). Results \
            draw themselves: s:plot() (sim.layers), hist:plot() (t:fit), m:sparsity():plot(), \
            prune.overlap(…):plot(). Colormaps: plot.colormaps.
            """,
        functions: [
            LuaFunctionSpec("figure", "plot.figure{…} → figure", options: [
                LuaOption("rows", .integer, default: "1", "rows of panels (1…16)"),
                LuaOption("cols", .integer, default: "1", "columns of panels (1…16)"),
                LuaOption("title", .string, shown: "\"…\"", "the figure's title"),
                LuaOption("width", .number, shown: "w", "width in inches (default 6.4 for one panel, larger for grids)"),
                LuaOption("height", .number, shown: "h", "height in inches (default 4.8 for one panel, larger for grids)"),
                LuaOption("dpi", .number, default: "100", "dots per inch of raster output"),
            ], at: 1,
                            "An empty figure of rows × cols panels (width and height in inches; default 6.4 × 4.8 for one panel, larger for grids). Fill panels with fig:panel(i):line(…) and friends.") { lua, options in
                try lua.checkArgumentCount(max: 1)
                let figure = try Figure(rows: try options.integer("rows", in: 1...16) ?? 1, columns: try options.integer("cols", in: 1...16) ?? 1,
                                        title: try options.string("title"), width: try options.number("width"), height: try options.number("height"),
                                        dpi: try options.number("dpi") ?? 100)
                try PlotKinds.checkSize(lua, figure)
                lua.push(object: FigureObject(figure))
                return 1
            },
        ] + PlotKinds.all.map(PlotKinds.moduleFunction),
        setup: { lua in
            lua.push(array: Colormap.names)
            lua.rawSet(-2, "colormaps")
            HistoryPlot.installMetatable(lua)
        })
}
