#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Writing to the terminal from the shell and from subcommands.
///
/// Use these rather than `fputs(…, stderr)` in `Sources/Shell`: there, C's `stdout`/`stderr`
/// are also visible through readline's header, and Swift 6 rejects them as shared mutable state.
public enum Console {
    /// Writes `text` and a newline to standard error, after flushing standard output so that
    /// the two appear in order.
    public static func error(_ text: String) {
        fflush(stdout)
        fputs(text + "\n", stderr)
    }

    /// Writes `text` to standard output without a newline (a prompt) and flushes it.
    public static func prompt(_ text: String) {
        fputs(text, stdout)
        fflush(stdout)
    }

    /// Flushes standard output (before handing the terminal to readline or another program).
    public static func flush() {
        fflush(stdout)
    }

    /// Whether standard input is a terminal.
    public static var inputIsTerminal: Bool { isatty(0) != 0 }
}
