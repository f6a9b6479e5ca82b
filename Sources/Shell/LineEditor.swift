#if canImport(Glibc)
@preconcurrency import Glibc
#endif
@preconcurrency import CReadline
import ShellKit

/// Line editing on a terminal with readline's callback interface, so that Ctrl-C at the
/// prompt clears the line instead of killing the process.
///
/// readline's own signal handling is off; the session keeps a SIGINT handler installed that
/// records the key. SIGINT stays blocked while readline works and is unblocked atomically by
/// `pselect` while waiting for input (so a Ctrl-C either interrupts the wait or is seen before
/// it) and while a line is being handled (so Ctrl-C interrupts running code).
///
/// Each complete line goes to the handler from inside readline's callback (readline has
/// restored the terminal by then); lines typed or pasted ahead are handled in order after it.
struct LineEditor {
    /// Handles one line and returns the prompt for the next.
    typealias LineHandler = (String) -> String

    /// The running editor's handler and state (one editor at a time, on the main thread).
    nonisolated(unsafe) fileprivate static var handler: LineHandler?
    nonisolated(unsafe) fileprivate static var finished = false
    nonisolated(unsafe) fileprivate static var unblocked = sigset_t()

    private let session: Session

    init(session: Session) {
        self.session = session
        rl_readline_name = UnsafePointer(strdup("prunelab"))
        rl_catch_signals = 0
        CompletionHook.install(for: session)
    }

    /// Edits lines until Ctrl-D on an empty line. `onInterrupt` is called when Ctrl-C abandons
    /// the line being edited and returns the prompt to show next.
    func run(prompt: String, onLine: @escaping LineHandler, onInterrupt: () -> String) {
        var interrupt = sigset_t(), previous = sigset_t()
        sigemptyset(&interrupt)
        sigaddset(&interrupt, SIGINT)
        sigprocmask(SIG_BLOCK, &interrupt, &previous)
        defer { sigprocmask(SIG_SETMASK, &previous, nil) }
        Self.unblocked = previous
        sigdelset(&Self.unblocked, SIGINT)
        Self.handler = onLine
        Self.finished = false
        defer { Self.handler = nil }

        Console.flush()
        rl_callback_handler_install(prompt, acceptLine)
        while !Self.finished {
            if session.takeInterrupt() {
                abandonLine(prompt: onInterrupt())
                continue
            }
            var input = fd_set()
            input.__fds_bits.0 = 1  // standard input, descriptor 0
            if pselect(1, &input, nil, nil, nil, &Self.unblocked) < 0 {
                if errno == EINTR { continue }
                break
            }
            rl_callback_read_char()
        }
        rl_callback_handler_remove()
    }

    /// Clears the line being edited and shows `prompt` on a fresh line.
    private func abandonLine(prompt: String) {
        rl_free_line_state()
        rl_callback_sigcleanup()
        rl_replace_line("", 1)
        rl_callback_handler_remove()
        Console.prompt("\n")
        rl_callback_handler_install(prompt, acceptLine)
    }
}

/// readline's line handler: passes the line on (with SIGINT unblocked so Ctrl-C interrupts the
/// code it runs) and sets the next prompt; Ctrl-D on an empty line (nil) ends editing.
private func acceptLine(_ line: UnsafeMutablePointer<CChar>?) {
    guard let line, let handler = LineEditor.handler else {
        LineEditor.finished = true
        rl_callback_handler_remove()
        return
    }
    let text = String(cString: line)
    free(line)
    var blocked = sigset_t()
    sigprocmask(SIG_SETMASK, &LineEditor.unblocked, &blocked)
    let prompt = handler(text)
    Console.flush()
    sigprocmask(SIG_SETMASK, &blocked, nil)
    rl_set_prompt(prompt)
}
