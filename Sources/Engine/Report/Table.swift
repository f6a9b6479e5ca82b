/// One cell of a ``Table``: a number, an integer, a string, a boolean or a missing value.
///
/// A float NaN is a value (`.number(.nan)`, shown as `NaN`); `.missing` is the absence of one
/// (an empty CSV field, JSON `null`, a blank cell).
public enum TableCell: Equatable, Sendable {
    case number(Double)
    case integer(Int)
    case string(String)
    case boolean(Bool)
    case missing

    /// Whether this cell holds a number (float or integer).
    public var isNumeric: Bool {
        switch self {
        case .number, .integer: return true
        default: return false
        }
    }

    /// Equality where two NaNs are equal (NaN is a value in a table, not an unknown).
    public static func == (a: TableCell, b: TableCell) -> Bool {
        switch (a, b) {
        case let (.number(x), .number(y)): return x == y || (x.isNaN && y.isNaN)
        case let (.integer(x), .integer(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.boolean(x), .boolean(y)): return x == y
        case (.missing, .missing): return true
        default: return false
        }
    }
}

/// A table of results: named columns and rows of ``TableCell``s, as pandas' `DataFrame` is for
/// printing and export (`to_string`, `to_markdown`, `to_csv`, `to_json(orient="records")`,
/// `to_latex`).
///
/// Every row has exactly one cell per column (checked when the table is made). Formatters:
/// ``text(maximumWidth:maximumRows:)`` (aligned, for a terminal), ``markdown()``, ``csv()``,
/// ``json()``, ``latex()``; ``save(to:)`` picks one by the file's extension and writes atomically.
public struct Table: Equatable, Sendable {
    /// The column names, in order.
    public let columns: [String]
    /// The rows; each has `columns.count` cells.
    public let rows: [[TableCell]]
    /// An optional title (printed above the text form, a LaTeX caption, a Markdown heading).
    public var title: String?

    /// A table with `columns` and `rows`. Throws when there is no column, a column name is
    /// repeated, or a row's length differs from the number of columns.
    public init(columns: [String], rows: [[TableCell]], title: String? = nil) throws {
        guard !columns.isEmpty else {
            throw EngineError.invalid("table columns", expected: "at least one column", given: "none")
        }
        var seen = Set<String>()
        for name in columns where !seen.insert(name).inserted {
            throw EngineError.invalid("table columns", expected: "distinct names", given: "'\(name)' twice")
        }
        for (i, row) in rows.enumerated() where row.count != columns.count {
            throw EngineError.invalid("table row \(i + 1)", expected: "\(columns.count) cells (one per column)", given: "\(row.count)")
        }
        self.columns = columns
        self.rows = rows
        self.title = title
    }

    /// A table from named columns of equal length (`columns[k].cells[i]` is row `i`).
    public init(columns: [(name: String, cells: [TableCell])], title: String? = nil) throws {
        let count = columns.first?.cells.count ?? 0
        for column in columns where column.cells.count != count {
            throw EngineError.invalid("table column '\(column.name)'", expected: "\(count) values (as the first column)", given: "\(column.cells.count)")
        }
        let rows = (0..<count).map { i in columns.map { $0.cells[i] } }
        try self.init(columns: columns.map(\.name), rows: rows, title: title)
    }

    /// The cells of the column named `name`, or nil.
    public func column(_ name: String) -> [TableCell]? {
        guard let k = columns.firstIndex(of: name) else { return nil }
        return rows.map { $0[k] }
    }

    /// Whether every present cell of column `k` is a number (numeric columns align right).
    func isNumericColumn(_ k: Int) -> Bool {
        var any = false
        for row in rows {
            switch row[k] {
            case .missing: continue
            case .number, .integer: any = true
            default: return false
            }
        }
        return any
    }

    public static func == (a: Table, b: Table) -> Bool {
        a.columns == b.columns && a.rows == b.rows && a.title == b.title
    }
}
