import Testing
import Bindings
import ShellKit

@Suite struct ReplEvaluatorTests {
    @Test func expressionsShowTheirValuesAndStatementsDoNot() throws {
        let repl = ReplEvaluator(session: try Session())
        #expect(repl.submit("1 + 1") == .values(["2"]))
        #expect(repl.submit("x = 21") == .values([]))
        #expect(repl.submit("x * 2, 'a', nil") == .values(["42", "a", "nil"]))
        #expect(repl.submit("x * 2;") == .values([]))
        #expect(repl.submit("0.5") == .values(["0.5"]))
        #expect(repl.submit("") == .values([]))
        #expect(repl.session.lua.top == 0)
    }

    @Test func incompleteChunksContinueUntilComplete() throws {
        let repl = ReplEvaluator(session: try Session())
        #expect(repl.submit("function f(a)") == .needsMore)
        #expect(repl.isContinuing)
        #expect(repl.submit("  return a * 2") == .needsMore)
        #expect(repl.submit("end") == .values([]))
        #expect(!repl.isContinuing)
        #expect(repl.lastChunk == "function f(a)\n  return a * 2\nend")
        #expect(repl.submit("f(") == .needsMore)
        #expect(repl.submit("4)") == .values(["8"]))
        #expect(repl.submit("s = [[a") == .needsMore)
        repl.discardPending()
        #expect(!repl.isContinuing)
        #expect(repl.submit("f(5)") == .values(["10"]))
    }

    @Test func errorsKeepTheSessionAndItsVariables() throws {
        let repl = ReplEvaluator(session: try Session())
        #expect(repl.submit("y = 7") == .values([]))
        #expect(repl.submit("x = = 1") == .failed("stdin:1: unexpected symbol near '='"))
        #expect(repl.submit("error('boom')") == .failed("""
            stdin:1: boom
            stack traceback:
            \t[C]: in function 'error'
            \tstdin:1: in main chunk
            """))
        #expect(repl.submit("y") == .values(["7"]))
        #expect(repl.session.lua.top == 0)
    }

    @Test func questionMarkIsHelp() {
        #expect(ReplEvaluator.rewritingHelp("?") == "help()")
        #expect(ReplEvaluator.rewritingHelp("  ? tensor.zeros ") == "help(tensor.zeros, \"tensor.zeros\")")
        #expect(ReplEvaluator.rewritingHelp("?t:sum") == "help(t.sum, \"t.sum\")")
        #expect(ReplEvaluator.rewritingHelp("?undefined_name") == "help(undefined_name, \"undefined_name\")")
        #expect(ReplEvaluator.rewritingHelp("?m.layers[1]") == "help(m.layers[1])")
        #expect(ReplEvaluator.rewritingHelp("?f(x):y") == "help(f(x):y)")
        #expect(ReplEvaluator.rewritingHelp("x = 1") == nil)
    }

    @Test func tracebacksLoseOnlyTheShellsFrames() {
        #expect(ReplEvaluator.trimmingReplFrames("stdin:1: interrupted!\nstack traceback:\n\t[C]: in ?") == "stdin:1: interrupted!")
        #expect(ReplEvaluator.trimmingReplFrames("m\nstack traceback:\n\tstdin:1: in main chunk\n\t[C]: in ?")
                == "m\nstack traceback:\n\tstdin:1: in main chunk")
        #expect(ReplEvaluator.isIncomplete("stdin:1: 'end' expected near <eof>"))
        #expect(!ReplEvaluator.isIncomplete("stdin:1: unfinished string near '\"abc'"))
    }
}
