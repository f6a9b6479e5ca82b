import CLua
import Engine

/// The `:table()` method that result objects share: the result as a report table.
enum ResultTableMethod {
    /// `title = "…"`, shared by result methods that make a table or a figure.
    static let titleOption = LuaOption("title", .string, shown: "\"…\"", "the title")

    /// `table` reads the result (argument 1, `self`) and returns its table.
    static func make(rows: String, _ table: @escaping @Sendable (Lua) throws -> Table) -> LuaFunctionSpec {
        LuaFunctionSpec("table", "r:table([{…}]) → report table", options: [titleOption], at: 2, """
            The result as a report table (\(rows)), to print, save (t:save("x.csv")) or turn \
            into Markdown, CSV, JSON or LaTeX. Same as report.table(r).
            """) { lua, options in
            var t = try table(lua)
            try lua.checkArgumentCount(max: 2)
            if let title = try options.string("title") { t.title = title }
            lua.push(object: ReportTableObject(t))
            return 1
        }
    }
}
