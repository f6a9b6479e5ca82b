import Engine

/// A notebook as one self-contained HTML page: every image inline (a `data:` URI), every text
/// escaped, a small style sheet, no scripts and no outside resources.
public enum NotebookHTML {
    public static func text(_ notebook: Notebook, title: String) -> String {
        var out = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>\(Table.htmlEscaped(title))</title>
            <style>
            body { font-family: sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em; line-height: 1.4; }
            pre { background: #f6f8fa; padding: 0.6em; overflow-x: auto; margin: 0.3em 0; }
            .cell { margin: 1em 0; }
            .prompt { color: #888; font-family: monospace; font-size: 0.85em; }
            pre.source { border-left: 3px solid #4078c0; }
            pre.stderr { background: #fdecea; }
            pre.error { background: #fdecea; color: #a00; }
            img { max-width: 100%; }
            table.prunelab-table { border-collapse: collapse; margin: 0.5em 0; }
            table.prunelab-table th, table.prunelab-table td { border: 1px solid #ccc; padding: 0.2em 0.6em; }
            </style>
            </head>
            <body>

            """
        for cell in notebook.cells {
            out += "<div class=\"cell \(cell.kind.rawValue)\">\n"
            switch cell.kind {
            case .markdown:
                out += MarkdownHTML.html(cell.source)
            case .code:
                let prompt = cell.executionCount.map { "In [\($0)]:" } ?? "In [ ]:"
                out += "<div class=\"prompt\">\(prompt)</div>\n<pre class=\"source\"><code class=\"language-lua\">\(Table.htmlEscaped(cell.source))</code></pre>\n"
                for output in cell.outputs { out += html(output) }
            }
            out += "</div>\n"
        }
        return out + "</body>\n</html>\n"
    }

    static func html(_ output: CellOutput) -> String {
        switch output {
        case .stream(let name, let text):
            return "<pre class=\"\(name == "stderr" ? "stderr" : "stdout")\">\(Table.htmlEscaped(text))</pre>\n"
        case .displayData(let bundle), .executeResult(_, let bundle):
            return html(bundle)
        case .error(let name, _, let traceback):
            return "<pre class=\"error\">\(Table.htmlEscaped(name + ": " + traceback.joined(separator: "\n")))</pre>\n"
        }
    }

    /// The richest form of a bundle this page can show.
    static func html(_ bundle: MimeBundle) -> String {
        if let png = bundle["image/png"] {
            return "<img alt=\"figure\" src=\"data:image/png;base64,\(png.filter { !$0.isWhitespace })\">\n"
        }
        if let svg = bundle["image/svg+xml"] {
            return "<img alt=\"figure\" src=\"data:image/svg+xml;base64,\(TerminalImage.base64(Array(svg.utf8)))\">\n"
        }
        if let html = bundle["text/html"] { return "<div class=\"output html\">\n\(html)\n</div>\n" }
        return "<pre class=\"result\">\(Table.htmlEscaped(bundle["text/plain"] ?? ""))</pre>\n"
    }
}

/// A small Markdown-to-HTML converter for notebook text cells: ATX headings, paragraphs,
/// bulleted and numbered lists, fenced code blocks, and inline `code`, **strong**, *emphasis*
/// and [links](url). Everything else is shown as escaped text.
enum MarkdownHTML {
    static func html(_ markdown: String) -> String {
        var out = ""
        var paragraph: [String] = []
        var list: String?   // "ul" or "ol" while inside a list
        var fence: [String]?
        func closeParagraph() {
            if !paragraph.isEmpty { out += "<p>" + inline(paragraph.joined(separator: " ")) + "</p>\n"; paragraph = [] }
        }
        func closeList() {
            if let tag = list { out += "</\(tag)>\n"; list = nil }
        }
        for raw in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            let trimmed = line.trimmingSpaces()
            if var code = fence {
                if trimmed.hasPrefix("```") {
                    out += "<pre><code>" + Table.htmlEscaped(code.joined(separator: "\n")) + "</code></pre>\n"
                    fence = nil
                } else { code.append(line); fence = code }
                continue
            }
            if trimmed.hasPrefix("```") { closeParagraph(); closeList(); fence = []; continue }
            if trimmed.isEmpty { closeParagraph(); closeList(); continue }
            if trimmed.hasPrefix("#") {
                let level = trimmed.prefix(while: { $0 == "#" }).count
                if level <= 6, trimmed.dropFirst(level).first == " " {
                    closeParagraph(); closeList()
                    out += "<h\(level)>" + inline(String(trimmed.dropFirst(level)).trimmingSpaces()) + "</h\(level)>\n"
                    continue
                }
            }
            if let item = listItem(trimmed) {
                closeParagraph()
                if list != item.tag { closeList(); out += "<\(item.tag)>\n"; list = item.tag }
                out += "<li>" + inline(item.text) + "</li>\n"
                continue
            }
            closeList()
            paragraph.append(trimmed)
        }
        if let code = fence { out += "<pre><code>" + Table.htmlEscaped(code.joined(separator: "\n")) + "</code></pre>\n" }
        closeParagraph()
        closeList()
        return out
    }

    static func listItem(_ line: String) -> (tag: String, text: String)? {
        if line.hasPrefix("- ") || line.hasPrefix("* ") || line.hasPrefix("+ ") { return ("ul", String(line.dropFirst(2))) }
        let digits = line.prefix(while: \.isNumber)
        if !digits.isEmpty, line.dropFirst(digits.count).hasPrefix(". ") { return ("ol", String(line.dropFirst(digits.count + 2))) }
        return nil
    }

    /// The first occurrence of `needle` in `text`.
    static func find(_ needle: String, in text: Substring) -> Range<Substring.Index>? {
        var start = text.startIndex
        while start < text.endIndex {
            if text[start...].hasPrefix(needle) { return start..<text.index(start, offsetBy: needle.count) }
            start = text.index(after: start)
        }
        return nil
    }

    /// Inline markup of one escaped paragraph.
    static func inline(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let c = rest.first {
            if c == "`", let end = rest.dropFirst().firstIndex(of: "`") {
                out += "<code>" + Table.htmlEscaped(String(rest[rest.index(after: rest.startIndex)..<end])) + "</code>"
                rest = rest[rest.index(after: end)...]
            } else if rest.hasPrefix("**"), let end = find("**", in: rest.dropFirst(2)) {
                out += "<strong>" + inline(String(rest[rest.index(rest.startIndex, offsetBy: 2)..<end.lowerBound])) + "</strong>"
                rest = rest[end.upperBound...]
            } else if c == "*" || c == "_", let end = rest.dropFirst().firstIndex(of: c), end > rest.index(after: rest.startIndex) {
                out += "<em>" + inline(String(rest[rest.index(after: rest.startIndex)..<end])) + "</em>"
                rest = rest[rest.index(after: end)...]
            } else if c == "[", let close = rest.firstIndex(of: "]"), rest[close...].dropFirst().first == "(",
                      let paren = rest[close...].firstIndex(of: ")") {
                let label = String(rest[rest.index(after: rest.startIndex)..<close])
                let url = String(rest[rest.index(close, offsetBy: 2)..<paren])
                out += "<a href=\"\(Table.htmlEscaped(url))\">" + inline(label) + "</a>"
                rest = rest[rest.index(after: paren)...]
            } else {
                out += Table.htmlEscaped(String(c))
                rest = rest.dropFirst()
            }
        }
        return out
    }
}

/// A notebook as Markdown: text cells as they are, code in ```lua fences, text outputs in
/// plain fences, tables as Markdown tables, figures as PNG `data:` URIs (one file to carry).
public enum NotebookMarkdown {
    public static func text(_ notebook: Notebook) -> String {
        var parts: [String] = []
        for cell in notebook.cells {
            switch cell.kind {
            case .markdown: parts.append(cell.source)
            case .code:
                parts.append("```lua\n" + cell.source + "\n```")
                for output in cell.outputs {
                    switch output {
                    case .stream(_, let text): parts.append(fenced(text))
                    case .displayData(let bundle), .executeResult(_, let bundle):
                        if let png = bundle["image/png"] {
                            parts.append("![figure](data:image/png;base64,\(png.filter { !$0.isWhitespace }))")
                        } else if let markdown = bundle["text/markdown"] {
                            parts.append(markdown)
                        } else {
                            parts.append(fenced(bundle["text/plain"] ?? ""))
                        }
                    case .error(let name, _, let traceback):
                        parts.append(fenced(name + ": " + traceback.joined(separator: "\n")))
                    }
                }
            }
        }
        return parts.joined(separator: "\n\n") + "\n"
    }

    static func fenced(_ text: String) -> String {
        "```\n" + (text.hasSuffix("\n") ? String(text.dropLast()) : text) + "\n```"
    }
}
