#if canImport(Glibc)
import Glibc
#endif
import CLua
import Engine
import Synchronization

/// Showing a figure is the front end's job (Engine only makes bytes): a front end installs a
/// displayer — the shell one that draws in the terminal, a notebook kernel one that sends PNG
/// to its client — and `fig:show()`, and the shell's auto-print of a figure, call it.
///
/// Without one, a figure is saved as a PNG in a temporary file and its path is reported.
public enum FigureDisplay {
    /// Shows `figure`; returns the text to print (for example an escape sequence that draws it,
    /// or "figure saved to …"), or "" when it printed nothing.
    public typealias Displayer = @Sendable (Figure) throws -> String

    private static let installed = Mutex<Displayer?>(nil)
    private static let counter = Mutex(0)

    /// Installs (or with nil removes) the front end's displayer.
    public static func install(_ displayer: Displayer?) {
        installed.withLock { $0 = displayer }
    }

    /// Shows `figure` with the installed displayer, or saves it to a temporary PNG.
    public static func show(_ figure: Figure) throws -> String {
        if let displayer = installed.withLock({ $0 }) { return try displayer(figure) }
        return "figure saved to " + (try saveTemporary(figure))
    }

    /// Writes the figure as a PNG under $PRUNELAB_FIGURE_DIR, $TMPDIR or /tmp and returns the path.
    public static func saveTemporary(_ figure: Figure) throws -> String {
        let settings = Settings.current
        let directory = settings.nonEmpty(.figureDirectory) ?? settings.nonEmpty(.temporaryDirectory) ?? "/tmp"
        let n = counter.withLock { value -> Int in value += 1; return value }
        let path = "\(directory)/prunelab-figure-\(getpid())-\(n).png"
        try FigureOutput.save(figure, to: path)
        return path
    }

    /// The figure at `index`, when the value there is one.
    public static func figure(_ lua: Lua, at index: Int32) -> Figure? {
        lua.object(index, as: FigureObject.self)?.figure
    }
}
