import Bindings
import CLua
import Engine

/// Runs notebook cells in one Lua session by the shell's ``EvaluationRule`` and reports what
/// each produces as ``CellOutput``s, as they happen: text written (``OutputSink``), figures shown
/// (`fig:show()`, through the figure display hook), the value of the last expression (a figure
/// or table becomes rich display data) and the error that stopped it.
///
/// Used by `prunelab notebook run` (which collects the outputs into a notebook) and by the
/// Jupyter kernel (which publishes them on its IOPub socket).
public final class CellEvaluator {
    public let session: Session
    public let sink: OutputSink
    /// Receives every output of the running cell, in order.
    public var onOutput: (CellOutput) -> Void = { _ in }
    /// Cells run so far (the next cell's execution count is this plus one).
    public private(set) var executionCount = 0

    /// Sets up `session` for cells: output capture and the figure display hook (which makes
    /// `fig:show()` a display_data output). `input` serves `io.read` (nil: standard input).
    public init(session: Session, input: ((String) -> String?)? = nil) throws {
        self.session = session
        sink = OutputSink()
        sink.input = input
        sink.write = { [weak self] name, text in self?.emit(.stream(name: name, text: text)) }
        try sink.install(in: session)
        let display = DisplayRelay(self)
        FigureDisplay.install { figure in
            display.show(try RichDisplay.bundle(figure))
            return ""
        }
    }

    private func emit(_ output: CellOutput) { onOutput(output) }

    /// How a cell ended.
    public enum Status: Equatable {
        case ok
        /// It failed: ``CellOutput/error(name:value:traceback:)`` was emitted.
        case failed(name: String, value: String, traceback: [String])
    }

    /// Runs `code` as cell number `executionCount + 1` (counted even when it fails).
    @discardableResult
    public func execute(_ code: String) -> Status {
        // `?x` on a line of its own is help(x), as in the shell (and IPython).
        let code = code.contains("\n") ? code : (ReplEvaluator.rewritingHelp(code) ?? code)
        executionCount += 1
        let count = executionCount
        let lua = session.lua
        let base = lua.top
        defer { lua.setTop(base) }
        let runtime = session.runtime
        let name = "=In[\(count)]"
        let compiles: (String) -> Bool = { code in
            guard (try? runtime.load(code, chunkName: name)) != nil else { return false }
            lua.pop(1)
            return true
        }
        guard let plan = EvaluationRule.plan(code, compiles: compiles) else {
            // Compile the chunk as statements to get Lua's message.
            var message = "cannot compile the cell"
            do { try runtime.load(TopLevelLocals.rewrite(code), chunkName: name) } catch { message = "\(error)" }
            return fail(name: "SyntaxError", message: message)
        }
        do {
            try runtime.load(plan.code, chunkName: name)
            try session.call(arguments: 0, results: nil)
        } catch let error as LuaCallError {
            let message = ReplEvaluator.trimmingReplFrames(error.message)
            let kind = error.isInterrupt ? "Interrupted" : (error.isSyntaxError ? "SyntaxError" : "LuaError")
            return fail(name: kind, message: message)
        } catch {
            return fail(name: "LuaError", message: "\(error)")
        }
        guard plan.showsValues, lua.top > base else { return .ok }
        do {
            let bundle = try session.interruptibly { try RichDisplay.bundle(lua, valuesFrom: base + 1) }
            emit(.executeResult(count: count, bundle))
        } catch {
            return fail(name: "LuaError", message: "cannot show the value: \(error)")
        }
        return .ok
    }

    /// Whether `code` is ready to run, by the shell's continuation rule: "complete" (it
    /// compiles), "incomplete" (Lua stops at `<eof>`: the shell would show `>>`), or "invalid".
    public func completeness(_ code: String) -> String {
        let lua = session.lua
        let runtime = session.runtime
        let base = lua.top
        defer { lua.setTop(base) }
        let compiles: (String) -> Bool = { code in (try? runtime.load(code, chunkName: "=(check)")) != nil }
        if EvaluationRule.plan(code, compiles: compiles) != nil { return "complete" }
        do {
            try runtime.load(TopLevelLocals.rewrite(code), chunkName: "=(check)")
            return "complete"
        } catch let error as LuaCallError {
            return ReplEvaluator.isIncomplete(error.message) ? "incomplete" : "invalid"
        } catch {
            return "invalid"
        }
    }

    private func fail(name: String, message: String) -> Status {
        let lines = message.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let value = lines.first ?? message
        emit(.error(name: name, value: value, traceback: lines))
        return .failed(name: name, value: value, traceback: lines)
    }

    fileprivate func showDisplay(_ bundle: MimeBundle) { emit(.displayData(bundle)) }
}

/// The figure display hook's way back to the evaluator (a Sendable box; used on the thread
/// that runs cells).
private final class DisplayRelay: @unchecked Sendable {
    weak var evaluator: CellEvaluator?
    init(_ evaluator: CellEvaluator) { self.evaluator = evaluator }
    func show(_ bundle: MimeBundle) { evaluator?.showDisplay(bundle) }
}
