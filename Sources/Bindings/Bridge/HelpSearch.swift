#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Engine
import CLua

/// Finding help when a name does not resolve: keyword search over every documented function,
/// method and module, "did you mean" for near-misses, and wrapping to the terminal's width.
extension Help {
    /// One documented entry: its dotted name (`sim.svcca`, `tensor:sum`), call form and doc.
    struct Entry {
        let name: String, signature: String, doc: String
    }

    /// Every documented module function, global function and class method.
    static func entries(_ lua: Lua) -> [Entry] {
        var found: [Entry] = []
        plua_pushglobaltable(lua.state)
        lua.forEachEntry(-1) { key, value in
            guard let name = lua.string(key) else { return }
            if let (signature, doc) = lookup(lua, value) {
                found.append(Entry(name: name, signature: signature, doc: doc))
            }
            guard lua.type(value) == .table, lookup(lua, value) != nil else { return }
            lua.forEachEntry(value) { innerKey, innerValue in
                guard let inner = lua.string(innerKey), let (signature, doc) = lookup(lua, innerValue) else { return }
                found.append(Entry(name: name + "." + inner, signature: signature, doc: doc))
            }
        }
        lua.pop(1)
        for cls in LuaClass.all {
            for method in cls.methods {
                found.append(Entry(name: cls.name.replacingSpaces() + ":" + method.name, signature: method.signature, doc: method.doc))
            }
        }
        return found
    }

    /// The help text when `word` names nothing: entries whose name, call form or doc mention it
    /// (names first), and close names.
    static func search(_ lua: Lua, _ word: String, missing: String) -> String {
        let all = entries(lua)
        let needle = word.lowercased()
        func last(_ name: String) -> String {
            String(name.split(whereSeparator: { $0 == "." || $0 == ":" }).last ?? Substring(name)).lowercased()
        }
        var ranked: [(Int, Entry)] = []
        for entry in all {
            let rank: Int
            if last(entry.name) == needle { rank = 0 }
            else if entry.name.lowercased().contains(needle) { rank = 1 }
            else if entry.signature.lowercased().contains(needle) { rank = 2 }
            else if entry.doc.lowercased().contains(needle) { rank = 3 }
            else { continue }
            ranked.append((rank, entry))
        }
        ranked.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1.name < $1.1.name }
        var seen = Set<String>()
        let hits = ranked.filter { seen.insert($0.1.name).inserted }.map(\.1)
        let names = all.flatMap { [$0.name, last($0.name)] }
        let close = Suggestions.phrase(for: word, in: names)
        if hits.isEmpty {
            return "help: \(missing), and no documentation mentions '\(word)'\(close.isEmpty ? "" : close). help() lists the modules."
        }
        let shown = hits.prefix(15)
        var out = "help: \(missing); \(hits.count == 1 ? "one entry mentions" : "\(hits.count) entries mention") '\(word)'\(hits.count > shown.count ? " (first \(shown.count) shown)" : ""):\n"
        let width = min(shown.map(\.name.count).max() ?? 0, 30)
        out += shown.map { entry in "  \(entry.name.padding(to: width))  \(firstSentence(entry.doc))" }.joined(separator: "\n")
        return out + "\nhelp(\"\(shown.first?.name ?? word)\") shows one in full."
    }

    /// The text for `?name` when `name` is nil: says so, with close names that exist.
    static func undefined(_ lua: Lua, _ name: String) -> String {
        var out = "\(name) is nil: nothing is called that"
        var names: [String] = []
        plua_pushglobaltable(lua.state)
        lua.forEachEntry(-1) { key, _ in if let k = lua.string(key) { names.append(k) } }
        lua.pop(1)
        names += entries(lua).map(\.name)
        out += Suggestions.phrase(for: name, in: names)
        let word = String(name.split(whereSeparator: { $0 == "." || $0 == ":" }).last ?? Substring(name))
        let mentions = entries(lua).filter { $0.doc.lowercased().contains(word.lowercased()) || $0.name.lowercased().contains(word.lowercased()) }
        if !mentions.isEmpty && word.count >= 3 {
            out += ". Documentation mentioning '\(word)': " + mentions.prefix(6).map(\.name).joined(separator: ", ") + (mentions.count > 6 ? ", …" : "")
        }
        return out + "."
    }

    /// The width to wrap help at: $COLUMNS, else the terminal's width when standard output is
    /// one, else nil (no wrapping, for files and pipes).
    public static func terminalWidth() -> Int? {
        if let columns = Settings.current.columns(minimum: 20) { return columns }
        guard isatty(1) != 0 else { return nil }
        var size = winsize()
        guard ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col >= 20 else { return nil }
        return Int(size.ws_col)
    }

    /// `text` with every line longer than `width` broken at spaces. Continuation lines keep the
    /// line's indentation, or, for a listing line ("  name  summary"), start under the summary.
    public static func wrap(_ text: String, width: Int) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let characters = Array(line)
            guard characters.count > width else { return String(line) }
            let lead = characters.prefix { $0 == " " }.count
            var hang = lead
            // A listing line: the summary starts after the first run of two spaces past the lead.
            if lead > 0 {
                var i = lead
                while i + 1 < characters.count {
                    if characters[i] == " " && characters[i + 1] == " " {
                        var j = i
                        while j < characters.count && characters[j] == " " { j += 1 }
                        if j < width * 2 / 3 { hang = j }
                        break
                    }
                    i += 1
                }
            }
            var lines: [String] = []
            var current = String(characters.prefix(hang))
            let words = String(characters[hang...]).split(separator: " ", omittingEmptySubsequences: false)
            var fresh = true
            for word in words {
                if !fresh && current.count + 1 + word.count > width {
                    lines.append(current)
                    current = String(repeating: " ", count: hang) + word
                } else {
                    current += (fresh ? "" : " ") + word
                }
                fresh = false
            }
            lines.append(current)
            return lines.joined(separator: "\n")
        }.joined(separator: "\n")
    }
}

extension String {
    /// Spaces as underscores ("adam optimizer" → "adam_optimizer"), for class names in entries.
    fileprivate func replacingSpaces() -> String {
        String(map { $0 == " " ? "_" : $0 })
    }
}
