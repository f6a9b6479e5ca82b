import Engine
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The width tables are fitted to when printed: standard output's terminal columns, else the
/// `COLUMNS` environment variable, else 100.
enum TerminalWidth {
    static var current: Int {
        var size = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col >= 20 { return Int(size.ws_col) }
        if let n = Settings.current.columns(minimum: 20, maximum: 10_000) { return n }
        return 100
    }
}
