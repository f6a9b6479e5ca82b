import Bindings
import CLua
import Engine

/// How notebooks and the Jupyter kernel show values: as MIME bundles (Jupyter's display data).
///
/// * a figure (`plot`): `image/png` (base64), `image/svg+xml` and `text/plain`;
/// * a report table (`report.table`, `s:table()`): `text/html`, `text/markdown`, `text/plain`;
/// * anything else: `text/plain`, the text the shell shows (``ValueRenderer``).
public enum RichDisplay {
    /// The bundle for `figure`.
    public static func bundle(_ figure: Figure) throws -> MimeBundle {
        let png = try FigureOutput.bytes(figure, format: .png)
        let svg = try FigureOutput.bytes(figure, format: .svg)
        return MimeBundle([
            ("image/png", TerminalImage.base64(png)),
            ("image/svg+xml", String(decoding: svg, as: UTF8.self)),
            ("text/plain", "<prunelab figure>"),
        ])
    }

    /// The bundle for `table`.
    public static func bundle(_ table: Table) -> MimeBundle {
        MimeBundle([
            ("text/html", table.html()),
            ("text/markdown", table.markdown()),
            ("text/plain", table.text()),
        ])
    }

    /// The bundle for the values from `first` to the top of the stack (several values: their
    /// plain texts joined by tabs, as the shell prints them).
    public static func bundle(_ lua: Lua, valuesFrom first: Int32) throws -> MimeBundle {
        let last = lua.top
        if first == last {
            if let figure = FigureDisplay.figure(lua, at: first) { return try bundle(figure) }
            if let table = DisplayValue.table(lua, at: first) { return bundle(table) }
        }
        let texts = (first...last).map { index -> String in
            if let figure = FigureDisplay.figure(lua, at: index) { _ = figure; return "<prunelab figure>" }
            return ValueRenderer.render(lua, index)
        }
        return MimeBundle([("text/plain", texts.joined(separator: "\t"))])
    }
}
