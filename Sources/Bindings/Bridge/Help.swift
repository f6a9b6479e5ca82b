import CLua
import Engine

/// Docstrings for `help(x)` / `?x`.
///
/// Docs live in a weak-keyed table in the Lua registry (`prunelab.docs`) that maps a function
/// or module table to `{signature = …, doc = …}`; classes carry theirs in the metatable
/// (`__doc`, `__methods`, `__fields`). Lua code can add its own with `help.register(f, doc)`.
public enum Help {
    static let registryKey = "prunelab.docs"

    /// Pushes the docs table, creating it on first use.
    static func pushDocs(_ lua: Lua) {
        if luaL_getsubtable(lua.state, plua_registryindex(), registryKey) == 0 {
            // New table: make its keys weak so documented functions can still be collected.
            lua.newTable()
            lua.push("k")
            lua.rawSet(-2, "__mode")
            lua_setmetatable(lua.state, -2)
        }
    }

    /// Documents the function at `index`.
    public static func register(_ lua: Lua, functionAt index: Int32, signature: String, doc: String) {
        let i = lua.absolute(index)
        pushDocs(lua)
        lua.pushCopy(i)
        lua.newTable()
        lua.push(signature); lua.rawSet(-2, "signature")
        lua.push(doc); lua.rawSet(-2, "doc")
        lua_rawset(lua.state, -3)
        lua.pop(1)
    }

    /// Documents a table (a module) at `index`.
    public static func register(_ lua: Lua, valueAt index: Int32, doc: String) {
        register(lua, functionAt: index, signature: "", doc: doc)
    }

    /// The help text for the value at `index`.
    public static func text(_ lua: Lua, for index: Int32) -> String {
        let i = lua.absolute(index)
        switch lua.type(i) {
        case .none, .nil:
            return overview(lua)
        case .string:
            let name = lua.string(i) ?? ""
            guard resolve(lua, name) else { return search(lua, name, missing: "nothing is called '\(name)'") }
            defer { lua.pop(1) }
            return text(lua, for: -1)
        case .userdata:
            if let className = lua.objectClassName(i) { return classText(lua, i, className) }
            return "a userdata value (no help available)"
        default:
            if let (signature, doc) = lookup(lua, i) {
                var out = signature.isEmpty ? "" : signature + "\n\n"
                out += doc
                if lua.type(i) == .table { out += "\n\n" + listing(lua, table: i) }
                return out
            }
            if lua.type(i) == .table { return "a table (no help available)\n\n" + listing(lua, table: i) }
            return "no help available for this \(lua.describe(i))"
        }
    }

    /// Signature and doc of a documented value.
    static func lookup(_ lua: Lua, _ index: Int32) -> (String, String)? {
        let i = lua.absolute(index)
        pushDocs(lua)
        lua.pushCopy(i)
        defer { lua.pop(1) }
        guard lua_rawget(lua.state, -2) == LuaType.table.rawValue else {
            lua.pop(1)
            return nil
        }
        lua.rawGet(-1, "signature"); let signature = lua.string(-1) ?? ""; lua.pop(1)
        lua.rawGet(-1, "doc"); let doc = lua.string(-1) ?? ""; lua.pop(1)
        lua.pop(1)
        return (signature, doc)
    }

    /// One line per documented function of a module table, sorted.
    static func listing(_ lua: Lua, table: Int32) -> String {
        var lines: [(String, String)] = []
        lua.forEachEntry(table) { key, value in
            guard let name = lua.string(key) else { return }
            if let (signature, doc) = lookup(lua, value) {
                lines.append((signature.isEmpty ? name : signature, firstSentence(doc)))
            } else if lua.type(value) == .function {
                lines.append((name, ""))
            }
        }
        lines.sort { $0.0 < $1.0 }
        let width = min(lines.map(\.0.count).max() ?? 0, 44)
        return lines.map { sig, summary in
            summary.isEmpty ? "  \(sig)" : "  \(sig.padding(to: width))  \(summary)"
        }.joined(separator: "\n")
    }

    static func classText(_ lua: Lua, _ index: Int32, _ className: String) -> String {
        guard lua_getmetatable(lua.state, index) != 0 else { return className }
        defer { lua.pop(1) }
        lua.rawGet(-1, "__doc"); let doc = lua.string(-1) ?? ""; lua.pop(1)
        var out = "\(className): \(doc)"
        let fields = strings(lua, field: "__fields"), docs = strings(lua, field: "__fielddocs")
        if docs.count == fields.count, !fields.isEmpty {
            let width = min(fields.map(\.count).max() ?? 0, 16)
            out += "\n\nFields:\n" + zip(fields, docs).map { "  \($0.padding(to: width))  \($1)" }.joined(separator: "\n")
        } else if !fields.isEmpty {
            out += "\n\nFields: " + fields.joined(separator: ", ")
        }
        lua.rawGet(-1, "__methods")
        if lua.type(-1) == .table { out += "\n\nMethods:\n" + listing(lua, table: -1) }
        lua.pop(1)
        return out
    }

    /// The strings of the array `field` of the table on top of the stack.
    static func strings(_ lua: Lua, field: String) -> [String] {
        lua.rawGet(-1, field)
        defer { lua.pop(1) }
        guard lua.type(-1) == .table else { return [] }
        return stride(from: 1, through: lua.rawLength(-1), by: 1).compactMap { i in
            lua.rawGet(-1, i)
            defer { lua.pop(1) }
            return lua.string(-1)
        }
    }

    /// Pushes the value named by a dotted path (`tensor.zeros`), or a class method written
    /// `class:method` / `class.method` (`tensor:sum`). Returns false (pushing nothing) if none.
    static func resolve(_ lua: Lua, _ name: String) -> Bool {
        let separators: Set<Character> = [".", ":"]
        let parts = name.split(whereSeparator: { separators.contains($0) }).map(String.init)
        guard let first = parts.first else { return false }
        if parts.count == 2, let cls = LuaClass.registered(first), cls.methods.contains(where: { $0.name == parts[1] }) {
            cls.pushMetatable(lua)  // always leaves the metatable on the stack
            lua.rawGet(-1, "__methods")
            lua.rawGet(-1, parts[1])
            lua.insert(-3)
            lua.pop(2)
            return true
        }
        lua.getGlobal(first)
        for part in parts.dropFirst() {
            guard lua.type(-1) == .table else { lua.pop(1); return false }
            lua.rawGet(-1, part)
            lua.remove(-2)
        }
        if lua.type(-1) == .nil { lua.pop(1); return false }
        return true
    }

    static func overview(_ lua: Lua) -> String {
        var out = """
        prunelab \(Version.string): neural-network pruning and layer similarity, in Lua.

        help(x) or ?x shows the documentation of x (a module, function or object),
        help("tensor.zeros") looks a name up. Modules:

        """
        var modules: [(String, String)] = []
        plua_pushglobaltable(lua.state)
        lua.forEachEntry(-1) { key, value in
            guard let name = lua.string(key), lua.type(value) == .table, let (_, doc) = lookup(lua, value) else { return }
            modules.append((name, firstSentence(doc)))
        }
        lua.pop(1)
        modules.sort { $0.0 < $1.0 }
        out += modules.map { "  \($0.0.padding(to: 8))  \($0.1)" }.joined(separator: "\n")
        return out
    }

    static func firstSentence(_ doc: String) -> String {
        let line = doc.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? ""
        let characters = Array(line)
        for i in characters.indices.dropLast() where characters[i] == "." && characters[i + 1] == " " {
            return String(characters[...i])
        }
        return line
    }
}

extension String {
    /// `self` padded with spaces to `width` characters.
    func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
