/// Facts about Lua's lexical names.
public enum LuaNames {
    /// Lua 5.4's reserved words.
    public static let keywords: Set<String> = [
        "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
        "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
    ]

    /// A Lua name: letters, digits and underscores, not starting with a digit, not a keyword.
    public static func isName(_ s: Substring) -> Bool {
        guard let first = s.first, !first.isNumber, s.allSatisfy(\.isIdentifierCharacter) else { return false }
        return !keywords.contains(String(s))
    }

    public static func isName(_ s: String) -> Bool { isName(s[...]) }
}

extension Character {
    /// A letter, digit or underscore (ASCII), as in Lua names.
    var isIdentifierCharacter: Bool {
        isASCII && (isLetter || isNumber || self == "_")
    }
}
