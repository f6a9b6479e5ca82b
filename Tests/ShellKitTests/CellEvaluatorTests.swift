import Testing
import Bindings
import ShellKit

@Suite(.serialized) struct CellEvaluatorTests {
    /// Runs `cells` in one session; the outputs of each.
    private func outputs(_ cells: [String]) throws -> [[CellOutput]] {
        let evaluator = try CellEvaluator(session: try Session())
        return cells.map { cell in
            var out: [CellOutput] = []
            evaluator.onOutput = { out.append($0) }
            evaluator.execute(cell)
            return out
        }
    }

    @Test func streamsValuesAndKeptLocals() throws {
        let result = try outputs(["local x = 41\nprint('a', 1)\nio.write('b', 2)\nx + 1", "x * 2;", "io.stderr:write('e')\nx, 's'", "?tensor.zeros"])
        #expect(result[0] == [.stream(name: "stdout", text: "a\t1\n"), .stream(name: "stdout", text: "b2"),
                              .executeResult(count: 1, MimeBundle([("text/plain", "42")]))])
        #expect(result[1] == [])
        #expect(result[2] == [.stream(name: "stderr", text: "e"), .executeResult(count: 3, MimeBundle([("text/plain", "41\ts")]))])
        guard case .stream("stdout", let help)? = result[3].first else { Issue.record("no help text"); return }
        #expect(help.hasPrefix("tensor.zeros("))
    }

    @Test func errorsHaveNameMessageAndTraceback() throws {
        let result = try outputs(["local function f() error('boom') end\nf()", "x = = 1", "while true do break end\n'alive'"])
        guard case .error(let name, let value, let traceback)? = result[0].last else { Issue.record("no error"); return }
        #expect(name == "LuaError")
        #expect(value == "In[1]:1: boom")
        #expect(traceback.first == "In[1]:1: boom" && traceback.contains("stack traceback:"))
        #expect(result[1] == [.error(name: "SyntaxError", value: "In[2]:1: unexpected symbol near '='", traceback: ["In[2]:1: unexpected symbol near '='"])])
        #expect(result[2] == [.executeResult(count: 3, MimeBundle([("text/plain", "alive")]))])
    }

    @Test func figuresAndTablesAreRichDisplayData() throws {
        let result = try outputs(["plot.bar({'a', 'b'}, {1, 2}):show();", "report.table({{k = 'a<b', v = 1}}, {columns = {'k', 'v'}})"])
        guard case .displayData(let figure)? = result[0].first else { Issue.record("no display data"); return }
        #expect(result[0].count == 1)
        #expect(figure["image/png"]?.hasPrefix("iVBORw0KGgo") == true)   // base64 of the PNG signature
        #expect(figure["image/svg+xml"]?.contains("<svg") == true)
        guard case .executeResult(2, let table)? = result[1].first else { Issue.record("no table"); return }
        #expect(table.entries.map(\.type) == ["text/html", "text/markdown", "text/plain"])
        #expect(table["text/html"]?.contains("<td>a&lt;b</td>") == true)
        #expect(table["text/markdown"]?.hasPrefix("| k ") == true)
    }

    @Test func theRunnerStopsAtTheFirstFailureUnlessTold() throws {
        let notebook = Notebook(cells: [
            NotebookCell(kind: .markdown, source: "# t"),
            NotebookCell(kind: .code, source: "print('one')\nprint('two')"),
            NotebookCell(kind: .code, source: "error('stop')"),
            NotebookCell(kind: .code, source: "3"),
        ])
        let (stopped, failures) = try NotebookRunner(session: try Session()).run(notebook)
        #expect(failures == 1)
        #expect(stopped.cells[1].outputs == [.stream(name: "stdout", text: "one\ntwo\n")])   // merged
        #expect(stopped.cells[1].executionCount == 1 && stopped.cells[2].executionCount == 2)
        #expect(stopped.cells[3].outputs == [] && stopped.cells[3].executionCount == nil)
        let (went, _) = try NotebookRunner(session: try Session(), continueOnError: true).run(notebook)
        #expect(went.cells[3].outputs == [.executeResult(count: 3, MimeBundle([("text/plain", "3")]))])
    }
}
