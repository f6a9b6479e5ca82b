import Engine

/// The shell's own commands, typed at the `>` prompt with a leading colon (never Lua: a Lua
/// line cannot start with a single `:`; `::label::` is left to Lua):
///
/// * `:save FILE` writes the session's chunks that ran without error to FILE as a cell script
///   (one `-- %%` cell per chunk), which `prunelab FILE` and `prunelab notebook run FILE` run;
/// * `:run FILE` runs FILE's cells in this session, one after the other, showing each cell's
///   values as if it had been typed; it stops at the first error.
public enum MetaCommand: Equatable {
    case save(String)
    case run(String)
    /// A colon command that does not exist or lacks its argument: the message to show.
    case invalid(String)

    public static let usage = ":save FILE (the session as a cell script), :run FILE (run a script's cells here)"

    /// The command `line` is, or nil when it is Lua.
    public static func parse(_ line: String) -> MetaCommand? {
        let trimmed = line.trimmingSpaces()
        guard trimmed.hasPrefix(":"), !trimmed.hasPrefix("::") else { return nil }
        let words = trimmed.dropFirst().split(separator: " ", maxSplits: 1).map { String($0).trimmingSpaces() }
        guard let name = words.first else { return .invalid("expected a command after ':' — \(usage)") }
        let argument = words.count > 1 ? words[1] : ""
        switch name {
        case "save", "run":
            guard !argument.isEmpty else { return .invalid(":\(name): expected a file name") }
            return name == "save" ? .save(argument) : .run(argument)
        default:
            return .invalid("unknown command ':\(name)' — \(usage)")
        }
    }

    /// Writes `chunks` to `path` as a cell script.
    public static func save(_ chunks: [String], to path: String) throws {
        let cells = chunks.map { NotebookCell(kind: .code, source: $0.trimmingSpaces()) }
        try FileIO.writeAtomically(path, Array(CellScript.text(cells).utf8))
    }

    /// The code cells of the cell script at `path`.
    public static func codeCells(at path: String) throws -> [String] {
        let text = String(decoding: try FileIO.read(path), as: UTF8.self)
        return CellScript.parse(text).filter { $0.kind == .code }.map(\.source)
    }
}
