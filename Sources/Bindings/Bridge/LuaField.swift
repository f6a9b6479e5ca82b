import CLua
import Engine

/// One field of a Lua class (`r.value`, `s.total`): its name, a line of doc and its getter.
/// A class's list of fields is the one place they are written: it gives the class's field
/// lookup (`__index` for string keys), the names offered by completion and the "Fields:" part
/// of `help(obj)`.
public struct LuaField: Sendable {
    public let name: String
    public let doc: String
    /// Pushes the field's value for the object at argument 1 (exactly one value; nil allowed).
    let get: LuaBody

    init(name: String, doc: String, get: @escaping LuaBody) {
        self.name = name
        self.doc = doc
        self.get = get
    }
}

extension LuaBindable where Self: SendableMetatype {
    /// A field of this class: `get` pushes exactly one value for the object (nil allowed).
    /// Written inside the class's `luaClass` as `field("name", "doc") { lua, object in … }`.
    public static func field(_ name: String, _ doc: String,
                             _ get: @escaping @Sendable (Lua, Self) throws -> Void) -> LuaField {
        LuaField(name: name, doc: doc) { lua in
            try get(lua, try lua.check(1, Self.self, "self"))
            return 1
        }
    }
}

extension LuaClass {
    /// A class whose fields are declared once: `fields` gives both the lookup of string keys
    /// and the names and docs shown by completion and help; `elements` (optional) answers the
    /// other keys (`s[i]`), returning the number of values pushed (0 = nil).
    public convenience init(name: String, doc: String, methods: [LuaFunctionSpec] = [],
                            metamethods: [String: LuaBody] = [:], fields: [LuaField],
                            elements: LuaBody? = nil, newIndex: LuaBody? = nil,
                            describe: (@Sendable (AnyObject) -> String)? = nil) {
        var getters: [String: LuaBody] = [:]
        for field in fields where getters[field.name] == nil { getters[field.name] = field.get }
        let lookup = getters
        self.init(name: name, doc: doc, methods: methods, metamethods: metamethods,
                  fields: fields.map(\.name), fieldDocs: fields.map(\.doc),
                  index: { lua in
                      if lua.type(2) == .string, let key = lua.string(2), let get = lookup[key] { return try get(lua) }
                      return try elements?(lua) ?? 0
                  },
                  newIndex: newIndex, describe: describe)
    }
}
