/// The rule that makes a top-level `local` survive from one shell line (or notebook cell) to the
/// next: every `local` declaration at block depth 0 of a chunk becomes a global assignment before
/// the chunk is compiled.
///
/// | typed                         | runs as                      |
/// |-------------------------------|------------------------------|
/// | `local x = 41`                | `x = 41`                     |
/// | `local a, b = f()`            | `a, b = f()`                 |
/// | `local x`                     | `x = nil`                    |
/// | `local n <const> = 3`         | `n = 3`                      |
/// | `local function f() … end`    | `function f() … end`         |
/// | `local h <close> = …`         | unchanged (closed at the end of its chunk, as in a script) |
///
/// Declarations inside functions and blocks (`do`, `if`, loops) stay local. A small Lua tokenizer
/// finds them: it skips strings, long brackets and comments, and counts blocks (`function`,
/// `if`, `do`, `repeat` open one; `end`, `until` close one; `while`/`for` open theirs with `do`).
/// Line breaks are kept, so error messages name the lines that were typed.
///
/// This is what IPython users expect from a notebook: what a cell defines, the next cell sees.
/// A script run as a script (`prunelab file.lua`) keeps Lua's own scoping.
public enum TopLevelLocals {
    /// `chunk` with its top-level `local` declarations turned into global assignments.
    public static func rewrite(_ chunk: String) -> String {
        let bytes = Array(chunk.utf8)
        let tokens = LuaTokenizer.tokens(bytes)
        var edits: [(range: Range<Int>, text: String)] = []
        var depth = 0
        var i = 0
        while i < tokens.count {
            let token = tokens[i]
            guard token.kind == .name else { i += 1; continue }
            switch token.text(bytes) {
            case "function", "if", "do", "repeat": depth += 1
            case "end", "until": depth = max(0, depth - 1)
            case "local" where depth == 0:
                if let (edit, next) = declaration(at: i, tokens, bytes) {
                    edits.append(contentsOf: edit)
                    i = next
                    continue
                }
            default: break
            }
            i += 1
        }
        guard !edits.isEmpty else { return chunk }
        var out = bytes
        for edit in edits.sorted(by: { $0.range.lowerBound > $1.range.lowerBound }) {
            out.replaceSubrange(edit.range, with: Array(edit.text.utf8))
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The edits for the `local` declaration whose keyword is token `i`, and the token to go on
    /// from; nil to leave it alone (a `<close>` variable, or something that is not a declaration).
    private static func declaration(at i: Int, _ tokens: [LuaToken], _ bytes: [UInt8]) -> ([(range: Range<Int>, text: String)], Int)? {
        guard i + 1 < tokens.count else { return nil }
        let local = tokens[i]
        let next = tokens[i + 1]
        // Remove `local` and the spaces after it (on the same line).
        var end = local.range.upperBound
        while end < next.range.lowerBound, bytes[end] == UInt8(ascii: " ") || bytes[end] == UInt8(ascii: "\t") { end += 1 }
        let dropLocal = (range: local.range.lowerBound..<end, text: "")
        if next.kind == .name, next.text(bytes) == "function" {
            // `function` opens a block: let the caller count it.
            return ([dropLocal], i + 1)
        }
        var edits = [dropLocal]
        var j = i + 1
        var lastNameEnd = local.range.upperBound
        while j < tokens.count, tokens[j].kind == .name, !LuaTokenizer.keywords.contains(tokens[j].text(bytes)) {
            lastNameEnd = tokens[j].range.upperBound
            j += 1
            // An attribute: `<const>` is dropped; `<close>` keeps the declaration local.
            if j + 2 < tokens.count, tokens[j].text(bytes) == "<", tokens[j + 1].kind == .name,
               [">", ">="].contains(tokens[j + 2].text(bytes)) {
                let attribute = tokens[j + 1].text(bytes)
                if attribute == "close" { return nil }
                // `x <const>= 1` lexes `>=`: keep its `=`.
                let keepsEquals = tokens[j + 2].text(bytes) == ">="
                edits.append((range: lastNameEnd..<tokens[j + 2].range.upperBound, text: keepsEquals ? " =" : ""))
                lastNameEnd = tokens[j + 2].range.upperBound
                j += 3
                if keepsEquals { break }
            }
            guard j < tokens.count, tokens[j].text(bytes) == "," else { break }
            j += 1
        }
        guard lastNameEnd > local.range.upperBound else { return nil }
        let assigns = edits.last?.text == " =" || (j < tokens.count && tokens[j].text(bytes) == "=")
        if !assigns {
            edits.append((range: lastNameEnd..<lastNameEnd, text: " = nil"))
        }
        return (edits, j)
    }
}

/// A token of Lua source: its byte range and whether it is a name (keywords included), a
/// string/number literal or a symbol. Comments and spaces make no tokens.
struct LuaToken: Equatable {
    enum Kind: Equatable { case name, literal, symbol }
    let kind: Kind
    let range: Range<Int>

    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes[range], as: UTF8.self) }
}

