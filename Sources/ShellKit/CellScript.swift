/// Cell scripts: Lua files divided into cells by Jupytext's "percent" markers, which stay plain
/// scripts (`prunelab file.lua` runs them; the markers are comments).
///
/// ```lua
/// -- %% [markdown]
/// -- # A title
/// -- Some *Markdown*, one comment line per line.
///
/// -- %%
/// local x = 41
/// x + 1
/// ```
///
/// A line `-- %%` (optionally followed by a title) starts a code cell; `-- %% [markdown]` (or
/// `[md]`) a Markdown cell whose lines are Lua comments (`-- ` is removed). Lines before the
/// first marker form a first code cell when they are not blank. Blank lines at either end of a
/// cell are dropped. See https://jupytext.readthedocs.io/en/latest/formats-scripts.html.
public enum CellScript {
    /// The cells of `text`.
    public static func parse(_ text: String) -> [NotebookCell] {
        var cells: [NotebookCell] = []
        var kind = NotebookCell.Kind.code
        var lines: [String] = []
        var sawMarker = false
        func flush() {
            var body = lines
            while let first = body.first, first.trimmingSpaces().isEmpty { body.removeFirst() }
            while let last = body.last, last.trimmingSpaces().isEmpty { body.removeLast() }
            if kind == .markdown {
                body = body.map(uncommented)
                cells.append(NotebookCell(kind: .markdown, source: body.joined(separator: "\n")))
            } else if !body.isEmpty || sawMarker {
                cells.append(NotebookCell(kind: .code, source: body.joined(separator: "\n")))
            }
            lines.removeAll()
        }
        var first = true
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = String(raw)
            if line.hasSuffix("\r") { line.removeLast() }
            if first, line.hasPrefix("#!") { first = false; continue }   // a shebang is not part of a cell
            first = false
            if let markerKind = marker(line) {
                if sawMarker || lines.contains(where: { !$0.trimmingSpaces().isEmpty }) { flush() } else { lines.removeAll() }
                sawMarker = true
                kind = markerKind
                continue
            }
            lines.append(line)
        }
        if sawMarker || lines.contains(where: { !$0.trimmingSpaces().isEmpty }) { flush() }
        return cells
    }

    /// The kind of cell a marker line starts, or nil if `line` is not a marker.
    static func marker(_ line: String) -> NotebookCell.Kind? {
        let trimmed = line.trimmingSpaces()
        guard trimmed.hasPrefix("-- %%") else { return nil }
        let rest = trimmed.dropFirst(5)
        guard rest.isEmpty || rest.first == " " else { return nil }
        let words = String(rest).trimmingSpaces()
        if words.hasPrefix("[markdown]") || words.hasPrefix("[md]") { return .markdown }
        return .code
    }

    /// A Markdown line from its comment: `-- text` → `text`, `--` → ``.
    static func uncommented(_ line: String) -> String {
        if line.hasPrefix("-- ") { return String(line.dropFirst(3)) }
        if line.hasPrefix("--") { return String(line.dropFirst(2)) }
        return line
    }

    /// `cells` as a cell script (outputs are not kept: a script holds code).
    public static func text(_ cells: [NotebookCell]) -> String {
        var parts: [String] = []
        for cell in cells {
            switch cell.kind {
            case .code:
                parts.append("-- %%\n" + cell.source)
            case .markdown:
                let body = cell.source.split(separator: "\n", omittingEmptySubsequences: false)
                    .map { $0.isEmpty ? "--" : "-- " + $0 }.joined(separator: "\n")
                parts.append("-- %% [markdown]\n" + body)
            }
        }
        return parts.joined(separator: "\n\n") + "\n"
    }
}
