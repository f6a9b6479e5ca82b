import Testing
import ShellKit

/// Which way the shell shows a figure, from the environment (kitty, iTerm2, sixel, a file).
@Suite struct FigureTerminalChoiceTests {
    private func choice(_ environment: [String: String], terminal: Bool = true) -> TerminalDisplayer.Choice {
        TerminalDisplayer.choice(environment: { environment[$0] }, outputIsTerminal: terminal)
    }

    @Test func graphicsTerminalsAreRecognised() {
        #expect(choice(["TERM": "xterm-kitty"]) == .kitty)
        #expect(choice(["TERM": "xterm-256color", "KITTY_WINDOW_ID": "3"]) == .kitty)
        #expect(choice(["TERM": "xterm-256color", "TERM_PROGRAM": "iTerm.app"]) == .iterm)
        #expect(choice(["TERM": "xterm-256color", "LC_TERMINAL": "iTerm2"]) == .iterm, "over ssh iTerm2 sends LC_TERMINAL")
        #expect(choice(["TERM": "xterm-256color", "TERM_PROGRAM": "WezTerm"]) == .iterm)
        #expect(choice(["TERM": "mlterm"]) == .sixel)
        #expect(choice(["TERM": "foot"]) == .sixel)
        #expect(choice(["TERM": "xterm-sixel"]) == .sixel)
    }

    @Test func plainTerminalsAndPipesGetAFile() {
        #expect(choice(["TERM": "xterm-256color"]) == .file)
        #expect(choice([:]) == .file)
        #expect(choice(["TERM": "xterm-kitty"], terminal: false) == .file, "no escapes into a pipe or file")
        #expect(choice(["TERM": "screen", "KITTY_WINDOW_ID": ""]) == .file)
    }

    @Test func prunelabImagesForcesAChoice() {
        #expect(choice(["TERM": "xterm-256color", "PRUNELAB_IMAGES": "kitty"]) == .kitty)
        #expect(choice(["TERM": "xterm-kitty", "PRUNELAB_IMAGES": "file"]) == .file)
        #expect(choice(["PRUNELAB_IMAGES": "sixel"], terminal: false) == .sixel)
        #expect(choice(["TERM": "xterm-kitty", "PRUNELAB_IMAGES": "bogus"]) == .kitty, "an unknown value is ignored")
    }
}
