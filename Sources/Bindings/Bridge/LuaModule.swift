import CLua
import Engine

/// A Lua module (a global table of documented functions), such as `tensor` or `sim`.
public struct LuaModule: Sendable {
    /// Global name.
    public let name: String
    /// Shown by `help(module)`.
    public let doc: String
    public let functions: [LuaFunctionSpec]
    /// Extra setup after the functions are in place (constants, sub-tables, Lua-side helpers).
    /// The module table is on top of the stack.
    public let setup: (@Sendable (Lua) throws -> Void)?

    public init(name: String, doc: String, functions: [LuaFunctionSpec], setup: (@Sendable (Lua) throws -> Void)? = nil) {
        self.name = name
        self.doc = doc
        self.functions = functions
        self.setup = setup
    }

    /// Creates the module table with its functions and docs and sets it as a global.
    public func install(in lua: Lua) throws {
        lua.newTable(fieldCapacity: functions.count)
        let table = lua.top
        for function in functions {
            lua.push(function: "\(name).\(function.name)", function.body)
            Help.register(lua, functionAt: -1, signature: function.signature, doc: function.doc)
            lua.rawSet(table, function.name)
        }
        Help.register(lua, valueAt: table, doc: doc)
        try setup?(lua)
        lua.setTop(table)
        lua.setGlobal(name)
    }
}
