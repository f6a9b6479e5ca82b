#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Engine
@preconcurrency import CReadline
import ShellKit

/// The shell's persistent history: `$PRUNELAB_HISTORY`, else `~/.prunelab_history` (an empty
/// `PRUNELAB_HISTORY` turns saving off). Each chunk is appended as it is entered (multi-line
/// chunks stay one entry, thanks to timestamps); on exit the file is rewritten with the last
/// ``limit`` entries. Failing to read or write it is reported once and is never fatal.
struct History {
    static let limit: Int32 = 1000
    private let path: String?
    private var fileExists = false
    private var warned = false
    private var last: String?

    init() {
        let settings = Settings.current
        if let value = settings[.history] {
            path = value.isEmpty ? nil : value
        } else if let home = settings[.home] {
            path = home + "/.prunelab_history"
        } else {
            path = nil
        }
        using_history()
        stifle_history(Self.limit)
        history_comment_char = CChar(UInt8(ascii: "#"))
        history_write_timestamps = 1
        history_multiline_entries = 1
        if let path { fileExists = read_history(path) == 0 }
    }

    /// Remembers a chunk (not blank, not a repeat of the previous one) and appends it to the file.
    mutating func add(_ chunk: String) {
        guard chunk.contains(where: { !$0.isWhitespace }), chunk != last else { return }
        last = chunk
        add_history(chunk)
        guard let path else { return }
        let status = fileExists ? append_history(1, path) : write_history(path)
        if status == 0 { fileExists = true } else { warn(status) }
    }

    /// Rewrites the file with the last ``limit`` entries.
    mutating func save() {
        guard let path, fileExists else { return }
        let status = write_history(path)
        if status != 0 { warn(status) }
    }

    private mutating func warn(_ status: Int32) {
        guard !warned, let path else { return }
        warned = true
        Console.error("prunelab: cannot write history to \(path): \(String(cString: strerror(status))) (continuing without saving it)")
    }
}
