import CLua
import Engine

/// `sim.matrix`, `sim.pairwise`, `sim.over_time`: a layer × layer (or layer × snapshot) grid of
/// similarities that knows its row and column names and its measure (Engine's ``LabelledMatrix``).
///
/// It stands in for the float64 tensor these functions used to return: `M[i][j]`, `#M`,
/// `M:shape()`, `M:dim()` work as on the tensor (`M[i]` is a copy of row i), any other tensor method runs on `M:tensor()`.
final class SimilarityGridObject: LuaBindable {
    let matrix: LabelledMatrix
    init(_ matrix: LabelledMatrix) { self.matrix = matrix }

    /// Rows shown when a grid is printed.
    static let printedRows = 40

    static let luaClass = LuaClass(
        name: "similarity_grid",
        doc: """
            A grid of similarities with named rows and columns (sim.matrix, sim.pairwise, \
            sim.over_time): M[i][j] the value at row i, column j (1 = identical), M[i] row i as \
            a 1-D float64 tensor (a copy); M.rows and \
            M.cols the names; M.measure the measure and its parameters; M.row_title and \
            M.col_title what rows and columns are ("layer", "snapshot"). M:tensor() is the \
            float64 tensor (rows × columns); M:shape(), M:dim(), #M (rows) and every other \
            tensor method (M:max(), M:mean(), …) work as on that tensor. M:table() (or \
            report.table(M)) gives a report table with the row names first; M:plot() a heatmap. \
            Prints as a labelled matrix.
            """,
        methods: SimilarityGridMethods.all,
        metamethods: [
            "__tostring": { lua in
                let m = try lua.check(1, SimilarityGridObject.self, "self").matrix
                var text = try m.table().text(maximumWidth: TerminalWidth.current, maximumRows: SimilarityGridObject.printedRows)
                if text.hasSuffix("\n") { text.removeLast() }
                lua.push(text)
                return 1
            },
            "__len": { lua in
                lua.push(try lua.check(1, SimilarityGridObject.self, "self").matrix.rows.count)
                return 1
            },
        ],
        fields: [
            field("rows", "the row names") { lua, g in lua.push(array: g.matrix.rows) },
            field("cols", "the column names") { lua, g in lua.push(array: g.matrix.columns) },
            field("measure", "the measure and its parameters") { lua, g in lua.push(g.matrix.measure) },
            field("row_title", "what the rows are (\"layer\")") { lua, g in lua.push(g.matrix.rowTitle) },
            field("col_title", "what the columns are (\"layer\", \"snapshot\")") { lua, g in lua.push(g.matrix.columnTitle) },
            field("values", "the values as a float64 tensor, rows × columns") { lua, g in lua.push(object: try g.matrix.tensor()) },
        ],
        elements: { lua in
            let m = try lua.check(1, SimilarityGridObject.self, "self").matrix
            if lua.type(2) == .number, let i = lua.integer(2) {
                guard i >= 1, i <= m.rows.count else { return 0 }
                lua.push(object: try Tensor(shape: [m.columns.count], values: Array(m.values[(i - 1) * m.columns.count ..< i * m.columns.count])))
                return 1
            }
            guard let key = lua.string(2) else { return 0 }
            // Not a field: a tensor method, run on the grid's tensor.
            Tensor.luaClass.pushMetatable(lua)
            lua.rawGet(-1, "__methods")
            let found = lua.rawGet(-1, key) == .function
            lua.pop(3)
            guard found else { return 0 }
            let name = key
            lua.push(function: "similarity_grid:\(name)") { lua in
                let grid = try lua.check(1, SimilarityGridObject.self, "self")
                Tensor.luaClass.pushMetatable(lua)
                lua.rawGet(-1, "__methods")
                lua.rawGet(-1, name)
                lua.remove(-2)
                lua.remove(-2)
                lua.replaceArgument(1, with: try grid.matrix.tensor())
                let arguments = lua.top - 1
                lua.insert(1)  // the method, below its arguments
                try lua.protectedCall(arguments: arguments)
                return lua.top
            }
            return 1
        },
        describe: { object in
            guard let m = (object as? SimilarityGridObject)?.matrix else { return "similarity grid" }
            return "similarity grid (\(m.measure), \(m.rows.count)×\(m.columns.count))"
        })
}

extension Lua {
    /// Replaces stack slot `index` with `object`.
    func replaceArgument<T: LuaBindable>(_ index: Int32, with object: T) {
        push(object: object)
        plua_replace(state, index)
    }
}

enum SimilarityGridMethods {
    static let all: [LuaFunctionSpec] = [
        ResultPlots.method("A heatmap of the grid, its rows and columns named, coloured from 0 to 1 (viridis; plot.heatmap(M, {…}) takes every heatmap option).") { lua in
            let m = try lua.check(1, SimilarityGridObject.self, "self").matrix
            return try ResultFigures.grid(m)
        },
        LuaFunctionSpec("tensor", "M:tensor() → tensor", "The values as a float64 tensor, rows × columns.") { lua in
            let m = try lua.check(1, SimilarityGridObject.self, "self").matrix
            try lua.checkArgumentCount(max: 1)
            lua.push(object: try m.tensor())
            return 1
        },
        LuaFunctionSpec("shape", "M:shape() → {rows, columns}", "The grid's size as a Lua table {rows, columns}, as the tensor's shape.") { lua in
            let m = try lua.check(1, SimilarityGridObject.self, "self").matrix
            try lua.checkArgumentCount(max: 1)
            lua.push(array: [m.rows.count, m.columns.count])
            return 1
        },
        LuaFunctionSpec("dim", "M:dim() → 2", "The number of dimensions: 2.") { lua in
            _ = try lua.check(1, SimilarityGridObject.self, "self")
            try lua.checkArgumentCount(max: 1)
            lua.push(2)
            return 1
        },
        LuaFunctionSpec("table", "M:table([{…}]) → report table", options: [ResultTableMethod.titleOption], at: 2, """
            The grid as a report table: a first column of row names (headed by M.row_title), then \
            one column per grid column; titled with the measure unless title is given. Same as \
            report.table(M).
            """) { lua, options in
            let m = try lua.check(1, SimilarityGridObject.self, "self").matrix
            try lua.checkArgumentCount(max: 2)
            lua.push(object: ReportTableObject(try m.table(title: try options.string("title"))))
            return 1
        },
    ]
}
