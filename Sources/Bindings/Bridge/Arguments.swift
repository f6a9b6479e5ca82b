import CLua
import Engine

/// Argument checking for bindings. Every failure is a ``LuaError`` whose message names the
/// function, the argument (position and meaning), what was expected and what was given:
/// `tensor.zeros: argument 2 (size): expected a non-negative integer, got string "a"`.
extension Lua {
    /// An error about argument `index`.
    public func argumentError(_ index: Int32, _ name: String, expected: String) -> LuaError {
        LuaError("\(callee): argument \(index)\(name.isEmpty ? "" : " (\(name))"): expected \(expected), got \(describe(index))")
    }

    /// An error in the caller's terms, prefixed with the function name.
    public func error(_ message: String) -> LuaError {
        LuaError("\(callee): \(message)")
    }

    /// The object of type `T` at `index`, or an error naming `expected` (e.g. "a tensor").
    public func check<T: LuaBindable>(_ index: Int32, _ type: T.Type, _ name: String = "") throws -> T {
        guard let value = object(index, as: type) else {
            throw argumentError(index, name, expected: T.luaClass.withArticle)
        }
        return value
    }

    /// A number (integer or float).
    public func checkNumber(_ index: Int32, _ name: String = "") throws -> Double {
        guard let v = number(index) else { throw argumentError(index, name, expected: "a number") }
        return v
    }

    /// An integer-valued number.
    public func checkInteger(_ index: Int32, _ name: String = "") throws -> Int {
        guard let v = integer(index) else { throw argumentError(index, name, expected: "an integer") }
        return v
    }

