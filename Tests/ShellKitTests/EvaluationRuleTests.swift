import Testing
import Bindings
import ShellKit

@Suite struct TopLevelLocalsTests {
    @Test func topLevelDeclarationsBecomeGlobalAssignments() {
        #expect(TopLevelLocals.rewrite("local x = 41") == "x = 41")
        #expect(TopLevelLocals.rewrite("local a, b = 1, 2") == "a, b = 1, 2")
        #expect(TopLevelLocals.rewrite("local x") == "x = nil")
        #expect(TopLevelLocals.rewrite("local a, b") == "a, b = nil")
        #expect(TopLevelLocals.rewrite("local n <const> = 3") == "n = 3")
        #expect(TopLevelLocals.rewrite("local n<const>= 3") == "n = 3")
        #expect(TopLevelLocals.rewrite("local function f() return 1 end") == "function f() return 1 end")
        #expect(TopLevelLocals.rewrite("local x = 1; local y = x") == "x = 1; y = x")
    }

    @Test func nestedDeclarationsAndCloseVariablesStayLocal() {
        let nested = "function f()\n  local t = 1\n  return t\nend\nlocal z = f()"
        #expect(TopLevelLocals.rewrite(nested) == "function f()\n  local t = 1\n  return t\nend\nz = f()")
        #expect(TopLevelLocals.rewrite("for i = 1, 2 do local k = i end local j = 0") == "for i = 1, 2 do local k = i end j = 0")
        #expect(TopLevelLocals.rewrite("if c then local a = 1 elseif d then local b = 2 else local e = 3 end")
                == "if c then local a = 1 elseif d then local b = 2 else local e = 3 end")
        #expect(TopLevelLocals.rewrite("repeat local r = 1 until r local s = 2") == "repeat local r = 1 until r s = 2")
        #expect(TopLevelLocals.rewrite("while w do local q = 1 end") == "while w do local q = 1 end")
        #expect(TopLevelLocals.rewrite("local h <close> = obj") == "local h <close> = obj")
        #expect(TopLevelLocals.rewrite("local f = function() local inner = 1 end")
                == "f = function() local inner = 1 end")
    }

    @Test func stringsAndCommentsAreSkipped() {
        #expect(TopLevelLocals.rewrite("s = 'local x = 1 end' local y = 2") == "s = 'local x = 1 end' y = 2")
        #expect(TopLevelLocals.rewrite("s = \"do \\\" end\" local y = 2") == "s = \"do \\\" end\" y = 2")
        #expect(TopLevelLocals.rewrite("s = [==[ function ]] ]==] local y = 2") == "s = [==[ function ]] ]==] y = 2")
        #expect(TopLevelLocals.rewrite("-- local a = 1\nlocal b = 2") == "-- local a = 1\nb = 2")
        #expect(TopLevelLocals.rewrite("--[[ do\nlocal a ]] local b = 2") == "--[[ do\nlocal a ]] b = 2")
        #expect(TopLevelLocals.rewrite("x = 1e-3 local y = 0x1p+4") == "x = 1e-3 y = 0x1p+4")
    }
}

@Suite struct EvaluationRuleTests {
    /// A compile check by a real Lua state.
    private func plan(_ chunk: String) throws -> EvaluationRule.Plan? {
        let session = try Session()
        return EvaluationRule.plan(chunk) { code in
            guard (try? session.runtime.load(code, chunkName: "=t")) != nil else { return false }
            session.lua.pop(1)
            return true
        }
    }

    @Test func expressionsStatementsAndLastExpressions() throws {
        #expect(try plan("x + 1") == .init(code: "return x + 1;", showsValues: true))
        #expect(try plan("x + 1;") == .init(code: "return x + 1;", showsValues: false))
        #expect(try plan("local x = 41") == .init(code: "x = 41", showsValues: false))
        #expect(try plan("local x = 41\nx + 1") == .init(code: "x = 41\nreturn x + 1;", showsValues: true))
        #expect(try plan("local x = 41\nx + 1;") == .init(code: "x = 41\nreturn x + 1;", showsValues: false))
        #expect(try plan("y = 1\nprint(\n  y)") == .init(code: "y = 1\nreturn print(\n  y);", showsValues: true))
        // A tail Lua reads as a continuation is not split off.
        #expect(try plan("y = 1\n-y") == .init(code: "y = 1\n-y", showsValues: false))
        #expect(try plan("print(1)\n{1, 2}") == .init(code: "return print(1)\n{1, 2};", showsValues: true))   // print(1){1, 2}
        // … and split off where Lua has no other reading.
        #expect(try plan("y = true\n\"text\"") == .init(code: "y = true\nreturn \"text\";", showsValues: true))
        #expect(try plan("x = 1\nprint(1)\n-y") == .init(code: "x = 1\nprint(1)\nreturn -y;", showsValues: true))
        #expect(try plan("for i = 1, 2 do\n  print(i)\nend") == .init(code: "for i = 1, 2 do\n  print(i)\nend", showsValues: false))
        #expect(try plan("function f()") == nil)
    }

