import CLua
import Engine

/// Reading `report.table`'s data argument: Lua rows, Lua columns, tensors and result objects.
enum TableArguments {
    /// Columns that come first, in this order, when the data does not say (Lua tables have no
    /// key order): identifiers before measurements.
    static let leadingColumns = ["name", "layer", "model", "method", "measure", "epoch", "step"]

    static let expectedData = "an array of rows, a table of columns, a report table, a 1-D or 2-D tensor, or a result (sim.layers, sim.matrix, sim.pairwise, sim.over_time, m:sparsity(), prune.overlap)"

    /// The table for the data at `index`, with `columns` (names to keep, in order) and `title`.
    static func table(_ lua: Lua, _ index: Int32, columns: [String]?, title: String?) throws -> Table {
        let base: Table
        switch lua.type(index) {
        case .table:
            base = try fromLuaTable(lua, lua.absolute(index), columns: columns)
        case .userdata:
            base = try fromObject(lua, index, columns: columns)
        default:
            throw lua.argumentError(index, "data", expected: expectedData)
        }
        var chosen = try select(lua, base, columns)
        if let title { chosen.title = title }
        return chosen
    }

    /// `table` restricted to (and ordered by) `columns`.
    static func select(_ lua: Lua, _ table: Table, _ columns: [String]?) throws -> Table {
        guard let columns else { return table }
        var picked: [(name: String, cells: [TableCell])] = []
        for name in columns {
            guard let cells = table.column(name) else {
                throw lua.error("option 'columns': no column '\(name)' in the data (its columns: \(table.columns.joined(separator: ", ")))")
            }
            picked.append((name, cells))
        }
        return try Table(columns: picked, title: table.title)
    }

    static func fromObject(_ lua: Lua, _ index: Int32, columns: [String]?) throws -> Table {
        if let t = lua.object(index, as: ReportTableObject.self) { return t.table }
        if let s = lua.object(index, as: LayerSimilarityObject.self) { return try s.similarities.resultTable() }
        if let s = lua.object(index, as: SparsityReportObject.self) { return try s.report.resultTable() }
        if let s = lua.object(index, as: MaskOverlapObject.self) { return try s.overlap.resultTable() }
        if let g = lua.object(index, as: SimilarityGridObject.self) { return try g.matrix.table() }
        if let t = lua.object(index, as: Tensor.self) { return try fromTensor(lua, index, t, columns: columns) }
        throw lua.argumentError(index, "data", expected: expectedData)
    }

    /// A 1-D tensor is one column, a 2-D tensor one column per tensor column (named 1, 2, … or by `columns`).
    static func fromTensor(_ lua: Lua, _ index: Int32, _ t: Tensor, columns: [String]?) throws -> Table {
        guard t.shape.count == 1 || t.shape.count == 2, t.shape[0] > 0, t.shape.count == 1 || t.shape[1] > 0 else {
            throw lua.argumentError(index, "data", expected: "a non-empty 1-D or 2-D tensor (or \(expectedData))")
        }
        let rows = t.shape[0]
        let width = t.shape.count == 1 ? 1 : t.shape[1]
        let values = t.scalars(as: Double.self)
        let names = columns?.count == width ? columns! : (1...width).map(String.init)
        let body = (0..<rows).map { i in (0..<width).map { j in TableCell.number(values[i * width + j]) } }
        return try Table(columns: names, rows: body)
    }

