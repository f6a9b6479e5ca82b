import Engine

/// Jupyter's notebook file format, nbformat 4.5 (JSON; https://nbformat.readthedocs.io/en/latest/format_description.html),
/// written with Engine's JSON writer and read with its parser.
public enum NotebookFormat {
    /// The kernelspec name and display name prunelab's notebooks declare.
    public static let kernelName = "prunelab"
    public static let kernelDisplayName = "prunelab (Lua 5.4)"

    /// The notebook-level metadata: the kernel and the language.
    public static var metadata: JSON {
        .object([
            ("kernelspec", .object([("display_name", .string(kernelDisplayName)), ("language", .string("lua")), ("name", .string(kernelName))])),
            ("language_info", languageInfo),
        ])
    }

    /// `language_info` (also the kernel's kernel_info reply).
    public static var languageInfo: JSON {
        .object([("name", .string("lua")), ("version", .string("5.4")), ("mimetype", .string("text/x-lua")),
                 ("file_extension", .string(".lua")), ("pygments_lexer", .string("lua")), ("codemirror_mode", .string("lua"))])
    }

    /// `notebook` as .ipynb text (one-space indent, as Jupyter writes it).
    public static func text(_ notebook: Notebook) -> String {
        let cells = notebook.cells.enumerated().map { i, cell in json(cell, id: "cell-\(i + 1)") }
        let document = JSON.object([
            ("cells", .array(cells)),
            ("metadata", metadata),
            ("nbformat", .integer(4)),
            ("nbformat_minor", .integer(5)),
        ])
        return document.text(indent: 1) + "\n"
    }

    static func json(_ cell: NotebookCell, id: String) -> JSON {
        switch cell.kind {
        case .markdown:
            return .object([("cell_type", .string("markdown")), ("id", .string(id)), ("metadata", .object([])),
                            ("source", multiline(cell.source))])
        case .code:
            return .object([
                ("cell_type", .string("code")),
                ("execution_count", cell.executionCount.map { JSON.integer($0) } ?? .null),
                ("id", .string(id)),
                ("metadata", .object([])),
                ("outputs", .array(cell.outputs.map(json))),
                ("source", multiline(cell.source)),
            ])
        }
    }

    /// One output as nbformat JSON (also the content of the kernel's IOPub messages, less
    /// `output_type`).
    public static func json(_ output: CellOutput) -> JSON {
        switch output {
        case .stream(let name, let text):
            return .object([("output_type", .string("stream")), ("name", .string(name)), ("text", multiline(text))])
        case .displayData(let bundle):
            return .object([("output_type", .string("display_data")), ("data", data(bundle)), ("metadata", .object([]))])
        case .executeResult(let count, let bundle):
            return .object([("output_type", .string("execute_result")), ("execution_count", .integer(count)),
                            ("data", data(bundle)), ("metadata", .object([]))])
        case .error(let name, let value, let traceback):
            return .object([("output_type", .string("error")), ("ename", .string(name)), ("evalue", .string(value)),
                            ("traceback", .array(traceback.map(JSON.string)))])
        }
    }

    /// A MIME bundle as a `data` object (text types as lists of lines, base64 images as one string).
    public static func data(_ bundle: MimeBundle) -> JSON {
        .object(bundle.entries.map { entry in
            (entry.type, entry.type.hasPrefix("image/png") ? .string(entry.data) : multiline(entry.data))
        })
    }

    /// Text as nbformat's list of lines, each but the last ending in "\n".
    static func multiline(_ text: String) -> JSON {
        var lines: [JSON] = []
        var current = ""
        for c in text {
            current.append(c)
            if c == "\n" { lines.append(.string(current)); current = "" }
        }
        if !current.isEmpty { lines.append(.string(current)) }
        return .array(lines)
    }

    /// A string or list of strings (nbformat's "multiline string") as one string.
    static func joined(_ value: JSON?) -> String {
        switch value {
        case .string(let s)?: return s
        case .array(let items)?: return items.compactMap(\.stringValue).joined()
        default: return ""
        }
    }

    /// The notebook in .ipynb `bytes`: its markdown and code cells with their outputs (raw cells
    /// are skipped). Throws when the text is not an nbformat 4 notebook.
    public static func parse(_ bytes: [UInt8]) throws -> Notebook {
        let document = try JSON.parse(bytes, maxDepth: 256)
        guard document["nbformat"]?.intValue == 4, case .array(let cells)? = document["cells"] else {
            throw EngineError.invalid("notebook", expected: "an nbformat 4 notebook (\"nbformat\": 4 and a \"cells\" list)", given: "other JSON")
        }
        return Notebook(cells: cells.compactMap { cell -> NotebookCell? in
            let source = joined(cell["source"])
            switch cell["cell_type"]?.stringValue {
            case "markdown": return NotebookCell(kind: .markdown, source: source)
            case "code":
                var outputs: [CellOutput] = []
                if case .array(let items)? = cell["outputs"] { outputs = items.compactMap(output) }
                return NotebookCell(kind: .code, source: source, outputs: outputs, executionCount: cell["execution_count"]?.intValue)
            default: return nil
            }
        })
    }

    static func output(_ json: JSON) -> CellOutput? {
        func bundle(_ data: JSON?) -> MimeBundle {
            guard case .object(let pairs)? = data else { return MimeBundle() }
            return MimeBundle(pairs.map { ($0.key, joined($0.value)) })
        }
        switch json["output_type"]?.stringValue {
        case "stream": return .stream(name: json["name"]?.stringValue ?? "stdout", text: joined(json["text"]))
        case "display_data": return .displayData(bundle(json["data"]))
        case "execute_result": return .executeResult(count: json["execution_count"]?.intValue ?? 0, bundle(json["data"]))
        case "error":
            var traceback: [String] = []
            if case .array(let lines)? = json["traceback"] { traceback = lines.compactMap(\.stringValue) }
            return .error(name: json["ename"]?.stringValue ?? "", value: json["evalue"]?.stringValue ?? "", traceback: traceback)
        default: return nil
        }
    }
}
