import CLua
import Engine

/// Converts a Lua value to a ``JSON`` value for `json.encode`.
///
/// A table whose keys are exactly 1…n is an array; a table whose keys are all strings is an
/// object (keys sorted, so the same table always gives the same text); an empty table is `[]`
/// (or `{}` with `empty = "object"`). Integers stay integers and floats stay floats. Errors name
/// the path of the offending value (`value.layers[2].name`).
struct LuaJSONEncoder {
    enum NonFinite { case error, null }
    let lua: Lua
    var nonFinite: NonFinite = .error
    var emptyAsObject = false
    /// Nesting allowed (tables inside tables), as the decoder's.
    static let maximumDepth = 100

    func encode(_ index: Int32) throws -> JSON {
        var ancestors: [UnsafeRawPointer] = []
        return try encode(lua.absolute(index), path: "value", ancestors: &ancestors)
    }

    private func fail(_ path: String, _ message: String) -> LuaError {
        LuaError("\(lua.callee): \(path): \(message)")
    }

    private func encode(_ index: Int32, path: String, ancestors: inout [UnsafeRawPointer]) throws -> JSON {
        switch lua.type(index) {
        case .nil, .none: return .null
        case .boolean: return .bool(lua.truthy(index))
        case .number:
            if lua.isInteger(index), let i = lua.integer(index) { return .integer(i) }
            let d = lua.number(index) ?? .nan
            if d.isFinite { return .number(d) }
            guard nonFinite == .null else {
                throw fail(path, "\(d.isNaN ? "NaN" : "an infinity") has no JSON form (pass {nan = \"null\"} to write null)")
            }
            return .null
        case .string:
            guard let s = lua.utf8String(index) else { throw fail(path, "expected a UTF-8 string, got bytes that are not UTF-8") }
            return .string(s)
        case .table:
            return try encodeTable(index, path: path, ancestors: &ancestors)
        case .userdata:
            if lua.object(index, as: JSONNullObject.self) != nil { return .null }
            if let t = lua.object(index, as: ReportTableObject.self) { return t.table.jsonValue }
            throw fail(path, "expected a boolean, number, string, table or json.null, got \(lua.describe(index))")
        default:
            throw fail(path, "expected a boolean, number, string, table or json.null, got \(lua.describe(index))")
        }
    }

    private func encodeTable(_ table: Int32, path: String, ancestors: inout [UnsafeRawPointer]) throws -> JSON {
        guard ancestors.count < LuaJSONEncoder.maximumDepth else {
            throw fail(path, "nested deeper than \(LuaJSONEncoder.maximumDepth) levels")
        }
        guard let identity = lua_topointer(lua.state, table) else { throw fail(path, "unreadable table") }
        guard !ancestors.contains(identity) else { throw fail(path, "a table that contains itself (a cycle) cannot be written as JSON") }
        guard lua_checkstack(lua.state, 8) != 0 else { throw fail(path, "out of Lua stack space") }
        ancestors.append(identity)
        defer { ancestors.removeLast() }

        var count = 0
        var stringKeys: [String] = []
        var badKey: String?
        var hasIntegerKey = false
        lua.forEachEntry(table) { key, _ in
            count += 1
            if lua.type(key) == .string {
                if let s = lua.utf8String(key) { stringKeys.append(s) } else if badKey == nil { badKey = "a key that is not UTF-8" }
            } else if lua.isInteger(key) {
                hasIntegerKey = true
            } else if badKey == nil {
                badKey = "the key \(lua.describe(key))"
            }
        }
        if let badKey { throw fail(path, "\(badKey): JSON object keys are strings") }
        if count == 0 { return emptyAsObject ? .object([]) : .array([]) }
        let length = lua.rawLength(table)
        if stringKeys.isEmpty {
            // An array needs exactly the keys 1…n.
            guard length == count else {
                throw fail(path, "integer keys that are not 1…n (\(count) entries, length \(length)): expected an array (keys 1…n) or an object (string keys)")
            }
            var items: [JSON] = []
            items.reserveCapacity(length)
            for i in 1...length {
                lua.rawGet(table, i)
                defer { lua.pop(1) }
                items.append(try encode(lua.top, path: "\(path)[\(i)]", ancestors: &ancestors))
            }
            return .array(items)
        }
        if hasIntegerKey {
            throw fail(path, "both integer and string keys: expected an array (keys 1…n) or an object (string keys)")
        }
        var pairs: [(key: String, value: JSON)] = []
        for key in stringKeys.sorted() {
            lua.rawGet(table, key)
            defer { lua.pop(1) }
            pairs.append((key, try encode(lua.top, path: path + LuaJSONEncoder.member(key), ancestors: &ancestors)))
        }
        return .object(pairs)
    }

    /// `.name` for identifier-like keys, `["key"]` otherwise.
    static func member(_ key: String) -> String {
        let identifier = !key.isEmpty && key.unicodeScalars.allSatisfy { $0.isASCII && ($0 == "_" || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)) }
            && !("0"..."9").contains(key.unicodeScalars.first!)
        return identifier ? "." + key : "[" + JSON.string(key).text + "]"
    }
}

extension Lua {
    /// The string at `index` if its bytes are valid UTF-8, else nil (Lua strings are bytes).
    func utf8String(_ index: Int32) -> String? {
        guard type(index) == .string else { return nil }
        var length = 0
        guard let p = lua_tolstring(state, index, &length) else { return nil }
        return p.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(validating: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    }

    /// Pushes `value` as Lua: arrays and objects as tables, integers as integers, other numbers
    /// as floats, null as `json.null`. Throws when the nesting outgrows the Lua stack.
    func push(json value: JSON) throws {
        guard lua_checkstack(state, 4) != 0 else { throw error("JSON nested too deeply for the Lua stack") }
        switch value {
        case .null: push(object: JSONNullObject())
        case .bool(let b): push(b)
        case .integer(let i): push(i)
        case .number(let d): push(d)
        case .string(let s): push(s)
        case .array(let items):
            newTable(arrayCapacity: items.count)
            for (i, item) in items.enumerated() {
                try push(json: item)
                rawSet(-2, i + 1)
            }
        case .object(let pairs):
            newTable(fieldCapacity: pairs.count)
            for pair in pairs {
                try push(json: pair.value)
                rawSet(-2, pair.key)
            }
        }
    }
}
