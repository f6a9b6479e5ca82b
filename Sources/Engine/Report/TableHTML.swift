extension Table {
    /// The table as an HTML `<table>` (what a notebook shows, as pandas' `to_html`): a `<thead>`
    /// row of column names and one `<tr>` per row, cells in the reader's number style (as
    /// ``markdown()``), numeric columns right-aligned, the title (if any) as a `<caption>`.
    /// Every text is HTML-escaped.
    public func html() -> String {
        let numeric = columns.indices.map { isNumericColumn($0) }
        let cells = columns.indices.map { k in TableNumberStyle.displayColumn(self, k) }
        func cell(_ tag: String, _ text: String, _ k: Int) -> String {
            "<\(tag)\(numeric[k] ? " style=\"text-align: right;\"" : "")>\(Table.htmlEscaped(text))</\(tag)>"
        }
        var out = "<table class=\"prunelab-table\">\n"
        if let title, !title.isEmpty { out += "<caption>\(Table.htmlEscaped(title))</caption>\n" }
        out += "<thead><tr>" + columns.indices.map { cell("th", columns[$0], $0) }.joined() + "</tr></thead>\n<tbody>\n"
        for i in rows.indices {
            out += "<tr>" + columns.indices.map { cell("td", cells[$0][i], $0) }.joined() + "</tr>\n"
        }
        return out + "</tbody>\n</table>"
    }

    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by their HTML entities.
    public static func htmlEscaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
