import Bindings
import CLua

/// Tab completion for the shell: Lua keywords and globals, and the fields and methods of the
/// value named before a `.` or `:` (`tensor.ze` → `tensor.zeros`, `t:nu` → `t:numel`).
///
/// The value is found by following a plain chain of names (`a.b.c`) with raw reads only; where
/// a table lacks a key, its metatable is followed: a prunelab object's `__methods` (and
/// `__fields` for `.`), and `__index` when it is a table. No Lua code or metamethod ever runs,
/// so completing can neither fail nor change anything. After `:` only functions are offered.
public enum Completion {
    /// Characters that end the word being completed (`.` and `:` are part of it).
    public static let wordBreakCharacters = " \t\n\"\\'`@$><=;|&{(,)[]+-*/%^#~}?!"

    /// How many metatables (`__index` links) a lookup follows before giving up.
    static let maximumChainLength = 16

    /// The completions of `word` (the text before the cursor, back to a word break), sorted.
    /// Names starting with `__` (metamethods) are offered only when `word`'s last part does.
    public static func candidates(for word: String, in lua: Lua) -> [String] {
        let base = lua.top
        defer { lua.setTop(base) }
        guard let separator = word.lastIndex(where: { $0 == "." || $0 == ":" }) else {
            plua_pushglobaltable(lua.state)
            let names = members(lua, methodsOnly: false).union(LuaNames.keywords)
            return filter(names, prefix: word[...], prepending: "")
        }
        let path = word[..<separator]
        let parts = path.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.allSatisfy({ LuaNames.isName($0) }) else { return [] }
        plua_pushglobaltable(lua.state)
        for part in parts {
            guard lookUp(lua, String(part)) else { return [] }
        }
        let isMethodCall = word[separator] == ":"
        let names = members(lua, methodsOnly: isMethodCall)
        return filter(names, prefix: word[word.index(after: separator)...], prepending: String(word[...separator]))
    }

    private static func filter(_ names: Set<String>, prefix: Substring, prepending head: String) -> [String] {
        let showsHidden = prefix.hasPrefix("__")
        return names.filter { $0.hasPrefix(prefix) && (showsHidden || !$0.hasPrefix("__")) }
            .sorted()
            .map { head + $0 }
    }

    /// Replaces the value on top of the stack by its field `key`; false (popping it) if there is none.
    static func lookUp(_ lua: Lua, _ key: String) -> Bool {
        for _ in 0..<maximumChainLength {
            if lua.type(-1) == .table {
                if lua.rawGet(-1, key) != .nil { lua.remove(-2); return true }
                lua.pop(1)
            }
            guard lua_getmetatable(lua.state, -1) != 0 else { lua.pop(1); return false }
            // stack: value, metatable
            if lua.rawGet(-1, "__methods") == .table {
                if lua.rawGet(-1, key) != .nil {
                    lua.insert(-4)      // the method goes below value, metatable, methods
                    lua.pop(3)
                    return true
                }
                lua.pop(1)
            }
            lua.pop(1)
            guard lua.rawGet(-1, "__index") == .table else { lua.pop(3); return false }
            lua.remove(-2)          // metatable
            lua.remove(-2)          // value: continue with the __index table
        }
        lua.pop(1)
        return false
    }

    /// The names offered after the value on top of the stack (which it pops).
    static func members(_ lua: Lua, methodsOnly: Bool) -> Set<String> {
        var names = Set<String>()
        for _ in 0..<maximumChainLength {
            if lua.type(-1) == .table {
                lua.forEachEntry(-1) { key, value in
                    guard let name = lua.string(key), LuaNames.isName(name) else { return }
                    if !methodsOnly || lua.type(value) == .function { names.insert(name) }
                }
            }
            guard lua_getmetatable(lua.state, -1) != 0 else { break }
            if lua.rawGet(-1, "__methods") == .table {
                lua.forEachEntry(-1) { key, _ in if let name = lua.string(key) { names.insert(name) } }
            }
            lua.pop(1)
            if !methodsOnly {
                if lua.rawGet(-1, "__fields") == .table {
                    for i in stride(from: 1, through: lua.rawLength(-1), by: 1) {
                        lua.rawGet(-1, i)
                        if let name = lua.string(-1) { names.insert(name) }
                        lua.pop(1)
                    }
                }
                lua.pop(1)
            }
            guard lua.rawGet(-1, "__index") == .table else { lua.pop(2); break }
            lua.remove(-2)
            lua.remove(-2)
        }
        lua.pop(1)
        return names
    }

    /// The longest common prefix of `words` (what readline inserts when several match).
    public static func commonPrefix(_ words: [String]) -> String {
        guard var prefix = words.first.map(Array.init) else { return "" }
        for word in words.dropFirst() {
            let characters = Array(word)
            var n = 0
            while n < prefix.count, n < characters.count, prefix[n] == characters[n] { n += 1 }
            prefix.removeSubrange(n...)
        }
        return String(prefix)
    }
}
