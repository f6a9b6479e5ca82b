extension Table {
    /// Cells longer than this are cut with `…` in the terminal form (when a width is given).
    public static let maximumCellWidth = 40

    /// The table as aligned plain text, as pandas prints a `DataFrame`: a header line and one line
    /// per row, columns separated by two spaces, numbers right-aligned with one style per column
    /// (decimal points line up; NaN as `NaN`), text left-aligned, missing cells blank; the title,
    /// if any, above.
    ///
    /// - Parameters:
    ///   - maximumWidth: the line width to fit (a terminal's columns) or nil for no limit. Columns
    ///     that do not fit go to further blocks below, each repeating the first column when it
    ///     holds labels (text); over-long cells are cut with `…`.
    ///   - maximumRows: the rows to show or nil for all. A longer table shows its first and last
    ///     rows around a `…` line, and ends with `[R rows × C columns]`.
    public func text(maximumWidth: Int? = nil, maximumRows: Int? = nil) -> String {
        var shownRows = Array(rows.indices)
        var elided: Int? = nil
        if let limit = maximumRows, rows.count > Swift.max(limit, 2) {
            let head = (Swift.max(limit, 2) + 1) / 2
            let tail = Swift.max(limit, 2) - head
            shownRows = Array(rows.indices.prefix(head)) + Array(rows.indices.suffix(tail))
            elided = head
        }
        let cut = maximumWidth != nil
        let numeric = columns.indices.map { isNumericColumn($0) }
        // Each column: header and the shown cells, and its width.
        let cells: [[String]] = columns.indices.map { k in
            let all = TableNumberStyle.displayColumn(self, k)
            return shownRows.map { i in
                let s = all[i].replacingNewlines()
                return cut && s.count > Table.maximumCellWidth ? String(s.prefix(Table.maximumCellWidth - 1)) + "…" : s
            }
        }
        let headers: [String] = columns.map { name in
            let s = name.replacingNewlines()
            return cut && s.count > Table.maximumCellWidth ? String(s.prefix(Table.maximumCellWidth - 1)) + "…" : s
        }
        let widths = columns.indices.map { k in Swift.max(headers[k].count, cells[k].map(\.count).max() ?? 0, 1) }

        // Blocks of columns that fit the width.
        let labelColumn = columns.count > 1 && !numeric[0]
        var blocks: [[Int]] = []
        if let width = maximumWidth {
            var current: [Int] = []
            var used = 0
            for k in columns.indices {
                let extra = (current.isEmpty ? 0 : 2) + widths[k]
                if !current.isEmpty && used + extra > width && !(labelColumn && current == [0]) {
                    blocks.append(current)
                    current = labelColumn && k > 0 ? [0] : []
                    used = labelColumn && k > 0 ? widths[0] : 0
                }
                used += (current.isEmpty ? 0 : 2) + widths[k]
                current.append(k)
            }
            if !current.isEmpty { blocks.append(current) }
        } else {
            blocks = [Array(columns.indices)]
        }

        func pad(_ s: String, _ k: Int) -> String {
            let fill = String(repeating: " ", count: Swift.max(0, widths[k] - s.count))
            return numeric[k] ? fill + s : s + fill
        }
        func line(_ parts: [String]) -> String {
            var s = parts.joined(separator: "  ")
            while s.hasSuffix(" ") { s.removeLast() }
            return s
        }
        var lines: [String] = []
        if let title, !title.isEmpty { lines.append(title.replacingNewlines()) }
        for (b, block) in blocks.enumerated() {
            if b > 0 { lines.append("") }
            lines.append(line(block.map { pad(headers[$0], $0) }))
            for (r, _) in shownRows.enumerated() {
                if let e = elided, r == e { lines.append(line(block.map { pad("…", $0) })) }
                lines.append(line(block.map { pad(cells[$0][r], $0) }))
            }
        }
        if elided != nil || blocks.count > 1 {
            lines.append("[\(rows.count) rows × \(columns.count) columns]")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension String {
    /// The string on one line (newlines and tabs become spaces).
    func replacingNewlines() -> String {
        String(map { $0 == "\n" || $0 == "\r" || $0 == "\t" || $0 == "\r\n" ? " " : $0 })
    }
}
