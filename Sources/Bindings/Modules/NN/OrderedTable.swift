import CLua
import Engine

/// Lua tables keyed by name whose `pairs` visits the keys in a given order (layer order for
/// `m:parameters()`, `m:record()` …), through a `__pairs` metamethod.
enum OrderedTable {
    private static let registryKey = "prunelab.ordered"
    private static let source = """
        return function(t, keys)
          return setmetatable(t, {__pairs = function(self)
            local i = 0
            return function()
              i = i + 1
              local k = keys[i]
              if k ~= nil then return k, rawget(self, k) end
            end, self, nil
          end})
        end
        """

    /// Pushes a table `{keys[i] = value(i)}` whose `pairs` follows `keys`' order.
    /// `value(i)` pushes exactly one value.
    static func push(_ lua: Lua, keys: [String], value: (Int) throws -> Void) throws {
        lua.newTable(fieldCapacity: keys.count)
        let table = lua.top
        for (i, key) in keys.enumerated() {
            try value(i)
            lua.rawSet(table, key)
        }
        try pushHelper(lua)
        lua.pushCopy(table)
        lua.push(array: keys)
        try lua.protectedCall(arguments: 2, results: 1)
        lua.remove(table)
    }

    /// Pushes the Lua helper function, compiling it on first use.
    private static func pushHelper(_ lua: Lua) throws {
        if lua_getfield(lua.state, plua_registryindex(), registryKey) == LuaType.function.rawValue { return }
        lua.pop(1)
        let runtimeLoad = { (code: String) throws in
            var status: Int32 = 0
            var copy = code
            copy.withUTF8 { buffer in
                buffer.withMemoryRebound(to: CChar.self) { status = plua_loadbuffer(lua.state, $0.baseAddress, $0.count, "=(ordered table)") }
            }
            if status != plua_lua_ok() {
                let message = lua.string(-1) ?? "cannot compile the ordered-table helper"
                lua.pop(1)
                throw LuaError(message)
            }
        }
        try runtimeLoad(source)
        try lua.protectedCall(arguments: 0, results: 1)
        lua.pushCopy(-1)
        lua_setfield(lua.state, plua_registryindex(), registryKey)
    }
}