    /// Lua rows (`{{a = 1}, …}` or `{{1, 2}, …}`) or Lua columns (`{a = {1, 2}, …}`).
    static func fromLuaTable(_ lua: Lua, _ table: Int32, columns: [String]?) throws -> Table {
        let length = lua.rawLength(table)
        var count = 0
        var stringKeys: [String] = []
        var otherKey: String?
        lua.forEachEntry(table) { key, _ in
            count += 1
            if lua.type(key) == .string, let s = lua.string(key) { stringKeys.append(s) }
            else if lua.isInteger(key), let i = lua.integer(key), i >= 1, i <= length {}
            else if otherKey == nil { otherKey = lua.describe(key) }
        }
        if count == 0 {
            throw lua.argumentError(1, "data", expected: "a non-empty array of rows or table of columns", given: "an empty table")
        }
        if let otherKey {
            throw lua.error("argument 1 (data): expected an array of rows (keys 1…n) or a table of columns (string keys), but it has the key \(otherKey)")
        }
        if length > 0 && !stringKeys.isEmpty {
            throw lua.error("argument 1 (data): expected an array of rows or a table of columns, not both (it has keys 1…\(length) and '\(stringKeys.sorted()[0])')")
        }
        if length > 0 { return try fromRows(lua, table, length, columns: columns) }
        return try fromColumns(lua, table, stringKeys, columns: columns)
    }

    static func fromRows(_ lua: Lua, _ table: Int32, _ length: Int, columns: [String]?) throws -> Table {
        // Look at the first row: keyed ({a = 1}) or positional ({1, 2}).
        lua.rawGet(table, 1)
        let firstIsTable = lua.type(-1) == .table
        let positional = firstIsTable && lua.rawLength(-1) > 0
        lua.pop(1)
        if positional { return try fromPositionalRows(lua, table, length, columns: columns) }

        var rows: [[String: TableCell]] = []
        var names = Set<String>()
        var firstValues: [String: TableCell] = [:]
        for i in 1...length {
            lua.rawGet(table, i)
            defer { lua.pop(1) }
            let row = lua.top
            guard lua.type(row) == .table else {
                throw lua.error("argument 1 (data): row \(i) is \(lua.describe(row)), expected a table {column = value}")
            }
            var cells: [String: TableCell] = [:]
            try lua.forEachEntry(row) { key, value in
                guard lua.type(key) == .string, let name = lua.string(key) else {
                    throw lua.error("argument 1 (data): row \(i) has the key \(lua.describe(key)); rows are {column = value} tables with string keys (or all rows are lists {v1, v2, …})")
                }
                cells[name] = try cell(lua, value, "row \(i), column '\(name)'")
            }
            for (name, c) in cells where firstValues[name] == nil && c != .missing { firstValues[name] = c }
            names.formUnion(cells.keys)
            rows.append(cells)
        }
        let order = columns ?? defaultOrder(Array(names), firstValues)
        for name in order where !names.contains(name) {
            throw lua.error("option 'columns': no column '\(name)' in the data (its columns: \(defaultOrder(Array(names), firstValues).joined(separator: ", ")))")
        }
        guard !order.isEmpty else {
            throw lua.argumentError(1, "data", expected: "rows with at least one column", given: "rows that are all empty tables")
        }
        return try Table(columns: order, rows: rows.map { row in order.map { row[$0] ?? .missing } })
    }

    static func fromPositionalRows(_ lua: Lua, _ table: Int32, _ length: Int, columns: [String]?) throws -> Table {
        var rows: [[TableCell]] = []
        var width = 0
        for i in 1...length {
            lua.rawGet(table, i)
            defer { lua.pop(1) }
            let row = lua.top
            guard lua.type(row) == .table else {
                throw lua.error("argument 1 (data): row \(i) is \(lua.describe(row)), expected a list {v1, v2, …} like row 1")
            }
            let n = lua.rawLength(row)
            if i == 1 { width = n }
            guard n == width else {
                throw lua.error("argument 1 (data): ragged rows: row \(i) has \(n) value\(n == 1 ? "" : "s"), row 1 has \(width)")
            }
            var cells: [TableCell] = []
            for j in 1...n {
                lua.rawGet(row, j)
                defer { lua.pop(1) }
                cells.append(try cell(lua, lua.top, "row \(i), column \(j)"))
            }
            rows.append(cells)
        }
        var names = (1...width).map(String.init)
        if let columns {
            guard columns.count == width else {
                throw lua.error("option 'columns': \(columns.count) name\(columns.count == 1 ? "" : "s") for rows of \(width) values")
            }
            names = columns
        }
        return try Table(columns: names, rows: rows)
    }

