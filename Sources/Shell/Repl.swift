#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Engine
import ShellKit

/// The interactive shell: reads lines (with readline on a terminal), runs them through a
/// ``ReplEvaluator`` and shows values and errors, until end of input (Ctrl-D).
struct Repl {
    let session: Session
    static var versionLine: String { "prunelab \(Version.string) (Lua 5.4, OpenBLAS \(BLASCore.current) kernels)" }
    static var banner: String { versionLine + " · help() for help, ?x documents x, Ctrl-D exits" }

    func run() -> Int32 {
        let evaluator = ReplEvaluator(session: session)
        print(Self.banner)
        guard Console.inputIsTerminal else {
            var reader = PlainLineReader()
            while let line = reader.read(prompt: prompt(evaluator)) {
                if !evaluator.isContinuing, let command = MetaCommand.parse(line) {
                    perform(command, evaluator)
                    continue
                }
                show(evaluator.submit(line), evaluator)
            }
            print()
            return 0
        }
        session.keepsInterruptHandler = true
        defer { session.keepsInterruptHandler = false }
        var history = History()
        LineEditor(session: session).run(prompt: prompt(evaluator)) { line in
            if !evaluator.isContinuing, let command = MetaCommand.parse(line) {
                history.add(line)
                perform(command, evaluator)
                return prompt(evaluator)
            }
            let outcome = evaluator.submit(line)
            if outcome != .needsMore { history.add(evaluator.lastChunk) }
            show(outcome, evaluator)
            return prompt(evaluator)
        } onInterrupt: {
            evaluator.discardPending()
            return prompt(evaluator)
        }
        history.save()
        print()
        return 0
    }

    /// Runs a `:` command (``MetaCommand``).
    private func perform(_ command: MetaCommand, _ evaluator: ReplEvaluator) {
        switch command {
        case .invalid(let message):
            Console.error(message)
        case .save(let path):
            do {
                try MetaCommand.save(evaluator.completedChunks, to: path)
                print("saved \(evaluator.completedChunks.count) cells to \(path)")
            } catch {
                Console.error(":save: \(error)")
            }
        case .run(let path):
            let cells: [String]
            do { cells = try MetaCommand.codeCells(at: path) } catch {
                Console.error(":run: \(error)")
                return
            }
            for cell in cells {
                let outcome = evaluator.evaluate(cell)
                show(outcome, evaluator)
                if case .failed = outcome { break }
            }
        }
    }

    private func prompt(_ evaluator: ReplEvaluator) -> String {
        evaluator.isContinuing ? ">> " : "> "
    }

    private func show(_ outcome: ReplEvaluator.Outcome, _ evaluator: ReplEvaluator) {
        switch outcome {
        case .needsMore:
            break
        case .values(let values):
            // Values that span lines (tables, grids) each start on a line of their own.
            if !values.isEmpty { print(values.joined(separator: values.contains { $0.contains("\n") } ? "\n" : "\t")) }
        case .failed(let message):
            // After Ctrl-C the terminal has echoed "^C": start the message on a line of its own.
            Console.error((evaluator.lastFailureWasInterrupt ? "\n" : "") + message)
        }
    }
}

/// Reads lines from a non-terminal standard input, writing the prompt to standard output as
/// lua does without readline.
struct PlainLineReader {
    /// The next line (without its newline), or nil at the end of input.
    mutating func read(prompt: String) -> String? {
        Console.prompt(prompt)
        var buffer: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(buffer) }
        let n = getline(&buffer, &capacity, stdin)
        guard n >= 0, let buffer else { return nil }
        var line = String(cString: buffer)
        if line.hasSuffix("\n") { line.removeLast() }
        return line
    }
}
