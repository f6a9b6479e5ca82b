/// The one evaluation rule of prunelab's front ends — the shell, `prunelab notebook run` and
/// the Jupyter kernel — for a chunk (a line, a multi-line entry, a notebook cell):
///
/// 1. the whole chunk, when it is an expression, is evaluated and its values shown;
/// 2. otherwise, when its last lines form an expression (and what comes before them is a
///    complete block), the block runs and then the expression's values are shown, as IPython
///    shows a cell's last expression;
/// 3. otherwise the chunk runs as statements and shows nothing.
///
/// A trailing `;` silences the values. Top-level `local` declarations persist (see
/// ``TopLevelLocals``). A tail that starts with an operator, a bracket or a quote (`-x`, `(f)()`,
/// `{…}`, `"text"`) is split off only when the whole chunk is not a valid block: otherwise Lua
/// reads it as continuing the line before (`x = 1` / `-y` is `x = 1 - y`), and so does prunelab.
public enum EvaluationRule {
    /// What to compile for a chunk, and whether its values are shown.
    public struct Plan: Equatable, Sendable {
        /// The Lua code to compile and run (line numbers as typed).
        public let code: String
        /// Whether the values it returns are shown.
        public let showsValues: Bool

        public init(code: String, showsValues: Bool) {
            self.code = code
            self.showsValues = showsValues
        }
    }

    /// The plan for `chunk`, or nil when no plan compiles (the chunk is incomplete or wrong: the
    /// caller compiles ``TopLevelLocals/rewrite(_:)`` of it to get Lua's message).
    /// `compiles` tells whether a piece of Lua code compiles (without running it).
    public static func plan(_ chunk: String, compiles: (String) -> Bool) -> Plan? {
        let (expression, silent) = splittingTrailingSemicolon(chunk)
        if !expression.isEmpty {
            let code = "return " + expression + ";"
            if compiles(code) { return Plan(code: code, showsValues: !silent) }
        }
        let lines = chunk.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let whole = TopLevelLocals.rewrite(chunk)
        var wholeCompiles: Bool?
        if lines.count > 1 {
            for k in stride(from: lines.count - 1, through: 1, by: -1) {
                let tail = lines[k...].joined(separator: "\n")
                let (tailExpression, tailSilent) = splittingTrailingSemicolon(tail)
                guard let first = tailExpression.first, !tailExpression.hasPrefix("--") else { continue }
                if continuationStarts.contains(first) {
                    // Lua may read this tail as continuing the line before: split only when
                    // the whole chunk is no valid block (so that reading is not Lua's).
                    if wholeCompiles == nil { wholeCompiles = compiles(whole) }
                    if wholeCompiles == true { continue }
                }
                guard compiles("return " + tailExpression + ";") else { continue }
                let head = lines[..<k].joined(separator: "\n")
                let rewritten = TopLevelLocals.rewrite(head)
                guard compiles(rewritten) else { continue }
                return Plan(code: rewritten + "\nreturn " + tailExpression + ";", showsValues: !tailSilent)
            }
        }
        return (wholeCompiles ?? compiles(whole)) ? Plan(code: whole, showsValues: false) : nil
    }

    /// First characters of a line that Lua may read as continuing the line before.
    static let continuationStarts: Set<Character> = ["+", "-", "*", "/", "%", "^", "&", "|", "~", "<", ">", "=",
                                                     ".", ",", ":", ";", "(", "[", "{", "\"", "'", ")", "]", "}"]

    /// The chunk without trailing `;`, spaces and blank lines, and whether there was a `;`.
    public static func splittingTrailingSemicolon(_ chunk: String) -> (String, Bool) {
        var text = chunk.trimmingSpaces()
        guard text.hasSuffix(";") else { return (text, false) }
        while text.hasSuffix(";") { text = String(text.dropLast()).trimmingSpaces() }
        return (text, true)
    }
}