    @Test func theShellKeepsTopLevelLocals() throws {
        let repl = ReplEvaluator(session: try Session())
        #expect(repl.submit("local x = 41") == .values([]))
        #expect(repl.submit("x + 1") == .values(["42"]))
        #expect(repl.submit("local function twice(a) return 2 * a end") == .values([]))
        #expect(repl.submit("twice(x)") == .values(["82"]))
        #expect(repl.submit("local n <const> = 5") == .values([]))
        #expect(repl.submit("n") == .values(["5"]))
        #expect(repl.completedChunks == ["local x = 41", "x + 1", "local function twice(a) return 2 * a end", "twice(x)",
                                         "local n <const> = 5", "n"])
    }
}

@Suite struct CellScriptTests {
    @Test func percentCellsParseAndRoundTrip() {
        let text = """
            #!/usr/bin/env prunelab
            -- %% [markdown]
            -- # Title
            --
            -- Text.

            -- %%
            local x = 41
            x + 1

            -- %% second cell
            print(x)
            """
        let cells = CellScript.parse(text)
        #expect(cells == [
            NotebookCell(kind: .markdown, source: "# Title\n\nText."),
            NotebookCell(kind: .code, source: "local x = 41\nx + 1"),
            NotebookCell(kind: .code, source: "print(x)"),
        ])
        #expect(CellScript.parse(CellScript.text(cells)) == cells)
        #expect(CellScript.parse("a = 1\n-- %%\nb = 2") == [NotebookCell(kind: .code, source: "a = 1"), NotebookCell(kind: .code, source: "b = 2")])
        #expect(CellScript.parse("-- %%%\nx") == [NotebookCell(kind: .code, source: "-- %%%\nx")])
    }

    @Test func notebookJSONRoundTripsCellsAndOutputs() throws {
        let notebook = Notebook(cells: [
            NotebookCell(kind: .markdown, source: "# T\nline"),
            NotebookCell(kind: .code, source: "print('a')\n1", outputs: [
                .stream(name: "stdout", text: "a\nb\n"),
                .executeResult(count: 1, MimeBundle([("text/plain", "1")])),
                .displayData(MimeBundle([("image/png", "iVBORw0KGgo="), ("text/plain", "<prunelab figure>")])),
                .error(name: "LuaError", value: "In[1]:1: boom", traceback: ["In[1]:1: boom", "stack traceback:"]),
            ], executionCount: 1),
        ])
        let text = NotebookFormat.text(notebook)
        #expect(text.contains("\"nbformat\": 4"))
        #expect(text.contains("\"text\": [\n      \"a\\n\",\n      \"b\\n\"\n     ]"))
        #expect(try NotebookFormat.parse(Array(text.utf8)) == notebook)
    }

    @Test func htmlEscapesTextAndInlinesImages() {
        let notebook = Notebook(cells: [
            NotebookCell(kind: .markdown, source: "# A <b> & **bold** `x<y`"),
            NotebookCell(kind: .code, source: "s = '<script>'", outputs: [
                .stream(name: "stdout", text: "<tag> & \"q\"\n"),
                .displayData(MimeBundle([("image/png", "AAAA"), ("text/plain", "fig")])),
            ], executionCount: 3),
        ])
        let html = NotebookHTML.text(notebook, title: "t")
        #expect(html.contains("<h1>A &lt;b&gt; &amp; <strong>bold</strong> <code>x&lt;y</code></h1>"))
        #expect(html.contains("s = &#39;&lt;script&gt;&#39;"))
        #expect(html.contains("&lt;tag&gt; &amp; &quot;q&quot;"))
        #expect(html.contains("<img alt=\"figure\" src=\"data:image/png;base64,AAAA\">"))
        #expect(!html.contains("<script"))
        #expect(html.contains("In [3]:"))
    }

    @Test func metaCommands() {
        #expect(MetaCommand.parse(":save s.lua") == .save("s.lua"))
        #expect(MetaCommand.parse("  :run  dir/a b.lua") == .run("dir/a b.lua"))
        #expect(MetaCommand.parse("::label::") == nil)
        #expect(MetaCommand.parse("x = 1") == nil)
        #expect(MetaCommand.parse(":save") == .invalid(":save: expected a file name"))
        if case .invalid(let message)? = MetaCommand.parse(":frob x") { #expect(message.hasPrefix("unknown command ':frob'")) } else { Issue.record("expected invalid") }
    }
}
