import CLua

/// The Lua value kinds, as `lua_type` reports them.
public enum LuaType: Int32, Sendable {
    case none = -1, `nil` = 0, boolean = 1, lightUserdata = 2, number = 3, string = 4,
         table = 5, function = 6, userdata = 7, thread = 8
}

/// A borrowed handle on a `lua_State` for the duration of one call from Lua into Swift.
///
/// Only non-raising Lua API calls are made through it (`lua_type`, `lua_tonumberx`,
/// `lua_rawget`, …): nothing here can longjmp through a Swift frame. Stack indices are Lua's
/// (1-based; negative from the top).
public struct Lua {
    /// The raw state.
    public let state: OpaquePointer
    /// Name of the Swift function Lua called (e.g. `tensor.zeros`), for error messages.
    public let callee: String

    public init(_ state: OpaquePointer, callee: String = "prunelab") {
        self.state = state
        self.callee = callee
    }

    // MARK: stack

    /// Index of the top element (= number of elements on the stack).
    public var top: Int32 { lua_gettop(state) }
    public func setTop(_ index: Int32) { lua_settop(state, index) }
    public func pop(_ n: Int32 = 1) { plua_pop(state, n) }
    public func absolute(_ index: Int32) -> Int32 { lua_absindex(state, index) }
    public func pushCopy(_ index: Int32) { lua_pushvalue(state, index) }
    public func remove(_ index: Int32) { plua_remove(state, index) }
    public func insert(_ index: Int32) { plua_insert(state, index) }

    // MARK: inspecting

    public func type(_ index: Int32) -> LuaType { LuaType(rawValue: lua_type(state, index)) ?? .none }
    public func isNoneOrNil(_ index: Int32) -> Bool { plua_isnoneornil(state, index) != 0 }
    public func isInteger(_ index: Int32) -> Bool { lua_isinteger(state, index) != 0 }

    /// The number at `index` (strings are not converted), or nil.
    public func number(_ index: Int32) -> Double? {
        guard type(index) == .number else { return nil }
        return lua_tonumberx(state, index, nil)
    }

    /// The integer at `index`: an integer-valued number (3 or 3.0), or nil.
    public func integer(_ index: Int32) -> Int? {
        guard type(index) == .number else { return nil }
        var isInt: Int32 = 0
        let v = lua_tointegerx(state, index, &isInt)
        return isInt != 0 ? Int(v) : nil
    }

    /// The string at `index` (numbers are not converted), or nil.
    public func string(_ index: Int32) -> String? {
        guard type(index) == .string else { return nil }
        var length = 0
        guard let p = lua_tolstring(state, index, &length) else { return nil }
        return p.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    }

    /// The boolean at `index`, or nil if it is not a boolean.
    public func boolean(_ index: Int32) -> Bool? {
        guard type(index) == .boolean else { return nil }
        return lua_toboolean(state, index) != 0
    }

    /// Lua's truthiness of the value at `index` (everything but nil and false).
    public func truthy(_ index: Int32) -> Bool { lua_toboolean(state, index) != 0 }

    /// Raw length (`#` without metamethods) of a table or string.
    public func rawLength(_ index: Int32) -> Int { Int(lua_rawlen(state, index)) }

    /// A short description of the value at `index` for error messages: `nil`, `number 2.5`,
    /// `string "abc"`, `table`, `tensor (float32, 2×3)`, ….
    public func describe(_ index: Int32) -> String {
        switch type(index) {
        case .none: return "no value"
        case .nil: return "nil"
        case .boolean: return "boolean \(truthy(index))"
        case .number:
            if let i = integer(index), isInteger(index) { return "number \(i)" }
            return "number \(number(index).map { String($0) } ?? "?")"
        case .string:
            let s = string(index) ?? ""
            return "string \"\(s.count > 40 ? String(s.prefix(40)) + "…" : s)\""
        case .userdata:
            if let name = objectClassName(index) {
                return describeObject(index) ?? name
            }
            return "userdata"
        case .table: return "table"
        case .function: return "function"
        case .thread: return "thread"
        case .lightUserdata: return "light userdata"
        }
    }

