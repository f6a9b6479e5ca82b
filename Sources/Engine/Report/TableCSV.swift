extension Table {
    /// The table as CSV (RFC 4180): a header line, then one line per row, lines ending in `\n`
    /// (as pandas' `to_csv`). A field holding `,`, `"`, a line break or leading/trailing spaces
    /// is quoted, with `"` doubled. Floats keep every digit (shortest text that reads back to the
    /// same Double: `0.1`, `1e-05`), NaN is `NaN`, infinities `inf`/`-inf` (Python's `float()`
    /// reads all three), missing cells are empty. The title is not written.
    public func csv() -> String {
        func field(_ s: String) -> String {
            let needsQuotes = s.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
                || s.first == " " || s.last == " "
            guard needsQuotes else { return s }
            return "\"" + s.replacingAll("\"", with: "\"\"") + "\""
        }
        var out = columns.map(field).joined(separator: ",") + "\n"
        for row in rows {
            out += row.map { field($0.exactText) }.joined(separator: ",") + "\n"
        }
        return out
    }
}

extension String {
    /// The string with every `target` character replaced by `replacement`.
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
