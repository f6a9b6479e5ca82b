#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Engine
import ShellKit

/// `prunelab notebook run|convert`: cell scripts and notebooks.
enum NotebookSubcommand {
    static let usage = """
        usage: prunelab notebook run SCRIPT.lua|NOTEBOOK.ipynb -o OUT.ipynb|OUT.html|OUT.md [--continue-on-error]
               prunelab notebook convert IN.ipynb|IN.lua -o OUT.lua|OUT.ipynb|OUT.html|OUT.md
        'run' runs the cells (a cell script's '-- %%' cells, or a notebook's code cells) in one
        Lua session, as the shell would (a top-level local persists, a last expression shows
        its value, ';' silences it) and writes them with their outputs: printed text, values,
        figures (PNG and SVG), tables (HTML, Markdown, text) and errors with tracebacks.
        It stops at the first failing cell unless --continue-on-error, and exits with status 1
        when a cell failed. 'convert' changes the format without running anything.
        .ipynb is Jupyter's nbformat 4; .html a self-contained page (images inline); .md
        Markdown (images as data URIs).
        """

    static let subcommand = Subcommand(name: "notebook", summary: "run a cell script into .ipynb/.html/.md, or convert notebooks and scripts",
                                       usage: usage, run: run)

    @Sendable static func run(_ arguments: [String]) -> Int32 {
        guard let verb = arguments.first, verb == "run" || verb == "convert" else {
            Console.error("prunelab notebook: expected 'run' or 'convert', got \(arguments.first.map { "'\($0)'" } ?? "nothing")\n\(usage)")
            return 2
        }
        var input: String?, output: String?, continueOnError = false
        var rest = arguments.dropFirst()
        while let word = rest.popFirst() {
            switch word {
            case "-o", "--output":
                guard let path = rest.popFirst() else { Console.error("prunelab notebook \(verb): -o: expected a file name"); return 2 }
                output = path
            case "--continue-on-error" where verb == "run":
                continueOnError = true
            default:
                guard input == nil, !word.hasPrefix("-") else {
                    Console.error("prunelab notebook \(verb): unexpected argument '\(word)'\n\(usage)")
                    return 2
                }
                input = word
            }
        }
        guard let input, let output else {
            Console.error("prunelab notebook \(verb): expected an input file and -o OUTPUT\n\(usage)")
            return 2
        }
        guard let format = Format(path: output) else {
            Console.error("prunelab notebook \(verb): -o \(output): expected a name ending in .ipynb, .html, .md or .lua")
            return 2
        }
        do {
            var notebook = try read(input)
            var failures = 0
            if verb == "run" {
                guard format != .script else {
                    Console.error("prunelab notebook run: -o \(output): a .lua script keeps no outputs; use 'convert'")
                    return 2
                }
                let session = try Session()
                session.setArgumentTable(["prunelab", input], scriptIndex: 1)
                let runner = try NotebookRunner(session: session, continueOnError: continueOnError)
                (notebook, failures) = runner.run(notebook)
            }
            try write(notebook, format: format, to: output, title: input)
            if failures > 0 {
                Console.error("prunelab notebook run: \(failures) cell\(failures == 1 ? "" : "s") failed (see \(output))")
                return 1
            }
            return 0
        } catch {
            Console.error("prunelab notebook \(verb): \(error)")
            return 1
        }
    }

    enum Format {
        case notebook, html, markdown, script
        init?(path: String) {
            let lower = path.lowercased()
            if lower.hasSuffix(".ipynb") { self = .notebook }
            else if lower.hasSuffix(".html") || lower.hasSuffix(".htm") { self = .html }
            else if lower.hasSuffix(".md") { self = .markdown }
            else if lower.hasSuffix(".lua") { self = .script }
            else { return nil }
        }
    }

    static func read(_ path: String) throws -> Notebook {
        let bytes = try FileIO.read(path)
        if path.lowercased().hasSuffix(".ipynb") {
            do { return try NotebookFormat.parse(bytes) } catch { throw EngineError("\(path): \(error)") }
        }
        return Notebook(cells: CellScript.parse(String(decoding: bytes, as: UTF8.self)))
    }

    static func write(_ notebook: Notebook, format: Format, to path: String, title: String) throws {
        let text: String
        switch format {
        case .notebook: text = NotebookFormat.text(notebook)
        case .html: text = NotebookHTML.text(notebook, title: title)
        case .markdown: text = NotebookMarkdown.text(notebook)
        case .script: text = CellScript.text(notebook.cells)
        }
        try FileIO.writeAtomically(path, Array(text.utf8))
    }
}
