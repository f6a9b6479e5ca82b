/// A notebook as prunelab writes and reads it: cells with their sources and outputs, in the
/// shape of Jupyter's nbformat 4 (https://nbformat.readthedocs.io/en/latest/format_description.html).

/// Display data: the same thing in several MIME types (`text/plain` always, plus `image/png`
/// as base64, `image/svg+xml`, `text/html`, `text/markdown` …), in the order they were added.
public struct MimeBundle: Equatable, Sendable {
    public var entries: [(type: String, data: String)]

    public init(_ entries: [(type: String, data: String)] = []) { self.entries = entries }

    /// The data for `type`, if present.
    public subscript(type: String) -> String? {
        entries.first { $0.type == type }?.data
    }

    public static func == (a: MimeBundle, b: MimeBundle) -> Bool {
        a.entries.count == b.entries.count && zip(a.entries, b.entries).allSatisfy { $0.type == $1.type && $0.data == $1.data }
    }
}

/// One output of a code cell (nbformat's output types).
public enum CellOutput: Equatable, Sendable {
    /// Text the cell wrote: `name` is "stdout" or "stderr".
    case stream(name: String, text: String)
    /// A figure or table the cell showed while running.
    case displayData(MimeBundle)
    /// The value of the cell's last expression.
    case executeResult(count: Int, MimeBundle)
    /// The error that stopped the cell: its kind, message and traceback lines.
    case error(name: String, value: String, traceback: [String])
}

/// A cell of a notebook.
public struct NotebookCell: Equatable, Sendable {
    public enum Kind: String, Equatable, Sendable { case code, markdown }
    public var kind: Kind
    /// The cell's text (Lua for code cells, Markdown for markdown cells), without a final newline.
    public var source: String
    public var outputs: [CellOutput] = []
    /// The cell's execution count (code cells that ran).
    public var executionCount: Int?

    public init(kind: Kind, source: String, outputs: [CellOutput] = [], executionCount: Int? = nil) {
        self.kind = kind
        self.source = source
        self.outputs = outputs
        self.executionCount = executionCount
    }
}

/// A notebook: its cells, in order.
public struct Notebook: Equatable, Sendable {
    public var cells: [NotebookCell]
    public init(cells: [NotebookCell]) { self.cells = cells }
}
