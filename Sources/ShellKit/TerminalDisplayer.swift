#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Bindings
import Engine

/// How the shell shows a figure: inside the terminal when the environment says it can draw
/// images, otherwise as a PNG in a temporary file whose path is printed.
///
/// * kitty graphics protocol: `TERM=xterm-kitty` or `KITTY_WINDOW_ID` set (kitty, also Ghostty
///   with `TERM=xterm-ghostty`);
/// * iTerm2 inline images: `TERM_PROGRAM=iTerm.app` or `WezTerm`, or `LC_TERMINAL=iTerm2` (which
///   iTerm2 sends over ssh);
/// * sixel: `TERM` naming a sixel terminal (containing "sixel", or mlterm, foot, contour);
/// * `PRUNELAB_IMAGES=kitty|iterm|sixel|file` forces one.
///
/// Graphics go only to a terminal (standard output a tty) unless forced.
public enum TerminalDisplayer {
    public enum Choice: String, Equatable, Sendable {
        case kitty, iterm, sixel, file
    }

    /// The way to show images for `environment` (a name → value lookup) and whether standard output is a terminal.
    public static func choice(environment: (String) -> String?, outputIsTerminal: Bool) -> Choice {
        if let forced = environment("PRUNELAB_IMAGES").flatMap(Choice.init(rawValue:)) { return forced }
        guard outputIsTerminal else { return .file }
        let term = environment("TERM") ?? ""
        if term == "xterm-kitty" || term == "xterm-ghostty" || !(environment("KITTY_WINDOW_ID") ?? "").isEmpty { return .kitty }
        if ["iTerm.app", "WezTerm"].contains(environment("TERM_PROGRAM") ?? "") || environment("LC_TERMINAL") == "iTerm2" { return .iterm }
        if term.contains("sixel") || term.hasPrefix("mlterm") || term.hasPrefix("foot") || term.hasPrefix("contour") { return .sixel }
        return .file
    }

    /// The process's value of `name` (``Settings``, read once at start).
    static func environment(_ name: String) -> String? {
        Settings.Key(rawValue: name).flatMap { Settings.current[$0] }
    }

    /// The text that shows `figure` (escape sequences, or "figure saved to PATH").
    public static func display(_ figure: Figure) throws -> String {
        switch choice(environment: environment, outputIsTerminal: isatty(1) != 0) {
        case .kitty: return TerminalImage.kitty(png: try FigureOutput.bytes(figure, format: .png))
        case .iterm: return TerminalImage.iterm(png: try FigureOutput.bytes(figure, format: .png))
        case .sixel: return TerminalImage.sixel(try FigureOutput.raster(figure).0)
        case .file: return "figure saved to " + (try FigureDisplay.saveTemporary(figure))
        }
    }

    /// Installs this displayer for `fig:show()` and the shell's auto-print.
    public static func install() {
        FigureDisplay.install { try display($0) }
    }
}