    static func fromColumns(_ lua: Lua, _ table: Int32, _ keys: [String], columns: [String]?) throws -> Table {
        var data: [String: [TableCell]] = [:]
        var firstValues: [String: TableCell] = [:]
        for name in keys {
            lua.rawGet(table, name)
            defer { lua.pop(1) }
            let column = lua.top
            var cells: [TableCell] = []
            if let t = lua.object(column, as: Tensor.self), t.shape.count == 1 {
                cells = t.scalars(as: Double.self).map { TableCell.number($0) }
            } else if lua.type(column) == .table {
                let n = lua.rawLength(column)
                for i in stride(from: 1, through: n, by: 1) {
                    lua.rawGet(column, i)
                    defer { lua.pop(1) }
                    cells.append(try cell(lua, lua.top, "column '\(name)', entry \(i)"))
                }
            } else {
                throw lua.error("argument 1 (data): column '\(name)' is \(lua.describe(column)), expected a list of values or a 1-D tensor (for a single row, write {{\(name) = …}})")
            }
            if let first = cells.first(where: { $0 != .missing }) { firstValues[name] = first }
            data[name] = cells
        }
        let order = columns ?? defaultOrder(keys, firstValues)
        var picked: [(name: String, cells: [TableCell])] = []
        for name in order {
            guard let cells = data[name] else {
                throw lua.error("option 'columns': no column '\(name)' in the data (its columns: \(defaultOrder(keys, firstValues).joined(separator: ", ")))")
            }
            picked.append((name, cells))
        }
        if let first = picked.first, let bad = picked.first(where: { $0.cells.count != first.cells.count }) {
            throw lua.error("argument 1 (data): columns of different lengths: '\(first.name)' has \(first.cells.count) values, '\(bad.name)' has \(bad.cells.count)")
        }
        if picked.first?.cells.isEmpty ?? true {
            throw lua.argumentError(1, "data", expected: "columns with at least one value", given: "empty columns")
        }
        return try Table(columns: picked)
    }

    /// Column order when none is given: the ``leadingColumns`` present, then columns of text,
    /// then the rest, each group sorted by name.
    static func defaultOrder(_ names: [String], _ firstValues: [String: TableCell]) -> [String] {
        let leading = leadingColumns.filter { names.contains($0) }
        let rest = names.filter { !leadingColumns.contains($0) }
        let text = rest.filter { if case .string = firstValues[$0] { return true } else { return false } }.sorted()
        let other = rest.filter { if case .string = firstValues[$0] { return false } else { return true } }.sorted()
        return leading + text + other
    }

    /// The cell for the Lua value at `index`: numbers (integers stay integers), strings,
    /// booleans; nil and json.null are missing.
    static func cell(_ lua: Lua, _ index: Int32, _ place: String) throws -> TableCell {
        switch lua.type(index) {
        case .nil, .none: return .missing
        case .boolean: return .boolean(lua.truthy(index))
        case .number:
            if lua.isInteger(index), let i = lua.integer(index) { return .integer(i) }
            return .number(lua.number(index) ?? .nan)
        case .string: return .string(lua.string(index) ?? "")
        default:
            if lua.object(index, as: JSONNullObject.self) != nil { return .missing }
            throw lua.error("argument 1 (data): \(place) is \(lua.describe(index)), expected a number, string, boolean or nil")
        }
    }
}

extension Lua {
    /// An argument error with an explicit description of what was given.
    func argumentError(_ index: Int32, _ name: String, expected: String, given: String) -> LuaError {
        LuaError("\(callee): argument \(index)\(name.isEmpty ? "" : " (\(name))"): expected \(expected), got \(given)")
    }
}