    /// An integer in `range`.
    public func checkInteger(_ index: Int32, _ name: String = "", in range: ClosedRange<Int>) throws -> Int {
        guard let v = integer(index), range.contains(v) else {
            throw argumentError(index, name, expected: "an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return v
    }

    public func optionalInteger(_ index: Int32, _ name: String = "") throws -> Int? {
        if isNoneOrNil(index) { return nil }
        return try checkInteger(index, name)
    }

    public func optionalNumber(_ index: Int32, _ name: String = "") throws -> Double? {
        if isNoneOrNil(index) { return nil }
        return try checkNumber(index, name)
    }

    /// A string.
    public func checkString(_ index: Int32, _ name: String = "") throws -> String {
        guard let v = string(index) else { throw argumentError(index, name, expected: "a string") }
        return v
    }

    public func optionalString(_ index: Int32, _ name: String = "") throws -> String? {
        if isNoneOrNil(index) { return nil }
        return try checkString(index, name)
    }

    /// A boolean.
    public func checkBoolean(_ index: Int32, _ name: String = "") throws -> Bool {
        guard let v = boolean(index) else { throw argumentError(index, name, expected: "a boolean") }
        return v
    }

    /// Requires a table at `index`.
    public func checkTable(_ index: Int32, _ name: String = "") throws {
        guard type(index) == .table else { throw argumentError(index, name, expected: "a table") }
    }

    /// Requires a function at `index`.
    public func checkFunction(_ index: Int32, _ name: String = "") throws {
        guard type(index) == .function else { throw argumentError(index, name, expected: "a function") }
    }

    /// Errors when more than `count` arguments were passed.
    public func checkArgumentCount(max count: Int32) throws {
        if top > count {
            throw error("expected at most \(count) argument\(count == 1 ? "" : "s"), got \(top)")
        }
    }

    /// The integers of a Lua array (a table `{2, 3}`) at `index`.
    public func checkIntegerArray(_ index: Int32, _ name: String = "") throws -> [Int] {
        guard type(index) == .table else { throw argumentError(index, name, expected: "a table of integers") }
        let table = absolute(index)
        let n = rawLength(table)
        var values: [Int] = []
        values.reserveCapacity(n)
        for i in stride(from: 1, through: n, by: 1) {
            rawGet(table, i)
            defer { pop(1) }
            guard let v = integer(-1) else {
                throw LuaError("\(callee): argument \(index)\(name.isEmpty ? "" : " (\(name))"): expected a table of integers, but entry \(i) is \(describe(-1))")
            }
            values.append(v)
        }
        return values
    }

    /// The strings of a Lua array at `index`.
    public func checkStringArray(_ index: Int32, _ name: String = "") throws -> [String] {
        guard type(index) == .table else { throw argumentError(index, name, expected: "a table of strings") }
        let table = absolute(index)
        let n = rawLength(table)
        var values: [String] = []
        for i in stride(from: 1, through: n, by: 1) {
            rawGet(table, i)
            defer { pop(1) }
            guard let v = string(-1) else {
                throw LuaError("\(callee): argument \(index)\(name.isEmpty ? "" : " (\(name))"): expected a table of strings, but entry \(i) is \(describe(-1))")
            }
            values.append(v)
        }
        return values
    }

    /// The options table at `index` (nil/none gives an empty set). Keys not in `known` are an
    /// error, so that a misspelt option never goes silently unused.
    public func options(_ index: Int32, known: [String]) throws -> Options {
        if isNoneOrNil(index) { return Options(lua: self, index: nil) }
        guard type(index) == .table else {
            throw argumentError(index, "options", expected: "a table of options {\(known.joined(separator: ", "))}")
        }
        let table = absolute(index)
        try forEachEntry(table) { key, _ in
            guard let name = string(key), known.contains(name) else {
                let shown = string(key).map { "'\($0)'" } ?? describe(key)
                throw error("unknown option \(shown) (known options: \(known.joined(separator: ", ")))")
            }
        }
        return Options(lua: self, index: table)
    }
}

/// Typed access to an options table, `{seed = 1, dtype = "float64"}`. Each getter returns nil
/// when the option is absent and errors when it has the wrong type.
public struct Options {
    let lua: Lua
    let index: Int32?

    /// Whether the option is present (not nil).
    public func has(_ key: String) -> Bool {
        guard let index else { return false }
        let t = lua.rawGet(index, key)
        lua.pop(1)
        return t != .nil
    }

    private func fetch<T>(_ key: String, expected: String, _ read: (Lua) -> T?) throws -> T? {
        guard let index else { return nil }
        lua.rawGet(index, key)
        defer { lua.pop(1) }
        if lua.type(-1) == .nil { return nil }
        guard let v = read(lua) else {
            throw LuaError("\(lua.callee): option '\(key)': expected \(expected), got \(lua.describe(-1))")
        }
        return v
    }

    public func integer(_ key: String) throws -> Int? {
        try fetch(key, expected: "an integer") { $0.integer(-1) }
    }

    /// An integer option that must lie in `range`.
    public func integer(_ key: String, in range: ClosedRange<Int>) throws -> Int? {
        try fetch(key, expected: "an integer in \(range.lowerBound)...\(range.upperBound)") { lua in
            lua.integer(-1).flatMap { range.contains($0) ? $0 : nil }
        }
    }

    public func number(_ key: String) throws -> Double? {
        try fetch(key, expected: "a number") { $0.number(-1) }
    }

    public func string(_ key: String) throws -> String? {
        try fetch(key, expected: "a string") { $0.string(-1) }
    }

    /// A string option restricted to `choices`.
    public func choice(_ key: String, _ choices: [String]) throws -> String? {
        try fetch(key, expected: "one of \(choices.map { "\"\($0)\"" }.joined(separator: ", "))") { lua in
            lua.string(-1).flatMap { choices.contains($0) ? $0 : nil }
        }
    }

    public func boolean(_ key: String) throws -> Bool? {
        try fetch(key, expected: "a boolean") { $0.boolean(-1) }
    }

    public func object<T: LuaBindable>(_ key: String, _ type: T.Type) throws -> T? {
        try fetch(key, expected: T.luaClass.withArticle) { $0.object(-1, as: type) }
    }

    public func integerArray(_ key: String) throws -> [Int]? {
        guard let index else { return nil }
        lua.rawGet(index, key)
        defer { lua.pop(1) }
        if lua.type(-1) == .nil { return nil }
        if let single = lua.integer(-1) { return [single] }
        let callee = lua.callee
        do {
            return try Lua(lua.state, callee: callee).checkIntegerArray(-1)
        } catch {
            throw LuaError("\(callee): option '\(key)': expected an integer or a table of integers, got \(lua.describe(-1))")
        }
    }

    /// Pushes the raw option value (or nil) and returns its type; the caller pops it.
    @discardableResult
    public func push(_ key: String) -> LuaType {
        guard let index else { lua.pushNil(); return .nil }
        return lua.rawGet(index, key)
    }
}
