import CLua
import Engine

/// The `:table()` method that result objects share: the result as a report table.
enum ResultTableMethod {
    /// `table` reads the result (argument 1, `self`) and returns its table.
    static func make(rows: String, _ table: @escaping @Sendable (Lua) throws -> Table) -> LuaFunctionSpec {
        LuaFunctionSpec("table", "r:table([{title = \"…\"}]) → report table", """
            The result as a report table (\(rows)), to print, save (t:save("x.csv")) or turn \
            into Markdown, CSV, JSON or LaTeX. Same as report.table(r).
            """) { lua in
            var t = try table(lua)
            try lua.checkArgumentCount(max: 2)
            let options = try lua.options(2, known: ["title"])
            if let title = try options.string("title") { t.title = title }
            lua.push(object: ReportTableObject(t))
            return 1
        }
    }
}
