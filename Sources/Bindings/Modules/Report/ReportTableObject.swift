import CLua
import Engine

/// `report.table(…)`: an Engine ``Table`` as a Lua object.
final class ReportTableObject: LuaBindable {
    let table: Table
    init(_ table: Table) { self.table = table }

    /// Rows shown when a table is printed (longer ones show their first and last rows).
    static let printedRows = 60

    static let luaClass = LuaClass(
        name: "report_table",
        doc: """
            A table of results (report.table): named columns, rows of numbers, integers, \
            strings, booleans or missing cells. Printing it (print(t), or evaluating it in the \
            shell) shows it aligned to the terminal; t:markdown(), t:csv(), t:json(), t:latex() \
            give the text of each format; t:save(path) writes one by the file's extension. #t rows; \
            t[i] row i as a table {column = value} (missing cells absent); t:rows() all of them; \
            t:column(name) one column as a list; t.columns the names; t.title the title.
            """,
        methods: ReportTableMethods.all,
        metamethods: [
            "__tostring": { lua in
                let t = try lua.check(1, ReportTableObject.self, "self").table
                var text = t.text(maximumWidth: TerminalWidth.current, maximumRows: ReportTableObject.printedRows)
                if text.hasSuffix("\n") { text.removeLast() }
                lua.push(text)
                return 1
            },
            "__len": { lua in
                lua.push(try lua.check(1, ReportTableObject.self, "self").table.rows.count)
                return 1
            },
        ],
        fields: [
            field("columns", "the column names, in order") { lua, t in lua.push(array: t.table.columns) },
            field("title", "the title (nil when there is none)") { lua, t in
                if let title = t.table.title { lua.push(title) } else { lua.pushNil() }
            },
        ],
        elements: { lua in
            let t = try lua.check(1, ReportTableObject.self, "self").table
            guard lua.type(2) == .number, let i = lua.integer(2), i >= 1, i <= t.rows.count else { return 0 }
            pushRow(lua, t, i - 1)
            return 1
        },
        describe: { object in
            guard let t = (object as? ReportTableObject)?.table else { return "report table" }
            return "report table (\(t.rows.count) row\(t.rows.count == 1 ? "" : "s") × \(t.columns.count) column\(t.columns.count == 1 ? "" : "s"))"
        })

    /// Pushes row `i` (0-based) as `{column = value}`; missing cells are left out.
    static func pushRow(_ lua: Lua, _ t: Table, _ i: Int) {
        lua.newTable(fieldCapacity: t.columns.count)
        for (name, cell) in zip(t.columns, t.rows[i]) {
            guard pushCell(lua, cell) else { continue }
            lua.rawSet(-2, name)
        }
    }

    /// Pushes a cell's Lua value; returns false (pushing nothing) for a missing cell.
    static func pushCell(_ lua: Lua, _ cell: TableCell) -> Bool {
        switch cell {
        case .number(let d): lua.push(d)
        case .integer(let i): lua.push(i)
        case .string(let s): lua.push(s)
        case .boolean(let b): lua.push(b)
        case .missing: return false
        }
        return true
    }
}

enum ReportTableMethods {
    static func format(_ name: String, _ format: TableFormat, _ doc: String) -> LuaFunctionSpec {
        LuaFunctionSpec(name, "t:\(name)() → text", doc) { lua in
            let t = try lua.check(1, ReportTableObject.self, "self").table
            try lua.checkArgumentCount(max: 1)
            lua.push(t.formatted(as: format))
            return 1
        }
    }

    static let all: [LuaFunctionSpec] = [
        format("markdown", .markdown, """
            The table as a Markdown pipe table: a header row, an alignment row (numbers right) and \
            one row per table row, every row with one cell per column; | in a cell becomes \\|, \
            line breaks <br>. Numbers as printed (4 significant digits, one style per column). \
            The title, if any, first in bold.
            """),
        format("csv", .csv, """
            The table as CSV (RFC 4180): a header line and one line per row. Fields with a comma, \
            a quote, a line break or edge spaces are quoted ("" for a quote). Floats keep every \
            digit (the shortest text that reads back to the same number), NaN is NaN, infinities \
            inf and -inf, missing cells empty. Python's csv module and pandas.read_csv read it back.
            """),
        format("json", .json, """
            The table as JSON: an array of one object per row, keys in column order; floats with \
            every digit; NaN, infinities and missing cells null. json.loads / json.decode read it back.
            """),
        format("latex", .latex, """
            The table as a LaTeX tabular with booktabs rules (\\toprule, \\midrule, \\bottomrule; \
            \\usepackage{booktabs}): numeric columns right-aligned, & % $ # _ { } ~ ^ \\ escaped. \
            With a title, inside a table environment with that \\caption.
            """),
        LuaFunctionSpec("text", "t:text([{…}]) → text", options: [
            LuaOption("width", .integer, shown: "n", "fit lines to n characters (20…100000); columns that do not fit go to further blocks"),
            LuaOption("rows", .integer, shown: "n", "show the first and last rows around a … line (at least 2)"),
        ], at: 2, """
            The table as aligned plain text, as print(t) shows it, but by default with every row \
            and no width limit (what t:save("x.txt") writes). width = n fits lines to n \
            characters (columns that do not fit go to further blocks); rows = n shows the first \
            and last rows around a … line.
            """) { lua, options in
            let t = try lua.check(1, ReportTableObject.self, "self").table
            try lua.checkArgumentCount(max: 2)
            let width = try options.integer("width", in: 20...100_000)
            let rows = try options.integer("rows", in: 2...1_000_000_000)
            lua.push(t.text(maximumWidth: width, maximumRows: rows))
            return 1
        },
        LuaFunctionSpec("save", "t:save(path) → path", """
            Writes the table to path in the format its extension names: .csv, .md (or \
            .markdown), .json, .tex, .txt (case-insensitive). The file is written atomically (a \
            temporary file renamed into place). Returns path. An unknown extension or a path \
            that cannot be written is an error naming the path.
            """) { lua in
            let t = try lua.check(1, ReportTableObject.self, "self").table
            try lua.checkArgumentCount(max: 2)
            let path = try lua.checkString(2, "path")
            try t.save(to: path)
            lua.push(path)
            return 1
        },
        LuaFunctionSpec("rows", "t:rows() → {row, …}", """
            Every row as a Lua table {column = value} (missing cells left out), in order: \
            report.table(t:rows(), {columns = t.columns}) gives the table back.
            """) { lua in
            let t = try lua.check(1, ReportTableObject.self, "self").table
            try lua.checkArgumentCount(max: 1)
            lua.newTable(arrayCapacity: t.rows.count)
            for i in t.rows.indices {
                ReportTableObject.pushRow(lua, t, i)
                lua.rawSet(-2, i + 1)
            }
            return 1
        },
        LuaFunctionSpec("column", "t:column(name) → {value, …}", """
            The values of the column called name, as a list of #t entries (a missing cell is \
            json.null, so the list keeps its length). An unknown name is an error listing the columns.
            """) { lua in
            let t = try lua.check(1, ReportTableObject.self, "self").table
            try lua.checkArgumentCount(max: 2)
            let name = try lua.checkString(2, "name")
            guard let cells = t.column(name) else {
                throw lua.argumentError(2, "name", expected: "one of the columns \(t.columns.map { "'\($0)'" }.joined(separator: ", "))")
            }
            lua.newTable(arrayCapacity: cells.count)
            for (i, cell) in cells.enumerated() {
                if !ReportTableObject.pushCell(lua, cell) { lua.push(object: JSONNullObject()) }
                lua.rawSet(-2, i + 1)
            }
            return 1
        },
    ]
}