    // MARK: pushing

    public func pushNil() { lua_pushnil(state) }
    public func push(_ value: Double) { lua_pushnumber(state, value) }
    public func push(_ value: Int) { lua_pushinteger(state, lua_Integer(value)) }
    public func push(_ value: Bool) { lua_pushboolean(state, value ? 1 : 0) }
    public func push(_ value: String) {
        var copy = value
        copy.withUTF8 { buffer in
            buffer.withMemoryRebound(to: CChar.self) { _ = lua_pushlstring(state, $0.baseAddress, $0.count) }
        }
    }

    /// Pushes an integer when `value` is integral and within range, else a float (Lua prints
    /// `3` rather than `3.0` for counts).
    public func pushNumber(_ value: Double) { lua_pushnumber(state, value) }

    /// Pushes a new table with `array` in its array part (1-based).
    public func push(array: [Int]) {
        lua_createtable(state, Int32(array.count), 0)
        for (i, v) in array.enumerated() {
            push(v)
            lua_rawseti(state, -2, lua_Integer(i + 1))
        }
    }

    public func push(array: [Double]) {
        lua_createtable(state, Int32(array.count), 0)
        for (i, v) in array.enumerated() {
            push(v)
            lua_rawseti(state, -2, lua_Integer(i + 1))
        }
    }

    public func push(array: [String]) {
        lua_createtable(state, Int32(array.count), 0)
        for (i, v) in array.enumerated() {
            push(v)
            lua_rawseti(state, -2, lua_Integer(i + 1))
        }
    }

    public func newTable(arrayCapacity: Int = 0, fieldCapacity: Int = 0) {
        lua_createtable(state, Int32(arrayCapacity), Int32(fieldCapacity))
    }

    // MARK: tables (raw access only: no metamethods, so nothing can raise)

    /// Pushes `t[key]` (raw) for the table at `table`; returns its type.
    @discardableResult
    public func rawGet(_ table: Int32, _ key: String) -> LuaType {
        let t = absolute(table)
        push(key)
        return LuaType(rawValue: lua_rawget(state, t)) ?? .none
    }

    /// Pushes `t[i]` (raw, 1-based) for the table at `table`; returns its type.
    @discardableResult
    public func rawGet(_ table: Int32, _ i: Int) -> LuaType {
        LuaType(rawValue: lua_rawgeti(state, table, lua_Integer(i))) ?? .none
    }

    /// `t[key] = top`, popping the value (raw).
    public func rawSet(_ table: Int32, _ key: String) {
        let t = absolute(table)
        push(key)
        insert(-2)
        lua_rawset(state, t)
    }

    /// `t[i] = top`, popping the value (raw, 1-based).
    public func rawSet(_ table: Int32, _ i: Int) {
        lua_rawseti(state, table, lua_Integer(i))
    }

    /// Calls `body(keyIndex, valueIndex)` for each entry of the table at `table` (raw `next`).
    /// The body must leave the stack as it found it.
    public func forEachEntry(_ table: Int32, _ body: (Int32, Int32) throws -> Void) rethrows {
        let t = absolute(table)
        pushNil()
        while lua_next(state, t) != 0 {
            let keyIndex = top - 1
            do {
                try body(keyIndex, top)
            } catch {
                setTop(keyIndex - 1)
                throw error
            }
            pop(1)
        }
    }

    /// Sets a global from the value on top of the stack (popping it).
    public func setGlobal(_ name: String) {
        plua_pushglobaltable(state)
        insert(-2)
        rawSet(-2, name)
        pop(1)
    }

    /// Pushes a global; returns its type.
    @discardableResult
    public func getGlobal(_ name: String) -> LuaType {
        plua_pushglobaltable(state)
        let t = rawGet(-1, name)
        remove(-2)
        return t
    }
}
