#if canImport(Glibc)
@preconcurrency import Glibc
#endif
@preconcurrency import CReadline
import Bindings
import ShellKit

/// Connects readline's completion to ``Completion`` on the session's Lua state.
enum CompletionHook {
    /// The state completion reads (raw reads only; set once, used on the main thread).
    nonisolated(unsafe) fileprivate static var state: OpaquePointer?

    static func install(for session: Session) {
        state = session.runtime.state
        rl_completer_word_break_characters = UnsafePointer(strdup(Completion.wordBreakCharacters))
        rl_attempted_completion_function = complete
    }
}

/// readline's completion entry: the matches for `text` as a malloc'd, NULL-terminated array of
/// strdup'd strings whose first entry is what replaces `text` (the common prefix).
private func complete(_ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    rl_attempted_completion_over = 1   // never fall back to file names
    rl_completion_append_character = 0
    guard let text, let state = CompletionHook.state else { return nil }
    let matches = Completion.candidates(for: String(cString: text), in: Lua(state))
    guard !matches.isEmpty else { return nil }
    let entries = matches.count == 1 ? matches : [Completion.commonPrefix(matches)] + matches
    guard let raw = malloc((entries.count + 1) * MemoryLayout<UnsafeMutablePointer<CChar>?>.stride) else { return nil }
    let array = raw.bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: entries.count + 1)
    for (i, entry) in entries.enumerated() { array[i] = strdup(entry) }
    array[entries.count] = nil
    return array
}
