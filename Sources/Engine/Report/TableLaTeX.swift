extension Table {
    /// The table as a LaTeX `tabular` with booktabs rules (`\toprule`, `\midrule`,
    /// `\bottomrule`; needs `\usepackage{booktabs}`), as pandas' `to_latex`: numeric columns `r`,
    /// others `l`, cells in the reader's number style. The characters `& % $ # _ { } ~ ^ \` are
    /// escaped. With a title the tabular sits in a `table` environment with that `\caption`.
    public func latex() -> String {
        let numeric = columns.indices.map { isNumericColumn($0) }
        let cells = columns.indices.map { k in TableNumberStyle.displayColumn(self, k).map(Table.latexEscaped) }
        var lines: [String] = []
        let titled = title.map { !$0.isEmpty } ?? false
        if titled, let title {
            lines += ["\\begin{table}", "\\centering", "\\caption{\(Table.latexEscaped(title))}"]
        }
        lines.append("\\begin{tabular}{" + numeric.map { $0 ? "r" : "l" }.joined() + "}")
        lines.append("\\toprule")
        lines.append(columns.map(Table.latexEscaped).joined(separator: " & ") + " \\\\")
        lines.append("\\midrule")
        for r in rows.indices {
            lines.append(columns.indices.map { cells[$0][r] }.joined(separator: " & ") + " \\\\")
        }
        lines.append("\\bottomrule")
        lines.append("\\end{tabular}")
        if titled { lines.append("\\end{table}") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `s` with LaTeX's special characters escaped for text mode (line breaks become spaces).
    public static func latexEscaped(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&", "%", "$", "#", "_", "{", "}": out += "\\" + String(c)
            case "~": out += "\\textasciitilde{}"
            case "^": out += "\\textasciicircum{}"
            case "\\": out += "\\textbackslash{}"
            case "\n", "\r", "\r\n": out += " "
            default: out.append(c)
            }
        }
        return out
    }
}
