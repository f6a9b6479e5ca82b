/// The formats a ``Table`` can be written in, and the file extensions that choose them.
public enum TableFormat: String, CaseIterable, Sendable {
    case text, markdown, csv, json, latex

    /// The extensions ``Table/save(to:)`` understands, in the order error messages list them.
    public static let extensions: [(String, TableFormat)] = [
        ("csv", .csv), ("md", .markdown), ("markdown", .markdown), ("json", .json), ("tex", .latex), ("txt", .text),
    ]

    /// The format named by the extension of `path` (case-insensitive), or a thrown error naming
    /// the extension and the known ones.
    public init(extensionOf path: String) throws {
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else {
            throw EngineError.invalid("table file '\(path)'", expected: "a name ending in .csv, .md, .json, .tex or .txt", given: "no extension")
        }
        let ext = String(name[name.index(after: dot)...]).lowercased()
        guard let format = TableFormat.extensions.first(where: { $0.0 == ext })?.1 else {
            throw EngineError.invalid("table file '\(path)'", expected: "a name ending in .csv, .md, .json, .tex or .txt", given: "'.\(ext)'")
        }
        self = format
    }
}

extension Table {
    /// The table in `format` (the text form unabridged: every row, no width limit).
    public func formatted(as format: TableFormat) -> String {
        switch format {
        case .text: return text()
        case .markdown: return markdown()
        case .csv: return csv()
        case .json: return json()
        case .latex: return latex()
        }
    }

    /// Writes the table to `path` in the format its extension names (`.csv`, `.md`, `.json`,
    /// `.tex`, `.txt`), atomically (``FileIO/writeAtomically(_:_:)``). Returns the format used.
    @discardableResult
    public func save(to path: String) throws -> TableFormat {
        let format = try TableFormat(extensionOf: path)
        try FileIO.writeAtomically(path, Array(formatted(as: format).utf8))
        return format
    }
}
