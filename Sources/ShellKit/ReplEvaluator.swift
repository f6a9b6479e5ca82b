import Bindings
import CLua

/// What the shell does with each line typed at its prompt, as lua.c does it:
///
/// * `?x` is short for `help(x)` (`?` alone for `help()`, `?a:b` for `help(a.b)`);
/// * a line is first tried as an expression (`return <line>;`) whose values are shown; a
///   trailing `;` runs the expression without showing them;
/// * otherwise it is a statement; when it is incomplete (a syntax error at `<eof>`) the next
///   lines are added until the chunk compiles or fails for another reason.
///
/// Errors never end the session: every global survives.
public final class ReplEvaluator {
    /// What happened to a line.
    public enum Outcome: Equatable {
        /// The chunk is incomplete: read another line (with the continuation prompt).
        case needsMore
        /// The chunk ran; these are its values, rendered for display (empty: show nothing).
        case values([String])
        /// The chunk failed to compile or run; the message, with a traceback for runtime errors.
        case failed(String)
    }

    public let session: Session
    /// The chunk name in messages (`stdin:1: …`), as lua's REPL.
    public let chunkName = "=stdin"
    private var pending: [String] = []

    public init(session: Session) { self.session = session }

    /// True while an incomplete chunk waits for more lines.
    public var isContinuing: Bool { !pending.isEmpty }

    /// The whole chunk the last complete input formed (for history), set when a chunk finishes.
    public private(set) var lastChunk = ""

    /// Drops an incomplete chunk (Ctrl-C at the continuation prompt).
    public func discardPending() { pending.removeAll() }

    /// Handles one line of input.
    public func submit(_ line: String) -> Outcome {
        let text = pending.isEmpty ? (Self.rewritingHelp(line) ?? line) : line
        pending.append(text)
        let chunk = pending.joined(separator: "\n")
        let lua = session.lua
        let base = lua.top

        // An expression? (`x;` evaluates x silently.)
        let (expression, silent) = Self.splittingTrailingSemicolon(chunk)
        if !expression.isEmpty, (try? session.runtime.load("return " + expression + ";", chunkName: chunkName)) != nil {
            return run(chunk, base: base, showing: !silent)
        }
        do {
            try session.runtime.load(chunk, chunkName: chunkName)
        } catch let error as LuaCallError {
            if Self.isIncomplete(error.message) { return .needsMore }
            finish(chunk)
            return .failed(error.message)
        } catch {
            finish(chunk)
            return .failed("\(error)")
        }
        return run(chunk, base: base, showing: false)
    }

    private func finish(_ chunk: String) {
        lastChunk = chunk
        pending.removeAll()
    }

    /// Runs the compiled chunk on top of the stack.
    private func run(_ chunk: String, base: Int32, showing: Bool) -> Outcome {
        finish(chunk)
        let lua = session.lua
        do {
            try session.call(arguments: 0, results: nil)
        } catch let error as LuaCallError {
            lua.setTop(base)
            return .failed(Self.trimmingReplFrames(error.message))
        } catch {
            lua.setTop(base)
            return .failed("\(error)")
        }
        defer { lua.setTop(base) }
        guard showing, lua.top > base else { return .values([]) }
        let rendered = session.interruptibly { (base + 1...lua.top).map { ValueRenderer.render(lua, $0) } }
        return .values(rendered)
    }

    // MARK: rules (static, for tests)

    /// `?x` → `help(x, "x")` for a name (`help(x)` for other expressions), `?` → `help()`,
    /// `?a:b` → `help(a.b, "a.b")`; nil for any other line.
    public static func rewritingHelp(_ line: String) -> String? {
        let trimmed = line.trimmingSpaces()
        guard trimmed.hasPrefix("?") else { return nil }
        var subject = String(trimmed.dropFirst()).trimmingSpaces()
        if subject.isEmpty { return "help()" }
        // `t:sum` names a method; as an expression it is `t.sum`.
        if let colon = subject.lastIndex(of: ":"), subject[subject.index(after: colon)...].allSatisfy(\.isIdentifierCharacter),
           !subject[..<colon].contains("(") {
            subject.replaceSubrange(colon...colon, with: ".")
        }
        // A plain name (`?tensor.zeros`, `?undefined_name`) is passed as text too, so help can
        // say that a name is nil instead of showing the overview.
        if let first = subject.first, first.isLetter || first == "_",
           subject.allSatisfy({ $0.isIdentifierCharacter || $0 == "." }), !subject.hasSuffix(".") {
            return "help(\(subject), \"\(subject)\")"
        }
        return "help(\(subject))"
    }

    /// The chunk without trailing `;` and spaces, and whether there was one.
    static func splittingTrailingSemicolon(_ chunk: String) -> (String, Bool) {
        var text = chunk.trimmingSpaces()
        guard text.hasSuffix(";") else { return (text, false) }
        while text.hasSuffix(";") { text = String(text.dropLast()).trimmingSpaces() }
        return (text, true)
    }

    /// A syntax error at the end of input: the chunk may still be completed.
    public static func isIncomplete(_ message: String) -> Bool {
        message.hasSuffix("<eof>")
    }

    /// Whether `message` reports a Ctrl-C: Lua's "interrupted!" or an Engine loop's "interrupted".
    public static func isInterruption(_ message: String) -> Bool {
        let first = message.split(separator: "\n", maxSplits: 1).first ?? ""
        return first.hasSuffix("interrupted!") || first.hasSuffix(": interrupted")
    }

    /// Removes the traceback lines that belong to the shell rather than to the user's code (the
    /// C entry frame `[C]: in ?` that ends every traceback of a chunk).
    public static func trimmingReplFrames(_ message: String) -> String {
        var lines = message.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while let last = lines.last, last.trimmingSpaces() == "[C]: in ?" { lines.removeLast() }
        if lines.last?.trimmingSpaces() == "stack traceback:" { lines.removeLast() }
        return lines.joined(separator: "\n")
    }
}

extension String {
    /// `self` without leading and trailing spaces, tabs and newlines.
    func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
