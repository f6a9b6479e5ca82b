extension Table {
    /// The table as a Markdown pipe table (GitHub Flavored Markdown), as pandas' `to_markdown`:
    /// a header row, an alignment row (`---:` for numeric columns, `:---` otherwise) and one row
    /// per table row, every row with exactly one cell per column. Cells use the reader's number
    /// style (as ``text(maximumWidth:maximumRows:)``); `|` in a cell is escaped as `\|`, line
    /// breaks become `<br>`. The title, if any, comes first as a bold line.
    public func markdown() -> String {
        let numeric = columns.indices.map { isNumericColumn($0) }
        func escape(_ s: String) -> String {
            var out = ""
            for c in s {
                switch c {
                case "|": out += "\\|"
                case "\n", "\r\n", "\r": out += "<br>"
                default: out.append(c)
                }
            }
            return out
        }
        let headers = columns.map(escape)
        let cells = columns.indices.map { k in TableNumberStyle.displayColumn(self, k).map(escape) }
        let widths = columns.indices.map { k in Swift.max(3, headers[k].count, cells[k].map(\.count).max() ?? 0) }
        func pad(_ s: String, _ k: Int) -> String {
            let fill = String(repeating: " ", count: Swift.max(0, widths[k] - s.count))
            return numeric[k] ? fill + s : s + fill
        }
        func row(_ parts: [String]) -> String { "| " + parts.joined(separator: " | ") + " |" }
        var lines: [String] = []
        if let title, !title.isEmpty { lines += ["**" + escape(title) + "**", ""] }
        lines.append(row(columns.indices.map { pad(headers[$0], $0) }))
        lines.append(row(columns.indices.map { k in
            numeric[k] ? String(repeating: "-", count: widths[k] - 1) + ":" : ":" + String(repeating: "-", count: widths[k] - 1)
        }))
        for r in rows.indices { lines.append(row(columns.indices.map { pad(cells[$0][r], $0) })) }
        return lines.joined(separator: "\n") + "\n"
    }
}
