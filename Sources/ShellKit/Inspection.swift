import Bindings
import CLua

/// What the kernel's inspect (Shift-Tab) and completion requests need from the shell's rules,
/// without running any user code.
public enum Inspection {
    /// The help text `?name` shows for a plain chain of names (`tensor.zeros`, `t:sum`, `m`),
    /// found with raw reads as ``Completion`` finds values; nil when there is no such value.
    public static func helpText(for name: String, in lua: Lua) -> String? {
        let base = lua.top
        defer { lua.setTop(base) }
        let parts = name.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "." || $0 == ":" })
        guard !parts.isEmpty, parts.allSatisfy({ LuaNames.isName($0) }) else { return nil }
        plua_pushglobaltable(lua.state)
        for part in parts {
            guard Completion.lookUp(lua, String(part)) else { return nil }
        }
        return Help.text(lua, for: -1)
    }

    /// The word being completed at `cursor` (a count of Unicode scalars into `code`): where it
    /// starts (in scalars) and its text, back to a character of
    /// ``Completion/wordBreakCharacters``.
    public static func word(in code: String, cursor: Int) -> (start: Int, text: String) {
        let scalars = Array(code.unicodeScalars)
        let end = max(0, min(cursor, scalars.count))
        var start = end
        let breaks = Set(Completion.wordBreakCharacters.unicodeScalars)
        while start > 0, !breaks.contains(scalars[start - 1]) { start -= 1 }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: scalars[start..<end])
        return (start, String(text))
    }

    /// The name under `cursor` for inspection: the word around it (extended to the right over
    /// name characters), without a trailing `(`.
    public static func name(in code: String, cursor: Int) -> String {
        let scalars = Array(code.unicodeScalars)
        var end = max(0, min(cursor, scalars.count))
        if end > 0, scalars[end - 1] == "(" { end -= 1 }     // `f(|`: the function called
        while end < scalars.count, Character(scalars[end]).isIdentifierCharacter { end += 1 }
        var name = word(in: code, cursor: end).text
        while let last = name.last, last == "." || last == ":" { name.removeLast() }
        return name
    }
}
