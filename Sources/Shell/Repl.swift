#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Engine
import ShellKit

/// The interactive shell: reads lines (with readline on a terminal), runs them through a
/// ``ReplEvaluator`` and shows values and errors, until end of input.
struct Repl {
    let session: Session
    static let versionLine = "prunelab \(Version.string) (Lua 5.4)"
    static let banner = versionLine + " · help() for help, ?x documents x, Ctrl-D exits"

    func run() -> Int32 {
        let evaluator = ReplEvaluator(session: session)
        var reader = PlainLineReader()
        print(Self.banner)
        while true {
            let prompt = evaluator.isContinuing ? ">> " : "> "
            switch reader.read(prompt: prompt) {
            case .endOfInput:
                print()
                return 0
            case .interrupt:
                evaluator.discardPending()
            case .line(let line):
                show(evaluator.submit(line))
            }
        }
    }

    private func show(_ outcome: ReplEvaluator.Outcome) {
        switch outcome {
        case .needsMore:
            break
        case .values(let values):
            if !values.isEmpty { print(values.joined(separator: "\t")) }
        case .failed(let message):
            fflush(stdout)
            fputs(message + "\n", stderr)
        }
    }
}

/// One read from the user.
enum LineEvent: Equatable {
    case line(String)
    case endOfInput
    /// Ctrl-C at the prompt: drop the line.
    case interrupt
}

/// Reads lines from a non-terminal standard input, writing the prompt to standard output as
/// lua does without readline.
struct PlainLineReader {
    mutating func read(prompt: String) -> LineEvent {
        fputs(prompt, stdout)
        fflush(stdout)
        var buffer: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(buffer) }
        let n = getline(&buffer, &capacity, stdin)
        guard n >= 0, let buffer else { return .endOfInput }
        var line = String(cString: buffer)
        if line.hasSuffix("\n") { line.removeLast() }
        return .line(line)
    }
}
