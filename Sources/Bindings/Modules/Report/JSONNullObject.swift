import CLua
import Engine

/// `json.null`: the Lua value for JSON's `null` where Lua's nil cannot stand (inside arrays,
/// as a table value). Every such value equals every other (`v == json.null`).
final class JSONNullObject: LuaBindable {
    static let luaClass = LuaClass(
        name: "json_null",
        doc: "JSON's null (json.null): json.decode gives it for null, json.encode writes it as null. v == json.null tests for it.",
        metamethods: [
            "__tostring": { lua in lua.push("json.null"); return 1 },
            "__eq": { lua in
                lua.push(lua.object(1, as: JSONNullObject.self) != nil && lua.object(2, as: JSONNullObject.self) != nil)
                return 1
            },
        ],
        describe: { _ in "json.null" })
}
