import CLua
import Engine

/// The generator behind `tensor.rand`/`tensor.randn` calls without `{seed = n}`: one per Lua
/// state, seeded with 0 when the state starts and re-seeded by `tensor.seed(n)`, so a script
/// run twice draws the same numbers. (`{seed = n}` draws from a fresh generator instead.)
final class SessionRandom: LuaBindable {
    var generator = RandomGenerator(seed: 0)

    static let luaClass = LuaClass(name: "generator", doc: "The session's random generator (see tensor.seed).")

    private static let registryKey = "prunelab.tensor.random"

    /// This state's session generator (created on first use).
    static func of(_ lua: Lua) -> SessionRandom {
        let registry = plua_registryindex()
        defer { lua.pop(1) }
        if lua.rawGet(registry, registryKey) == .userdata, let state = lua.object(-1, as: SessionRandom.self) {
            return state
        }
        lua.pop(1)
        let state = SessionRandom()
        lua.push(object: state)
        lua.pushCopy(-1)
        lua.rawSet(registry, registryKey)
        return state
    }
}
