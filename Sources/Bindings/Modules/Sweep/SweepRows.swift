import Engine

/// Sweep results as Lua tables: one row per finished job, `{id = ..., stage = ..., seconds = ...,
/// <parameters>..., <results>...}`, or the summary table's rows keyed by column name.
enum SweepRows {
    /// Pushes a JSON scalar (nil for null; arrays and objects as tables).
    static func push(_ lua: Lua, _ value: JSON) {
        switch value {
        case .null: lua.pushNil()
        case .bool(let b): lua.push(b)
        case .integer(let i): lua.push(i)
        case .number(let d): lua.push(d)
        case .string(let s): lua.push(s)
        case .array(let items):
            lua.newTable(arrayCapacity: items.count)
            for (i, item) in items.enumerated() { push(lua, item); lua.rawSet(-2, i + 1) }
        case .object(let pairs):
            lua.newTable(fieldCapacity: pairs.count)
            for (key, item) in pairs { push(lua, item); lua.rawSet(-2, key) }
        }
    }

    /// Pushes an array of the rows of finished jobs.
    static func push(_ lua: Lua, rows: [SweepCollection.Row]) {
        lua.newTable(arrayCapacity: rows.count)
        for (i, row) in rows.enumerated() {
            lua.newTable(fieldCapacity: row.parameters.count + row.results.count + 3)
            lua.push(row.id); lua.rawSet(-2, "id")
            lua.push(row.stage); lua.rawSet(-2, "stage")
            if let s = row.seconds { lua.push(s); lua.rawSet(-2, "seconds") }
            for (key, value) in row.parameters { push(lua, value); lua.rawSet(-2, key) }
            for (key, value) in row.results { push(lua, value); lua.rawSet(-2, key) }
            lua.rawSet(-2, i + 1)
        }
    }
}
