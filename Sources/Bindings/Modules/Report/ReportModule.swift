import CLua
import Engine

/// The `report` Lua module: results and plain Lua rows as tables for the terminal and for
/// Markdown, CSV, JSON and LaTeX files (Engine's ``Table``).
enum ReportModule {
    static let module = LuaModule(
        name: "report",
        doc: """
            Tables of results: report.table(data [, {columns = {…}, title = "…"}]) makes a table \
            that prints aligned in the terminal and gives t:markdown(), t:csv(), t:json(), \
            t:latex() (booktabs) and t:save(path) by extension (.csv .md .json .tex .txt). data \
            is a list of rows, a table of columns, or a prunelab result (sim.layers, sim.matrix, \
            sim.pairwise, sim.over_time, m:sparsity(), prune.overlap, a t:fit history). See \
            ?report.table.
            """,
        functions: [
            LuaFunctionSpec("table", "report.table(data [, {…}]) → t", options: [
                LuaOption("columns", .described("a non-empty list of distinct column names"), shown: "{…}", "picks and orders the columns"),
                LuaOption("title", .string, shown: "\"…\"", "printed above the table; the LaTeX caption"),
            ], at: 2, """
                A table of data, which is one of: a list of rows {{layer = "conv1", value = 0.8}, \
                …} (keys become columns; a key absent from a row is a missing cell) — e.g. a \
                t:fit history; a list of lists {{"conv1", 0.8}, …} (name the columns with \
                columns = {…}; all rows the same length); a table of columns {layer = {…}, value \
                = {…}} (lists of equal length, or 1-D tensors); a result: sim.layers (one row per \
                layer), sim.matrix / sim.pairwise / sim.over_time (row names, then one column per \
                matrix column), m:sparsity() and prune.overlap (one row per tensor, then total); a \
                1-D or 2-D tensor; another report table. Cells are numbers (integers stay \
                integers), strings, booleans, or missing (nil, json.null). columns = {names} picks \
                and orders columns; without it, Lua tables having no key order, the columns are \
                name, layer, model, method, measure, epoch, step (those present), then text \
                columns, then the others, each group by name. title = "…" is printed above and \
                becomes the LaTeX caption. Errors: empty data, ragged list rows, columns of \
                different lengths, a column option naming no column, cells that are tables or \
                functions.
                """) { lua, options in
                try lua.checkArgumentCount(max: 2)
                var columns: [String]?
                if options.has("columns") {
                    options.push("columns")
                    defer { lua.pop(1) }
                    guard lua.type(-1) == .table, let list = try? lua.checkStringArray(-1, "columns"), !list.isEmpty,
                          list.count == lua.rawLength(-1), Set(list).count == list.count else {
                        throw lua.error("option 'columns': expected a non-empty list of distinct column names, got \(lua.describe(-1))")
                    }
                    columns = list
                }
                let title = try options.string("title")
                if lua.type(1) == .none || lua.type(1) == .nil {
                    throw lua.argumentError(1, "data", expected: TableArguments.expectedData)
                }
                lua.push(object: ReportTableObject(try TableArguments.table(lua, 1, columns: columns, title: title)))
                return 1
            },
        ])
}