/// Just enough of Lua 5.4's lexer to find tokens: names, numbers, short and long strings,
/// comments (line and long), and symbols (one character each, except `..`, `...`, `::`,
/// `==`, `~=`, `<=`, `>=`, `//`, `<<`, `>>`). Unfinished strings and comments run to the end.
enum LuaTokenizer {
    static let keywords: Set<String> = [
        "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if",
        "in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
    ]

    static func tokens(_ b: [UInt8]) -> [LuaToken] {
        var out: [LuaToken] = []
        var i = 0
        let n = b.count
        func isNameStart(_ c: UInt8) -> Bool { c == 95 || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c >= 128 }
        func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
        /// The level of a long bracket opening at `k` (`[[` 0, `[==[` 2), or nil.
        func longBracket(_ k: Int) -> Int? {
            guard k < n, b[k] == UInt8(ascii: "[") else { return nil }
            var j = k + 1, level = 0
            while j < n, b[j] == UInt8(ascii: "=") { level += 1; j += 1 }
            return j < n && b[j] == UInt8(ascii: "[") ? level : nil
        }
        /// The index after the long bracket closing `level` searched from `k` (n if none).
        func skipLong(from k: Int, level: Int) -> Int {
            var j = k
            while j < n {
                if b[j] == UInt8(ascii: "]") {
                    var m = j + 1, eq = 0
                    while m < n, b[m] == UInt8(ascii: "=") { eq += 1; m += 1 }
                    if eq == level, m < n, b[m] == UInt8(ascii: "]") { return m + 1 }
                }
                j += 1
            }
            return n
        }
        while i < n {
            let c = b[i]
            if c == 32 || c == 9 || c == 10 || c == 13 || c == 11 || c == 12 { i += 1; continue }
            let start = i
            if c == UInt8(ascii: "-"), i + 1 < n, b[i + 1] == UInt8(ascii: "-") {
                if let level = longBracket(i + 2) {
                    i = skipLong(from: i + 4 + level, level: level)
                } else {
                    while i < n, b[i] != 10 { i += 1 }
                }
                continue
            }
            if isNameStart(c) {
                while i < n, isNameStart(b[i]) || isDigit(b[i]) { i += 1 }
                out.append(LuaToken(kind: .name, range: start..<i))
            } else if isDigit(c) || (c == UInt8(ascii: ".") && i + 1 < n && isDigit(b[i + 1])) {
                i += 1
                while i < n {
                    let d = b[i]
                    if (d == UInt8(ascii: "+") || d == UInt8(ascii: "-")), let p = Optional(b[i - 1]),
                       p == UInt8(ascii: "e") || p == UInt8(ascii: "E") || p == UInt8(ascii: "p") || p == UInt8(ascii: "P") { i += 1; continue }
                    guard isNameStart(d) || isDigit(d) || d == UInt8(ascii: ".") else { break }
                    i += 1
                }
                out.append(LuaToken(kind: .literal, range: start..<i))
            } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                i += 1
                while i < n, b[i] != c, b[i] != 10 {
                    if b[i] == UInt8(ascii: "\\") { i += 1 }
                    i += 1
                }
                i = min(i + 1, n)
                out.append(LuaToken(kind: .literal, range: start..<i))
            } else if let level = longBracket(i) {
                i = skipLong(from: i + 2 + level, level: level)
                out.append(LuaToken(kind: .literal, range: start..<i))
            } else {
                let pairs: [[UInt8]] = ["...", "..", "::", "==", "~=", "<=", ">=", "//", "<<", ">>"].map { Array($0.utf8) }
                var length = 1
                for p in pairs where i + p.count <= n && Array(b[i..<(i + p.count)]) == p { length = p.count; break }
                i += length
                out.append(LuaToken(kind: .symbol, range: start..<i))
            }
        }
        return out
    }
}
