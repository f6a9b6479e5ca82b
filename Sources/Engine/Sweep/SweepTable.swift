#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A small table of JSON cells (null for "no value") with Markdown, CSV and JSON writers, for
/// `prunelab sweep collect`.
///
/// Markdown shows numbers with 6 significant digits (pandas' `to_markdown` look); CSV and JSON
/// keep every digit (shortest round-trip form), so a script that reads them loses nothing.
public struct SweepTable: Sendable, Equatable {
    public let columns: [String]
    public let rows: [[JSON]]

    public init(columns: [String], rows: [[JSON]]) {
        self.columns = columns
        self.rows = rows
    }

    /// The output formats.
    public enum Format: String, CaseIterable, Sendable { case markdown, csv, json }

    public func render(_ format: Format) -> String {
        switch format {
        case .markdown: return markdown
        case .csv: return csv
        case .json: return json.text + "\n"
        }
    }

    /// A GitHub-flavoured Markdown table, columns padded, numbers right-aligned.
    public var markdown: String {
        let text = rows.map { $0.map(SweepTable.short) }
        var widths = columns.map { max(3, $0.count) }
        for row in text { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        let numericColumn = columns.indices.map { i in rows.contains { SweepTable.isNumber($0[i]) } && rows.allSatisfy { SweepTable.isNumber($0[i]) || $0[i] == .null } }
        func pad(_ s: String, _ i: Int) -> String {
            let fill = String(repeating: " ", count: max(0, widths[i] - s.count))
            return numericColumn[i] ? fill + s : s + fill
        }
        var lines = ["| " + columns.enumerated().map { pad($1, $0) }.joined(separator: " | ") + " |"]
        lines.append("|" + widths.indices.map { i in numericColumn[i] ? String(repeating: "-", count: widths[i] + 1) + ":" : String(repeating: "-", count: widths[i] + 2) }.joined(separator: "|") + "|")
        for row in text { lines.append("| " + row.enumerated().map { pad($1, $0) }.joined(separator: " | ") + " |") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// RFC 4180 CSV: a header line, then one line per row; empty for null.
    public var csv: String {
        var lines = [columns.map(SweepTable.csvField).joined(separator: ",")]
        for row in rows {
            lines.append(row.map { cell in
                switch cell {
                case .null: return ""
                case .string(let s): return SweepTable.csvField(s)
                default: return cell.text
                }
            }.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// An array of objects, one per row, keys in column order.
    public var json: JSON {
        .array(rows.map { row in .object(zip(columns, row).map { ($0, $1) }) })
    }

    static func isNumber(_ cell: JSON) -> Bool {
        switch cell { case .integer, .number: return true; default: return false }
    }

    static func short(_ cell: JSON) -> String {
        switch cell {
        case .null: return ""
        case .string(let s): return s.replacingPipes()
        case .number(let d):
            var buffer = [CChar](repeating: 0, count: 64)
            _ = withVaList([d]) { vsnprintf(&buffer, 64, "%.6g", $0) }
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        default: return cell.text
        }
    }

    static func csvField(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }
}

extension String {
    fileprivate func replacingPipes() -> String {
        split(separator: "|", omittingEmptySubsequences: false).joined(separator: "\\|")
    }
}
