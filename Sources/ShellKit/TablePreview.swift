import Bindings
import CLua

/// A one-line, bounded preview of a Lua table: `{1, 2, 3}`, `{a = 1, b = "x"}`,
/// `{{1, 2}, {3, 4}}`, `{1, 2, 3, …}` (with the entry count at the top level).
///
/// Entries are read raw (no `__index`, `__pairs` or other metamethod runs, so a preview can
/// neither fail nor change anything): first the sequence `t[1], t[2], …`, then the other keys
/// sorted (numbers, then strings, then the rest). Nested tables are shown to a bounded depth
/// (a table inside itself as `<cycle>`);
/// objects inside a table by their short description (`<tensor (float32, 2×3)>`).
public enum TablePreview {
    /// Entries shown at the top level and inside nested tables.
    public static let topLevelEntries = 10
    public static let nestedEntries = 5
    /// Nesting shown before a table becomes `{…}`.
    public static let maximumDepth = 3
    /// Strings longer than this many characters are cut with `…`.
    public static let maximumStringLength = 40
    /// Keys beyond this many are counted but not sorted (huge tables).
    static let sortedKeyLimit = 1000

    /// The preview of the table at `index`.
    public static func render(_ lua: Lua, _ index: Int32) -> String {
        render(lua, lua.absolute(index), ancestors: [])
    }

    /// `ancestors`: the tables being rendered around this one (their identities).
    private static func render(_ lua: Lua, _ table: Int32, ancestors: [UnsafeRawPointer?]) -> String {
        let depth = ancestors.count
        if depth >= maximumDepth { return "{…}" }
        let path = ancestors + [lua_topointer(lua.state, table)]
        let limit = depth == 0 ? topLevelEntries : nestedEntries
        var shown: [String] = []

        // The sequence part.
        var length = 0
        while lua.rawGet(table, length + 1) != .nil {
            length += 1
            if shown.count < limit { shown.append(value(lua, -1, ancestors: path)) }
            lua.pop(1)
        }
        lua.pop(1)

        // The other keys, sorted; then the values of those that fit.
        var others: [(order: (rank: Int, number: Double, text: String), key: String)] = []
        var otherCount = 0
        lua.forEachEntry(table) { key, _ in
            if lua.isInteger(key), let i = lua.integer(key), i >= 1, i <= length { return }
            otherCount += 1
            if others.count < sortedKeyLimit { others.append((sortKey(lua, key), keyText(lua, key))) }
        }
        let room = max(0, limit - shown.count)
        if room > 0 && !others.isEmpty {
            others.sort { a, b in
                if a.order.rank != b.order.rank { return a.order.rank < b.order.rank }
                if a.order.rank == 0 { return a.order.number < b.order.number }
                return a.order.text < b.order.text
            }
            let chosen = others.prefix(room).map(\.key)
            var values: [String: String] = [:]
            lua.forEachEntry(table) { key, valueIndex in
                let text = keyText(lua, key)
                if values[text] == nil, chosen.contains(text) { values[text] = value(lua, valueIndex, ancestors: path) }
            }
            for key in chosen { shown.append("\(key) = \(values[key] ?? "nil")") }
        }

        let total = length + otherCount
        if total > shown.count {
            shown.append(depth == 0 ? "… (\(total) entries)" : "…")
        }
        return "{" + shown.joined(separator: ", ") + "}"
    }

    /// How an entry's value is shown.
    static func value(_ lua: Lua, _ index: Int32, ancestors: [UnsafeRawPointer?]) -> String {
        let i = lua.absolute(index)
        switch lua.type(i) {
        case .string: return quoted(lua.string(i) ?? "")
        case .number, .boolean, .nil: return scalarText(lua, i)
        case .table:
            if ValueRenderer.hasToString(lua, i) { return "<\(lua.describe(i))>" }
            if ancestors.contains(lua_topointer(lua.state, i)) { return "<cycle>" }
            return render(lua, i, ancestors: ancestors)
        default: return "<\(lua.describe(i))>"
        }
    }

    /// How a key is shown: `name` for identifiers, `[1.5]`, `["a b"]`, `[true]`, `[<table>]`.
    static func keyText(_ lua: Lua, _ index: Int32) -> String {
        switch lua.type(index) {
        case .string:
            let s = lua.string(index) ?? ""
            return LuaNames.isName(s) ? s : "[\(quoted(s))]"
        case .number, .boolean: return "[\(scalarText(lua, index))]"
        default: return "[<\(lua.describe(index))>]"
        }
    }

    private static func sortKey(_ lua: Lua, _ index: Int32) -> (rank: Int, number: Double, text: String) {
        switch lua.type(index) {
        case .number: return (0, lua.number(index) ?? 0, "")
        case .string: return (1, 0, lua.string(index) ?? "")
        default: return (2, 0, keyText(lua, index))
        }
    }

    /// Lua's own text for a number, boolean or nil (`3`, `0.5`, `1.0`, `true`).
    static func scalarText(_ lua: Lua, _ index: Int32) -> String {
        switch lua.type(index) {
        case .nil: return "nil"
        case .boolean: return lua.truthy(index) ? "true" : "false"
        default:
            lua.pushCopy(index)
            defer { lua.pop(1) }
            var length = 0
            guard let p = lua_tolstring(lua.state, -1, &length) else { return "?" }
            return p.withMemoryRebound(to: UInt8.self, capacity: length) {
                String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
            }
        }
    }

    /// A Lua string literal for `s`, cut to ``maximumStringLength`` characters.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for (n, c) in s.unicodeScalars.enumerated() {
            if n == maximumStringLength { out += "…"; break }
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if c.value < 32 || c.value == 127 { out += "\\\(c.value)" } else { out.unicodeScalars.append(c) }
            }
        }
        return out + "\""
    }
}
