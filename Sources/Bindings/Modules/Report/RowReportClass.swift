import CLua
import Engine

/// A result with one row per layer or tensor (m:sparsity(), prune.overlap, sim.layers): `s[i]`
/// is row i as a table, `#s` the row count, `s.values` a tensor of each row's value,
/// `s.names` the row names, `tostring(s)` a table, `s:table()` a report table and `s:plot()`
/// a bar chart of the values. Each such result says only what differs (``RowReportClass/make``).
protocol RowReport {
    /// The rows' names and values (`s.names`, `s.values`), how `s:plot()` titles them and a
    /// short description for error messages.
    var bars: RowBars { get }
    /// The total row's value (`s.sparsity` is s.total.sparsity), or nil when the report has
    /// no total row.
    var totalValue: Double? { get }
    /// Pushes row `index` (0-based; nil: the total row) as a Lua table.
    func pushRow(_ lua: Lua, _ index: Int?) throws
    /// `tostring(s)`.
    var table: String { get }
    /// `s:table()` and `report.table(s)`.
    func resultTable() throws -> Table
}

/// A row report's names and values, the title and y label of its bar chart, and a short
/// description ("mask overlap (4 tensors)").
struct RowBars {
    let names: [String]
    let values: [Double]
    let title: String
    let label: String
    let summary: String
}

enum RowReportClass {
    /// The Lua class of a row report held by objects of type `T`: the row access, `#s`,
    /// `tostring`, `:table()`, `:plot()`, the `values` and `names` fields, `total` and its
    /// value's field (named `total`) when the report has a total row, then `fields` of its own.
    static func make<T: LuaBindable & SendableMetatype>(_ type: T.Type, _ name: String, doc: String, tableRows: String, plotDoc: String,
                                                        total: String? = nil, fields: [LuaField] = [],
                                                        _ report: @escaping @Sendable (T) -> any RowReport) -> LuaClass {
        let checked: @Sendable (Lua) throws -> any RowReport = { lua in report(try lua.check(1, T.self, "self")) }
        var totals: [LuaField] = []
        if let field = total {
            totals = [
                T.field("total", "the total row (the sums over all rows)") { lua, object in try report(object).pushRow(lua, nil) },
                T.field(field, "the total row's \(field) (s.total.\(field))") { lua, object in lua.push(report(object).totalValue ?? 0) },
            ]
        }
        return LuaClass(
            name: name, doc: doc,
            methods: [
                ResultTableMethod.make(rows: tableRows) { try checked($0).resultTable() },
                ResultPlots.method(plotDoc) { lua in
                    let bars = try checked(lua).bars
                    return try ResultFigures.perLayer(names: bars.names, values: bars.values, title: bars.title, ylabel: bars.label)
                },
            ],
            metamethods: [
                "__tostring": { lua in lua.push(try checked(lua).table); return 1 },
                "__len": { lua in lua.push(try checked(lua).bars.names.count); return 1 },
            ],
            fields: totals + [
                T.field("values", "a float64 tensor of the rows' values, in row order") { lua, object in
                    let values = report(object).bars.values
                    lua.push(object: try Tensor(shape: [values.count], values: values))
                },
                T.field("names", "the row names, in order") { lua, object in lua.push(array: report(object).bars.names) },
            ] + fields,
            elements: { lua in
                guard lua.type(2) == .number, let i = lua.integer(2) else { return 0 }
                let r = try checked(lua)
                guard i >= 1, i <= r.bars.names.count else { return 0 }
                try r.pushRow(lua, i - 1)
                return 1
            },
            describe: { object in (object as? T).map { report($0).bars.summary } ?? name })
    }
}

extension Lua {
    /// Pushes a table of `fields` (name → value; nil values are left out).
    func push(record fields: KeyValuePairs<String, LuaScalar?>) {
        newTable(fieldCapacity: fields.count)
        for (key, value) in fields {
            switch value {
            case .string(let s)?: push(s)
            case .integer(let i)?: push(i)
            case .number(let x)?: push(x)
            case nil: continue
            }
            rawSet(-2, key)
        }
    }
}

/// A number or string for ``Lua/push(record:)``.
enum LuaScalar {
    case string(String)
    case integer(Int)
    case number(Double)
}

/// A row report with a `rows` array and a `total` row of the same type (m:sparsity(),
/// prune.overlap): it only says what a row's value and Lua table are.
protocol TotalledRowReport: RowReport {
    associatedtype Row
    var rows: [Row] { get }
    var total: Row { get }
    /// A row's name (the layer) and value (what `s.values` holds).
    static func name(_ row: Row) -> String
    static func value(_ row: Row) -> Double
    /// A row as a Lua table's fields.
    static func record(_ row: Row) -> KeyValuePairs<String, LuaScalar?>
    /// The bar chart's title and y label, and what the rows are called in a summary.
    var chart: (title: String, label: String, summary: String) { get }
}

extension TotalledRowReport {
    var bars: RowBars {
        let c = chart
        return RowBars(names: rows.map(Self.name), values: rows.map(Self.value), title: c.title, label: c.label, summary: c.summary)
    }
    var totalValue: Double? { Self.value(total) }
    func pushRow(_ lua: Lua, _ index: Int?) { lua.push(record: Self.record(index.map { rows[$0] } ?? total)) }
}
