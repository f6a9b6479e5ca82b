import Bindings
import CLua

/// What the shell does with each line typed at its prompt, as lua.c does it:
///
/// * `?x` is short for `help(x)` (`?` alone for `help()`, `?a:b` for `help(a.b)`);
/// * the chunk runs by ``EvaluationRule`` (shared with notebooks and the Jupyter kernel): an
///   expression shows its values, a trailing `;` silences them, and a top-level `local`
///   persists to the next line (``TopLevelLocals``);
/// * when it is incomplete (a syntax error at `<eof>`) the next lines are added until the
///   chunk compiles or fails for another reason.
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

    /// Whether the last chunk that failed was stopped by Ctrl-C (read from Engine's cancel flag,
    /// ``LuaCallError/isInterrupt``, not from the message's text).
    public private(set) var lastFailureWasInterrupt = false

    /// Drops an incomplete chunk (Ctrl-C at the continuation prompt).
    public func discardPending() { pending.removeAll() }

    /// Handles one line of input.
    public func submit(_ line: String) -> Outcome {
        let text = pending.isEmpty ? (Self.rewritingHelp(line) ?? line) : line
        pending.append(text)
        return evaluate(pending.joined(separator: "\n"), waitsForMore: true)
    }

    /// Runs a whole chunk (a cell of a script given to `:run`): an incomplete one fails.
    public func evaluate(_ chunk: String) -> Outcome {
        pending.removeAll()
        return evaluate(chunk, waitsForMore: false)
    }

    /// The chunks that ran without error, in order (what `:save` writes).
    public private(set) var completedChunks: [String] = []

    private func evaluate(_ chunk: String, waitsForMore: Bool) -> Outcome {
        let lua = session.lua
        let base = lua.top
        let runtime = session.runtime
        let name = chunkName
        let compiles: (String) -> Bool = { code in
            guard (try? runtime.load(code, chunkName: name)) != nil else { return false }
            lua.pop(1)
            return true
        }
        if let plan = EvaluationRule.plan(chunk, compiles: compiles) {
            do {
                try runtime.load(plan.code, chunkName: chunkName)
            } catch {
                finish(chunk)
                return .failed("\(error)")
            }
            return run(chunk, base: base, showing: plan.showsValues)
        }
        do {
            try runtime.load(TopLevelLocals.rewrite(chunk), chunkName: chunkName)
            lua.pop(1)
        } catch let error as LuaCallError {
            if waitsForMore, Self.isIncomplete(error.message) { return .needsMore }
            finish(chunk)
            return .failed(error.message)
        } catch {
            finish(chunk)
            return .failed("\(error)")
        }
        finish(chunk)
        return .failed("cannot compile the chunk")
    }

    private func finish(_ chunk: String) {
        lastChunk = chunk
        lastFailureWasInterrupt = false
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
            lastFailureWasInterrupt = error.isInterrupt
            return .failed(Self.trimmingReplFrames(error.message))
        } catch {
            lua.setTop(base)
            return .failed("\(error)")
        }
        defer { lua.setTop(base) }
        completedChunks.append(chunk)
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

    /// A syntax error at the end of input: the chunk may still be completed.
    public static func isIncomplete(_ message: String) -> Bool {
        message.hasSuffix("<eof>")
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
