import CLua
import Engine
import Synchronization

/// A documented Lua function: what `help()` shows and what Lua calls.
public struct LuaFunctionSpec: Sendable {
    /// Name within its module or class (`zeros`, `sum`).
    public let name: String
    /// Call form shown by help, e.g. `tensor.zeros(d1, d2, …)` or `t:sum([dim])`.
    public let signature: String
    /// What it does, what it returns, its errors.
    public let doc: String
    public let body: LuaBody

    public init(_ name: String, _ signature: String, _ doc: String, _ body: @escaping LuaBody) {
        self.name = name
        self.signature = signature
        self.doc = doc
        self.body = body
    }
}

/// The Lua face of a Swift class: methods, metamethods, fields and a docstring, installed
/// as a metatable named `prunelab.<name>` in each Lua state that uses it.
public final class LuaClass: @unchecked Sendable {  // immutable after init
    /// Lua-visible class name (`tensor`, `model`, …).
    public let name: String
    /// One-paragraph description shown by `help(obj)`.
    public let doc: String
    /// Methods, called as `obj:method(…)` (the object is argument 1).
    public let methods: [LuaFunctionSpec]
    /// Metamethods by event name (`__add`, `__len`, `__tostring`, `__call`, …).
    public let metamethods: [String: LuaBody]
    /// Resolves keys that are not methods (fields such as `r.value`, or `t[i]`). Called with the
    /// object at 1 and the key at 2; returns the number of values pushed (0 = nil).
    public let index: LuaBody?
    /// Handles assignments `obj[key] = value` (object 1, key 2, value 3).
    public let newIndex: LuaBody?
    /// Field names to offer in completion and help.
    public let fields: [String]
    /// One line of doc per field (parallel to `fields`; empty when the class has none).
    public let fieldDocs: [String]
    /// Short description of an instance for error messages ("tensor (float32, 2×3)").
    public let describe: (@Sendable (AnyObject) -> String)?

    /// The class name with its indefinite article ("a tensor", "an accumulator").
    public var withArticle: String {
        ("aeiou".contains(name.first ?? "x") ? "an " : "a ") + name
    }

    /// Registry key of the metatable.
    public var metatableName: String { "prunelab.\(name)" }

    public init(name: String, doc: String, methods: [LuaFunctionSpec] = [], metamethods: [String: LuaBody] = [:],
                fields: [String] = [], fieldDocs: [String] = [], index: LuaBody? = nil, newIndex: LuaBody? = nil,
                describe: (@Sendable (AnyObject) -> String)? = nil) {
        self.name = name
        self.doc = doc
        self.methods = methods
        self.metamethods = metamethods
        self.fields = fields
        self.fieldDocs = fieldDocs
        self.index = index
        self.newIndex = newIndex
        self.describe = describe
        LuaClass.registry.withLock { $0[name] = self }
    }

    private static let registry = Mutex<[String: LuaClass]>([:])

    /// Every registered class, sorted by name.
    public static var all: [LuaClass] {
        registry.withLock { $0.values.sorted { $0.name < $1.name } }
    }

    /// The class registered under `name` (classes register themselves when created).
    public static func registered(_ name: String) -> LuaClass? {
        registry.withLock { $0[name] }
    }

    /// Pushes this class's metatable, creating it in this state on first use.
    public func pushMetatable(_ lua: Lua) {
        guard luaL_newmetatable(lua.state, metatableName) != 0 else { return }
        let mt = lua.top
        lua.push(name); lua.rawSet(mt, "__class")
        lua.push(name); lua.rawSet(mt, "__name")
        lua.push(doc); lua.rawSet(mt, "__doc")
        plua_pushcfunction(lua.state, releaseObject); lua.rawSet(mt, "__gc")
        lua.push(array: fields); lua.rawSet(mt, "__fields")
        if !fieldDocs.isEmpty { lua.push(array: fieldDocs); lua.rawSet(mt, "__fielddocs") }

        // __methods: name → function, also read by help() and the shell's completion.
        lua.newTable(fieldCapacity: methods.count)
        for method in methods {
            lua.push(function: "\(name):\(method.name)", method.body)
            Help.register(lua, functionAt: -1, signature: method.signature, doc: method.doc)
            lua.rawSet(-2, method.name)
        }
        lua.rawSet(mt, "__methods")

        for (event, body) in metamethods {
            lua.push(function: "\(name) \(event)", guarded(event, body))
            lua.rawSet(mt, event)
        }

        let className = name
        let fieldIndex = index
        lua.push(function: "\(name) index", guarded("__index") { lua in
            // Methods first (string keys), then the class's own field/element lookup.
            if lua.type(2) == .string, lua_getmetatable(lua.state, 1) != 0 {
                lua.rawGet(-1, "__methods")
                lua.pushCopy(2)
                if lua_rawget(lua.state, -2) != LuaType.nil.rawValue {
                    return 1
                }
                lua.pop(3)
            }
            if let fieldIndex { return try fieldIndex(lua) }
            if lua.type(2) == .string { return 0 }
            throw LuaError("\(className): cannot index with \(lua.describe(2))")
        })
        lua.rawSet(mt, "__index")

        if let newIndex {
            lua.push(function: "\(name) newindex", guarded("__newindex", newIndex))
            lua.rawSet(mt, "__newindex")
        }
    }

    /// Events Lua calls with the object as either operand (`2 + t`, `a == b`).
    static let binaryEvents: Set<String> = [
        "__add", "__sub", "__mul", "__div", "__mod", "__pow", "__idiv", "__band", "__bor", "__bxor",
        "__shl", "__shr", "__concat", "__eq", "__lt", "__le",
    ]

    /// `body`, run only when its receiver is an object of this class: argument 1 (or, for a
    /// binary event, argument 1 or 2). Lua calls metamethods with such a receiver, but Lua code
    /// can call them with anything (`getmetatable(t).__index("abc", "x")`), and the bodies
    /// assume the receiver's shape (a userdata with this metatable, whose metatable has
    /// `__methods`).
    private func guarded(_ event: String, _ body: @escaping LuaBody) -> LuaBody {
        let binary = LuaClass.binaryEvents.contains(event)
        let metatable = metatableName
        let expected = withArticle
        return { lua in
            let isReceiver = { (i: Int32) in luaL_testudata(lua.state, i, metatable) != nil }
            guard isReceiver(1) || (binary && isReceiver(2)) else {
                throw lua.argumentError(1, "self", expected: binary ? "\(expected) as one operand" : expected)
            }
            return try body(lua)
        }
    }
}
