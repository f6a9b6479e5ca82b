import CLua
import Engine

/// The `:table()` method that result objects share: the result as a report table.
enum ResultTableMethod {
    static func make<T: LuaBindable>(_ type: T.Type, rows: String, _ table: @escaping @Sendable (T) throws -> Table) -> LuaFunctionSpec {
        LuaFunctionSpec("table", "r:table([{title = \"…\"}]) → report table", """
            The result as a report table (\(rows)), to print, save (t:save("x.csv")) or turn \
            into Markdown, CSV, JSON or LaTeX. Same as report.table(r).
            """) { lua in
            let object = try lua.check(1, T.self, "self")
            try lua.checkArgumentCount(max: 2)
            let options = try lua.options(2, known: ["title"])
            var t = try table(object)
            if let title = try options.string("title") { t.title = title }
            lua.push(object: ReportTableObject(t))
            return 1
        }
    }
}
