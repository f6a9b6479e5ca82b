extension Table {
    /// The rows as JSON values: an array of objects (pandas' `orient="records"`), keys in column
    /// order. Floats are numbers with every digit, NaN and infinities `null` (JSON has neither),
    /// missing cells `null`.
    public var jsonValue: JSON {
        .array(rows.map { row in
            .object(zip(columns, row).map { name, cell in (key: name, value: cell.jsonValue) })
        })
    }

    /// The table as JSON text: an array of objects, one row per line (see ``jsonValue``).
    public func json() -> String {
        if rows.isEmpty { return "[]\n" }
        guard case .array(let objects) = jsonValue else { return "[]\n" }
        return "[\n" + objects.map { "  " + $0.text }.joined(separator: ",\n") + "\n]\n"
    }
}

extension TableCell {
    /// The cell as a JSON value (NaN, infinities and missing cells are `null`).
    public var jsonValue: JSON {
        switch self {
        case .number(let d): return d.isFinite ? .number(d) : .null
        case .integer(let i): return .integer(i)
        case .string(let s): return .string(s)
        case .boolean(let b): return .bool(b)
        case .missing: return .null
        }
    }
}
