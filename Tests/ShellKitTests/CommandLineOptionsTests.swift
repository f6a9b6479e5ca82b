import Testing
import ShellKit

@Suite struct CommandLineOptionsTests {
    private func parse(_ words: String...) throws -> CommandLineOptions {
        try CommandLineOptions(parsing: ["prunelab"] + words)
    }

    @Test func scriptAndItsArgumentsEndTheOptions() throws {
        let o = try parse("-e", "x=1", "s.lua", "a", "-v")
        #expect(o.actions == [.execute("x=1")])
        #expect(o.script == .file("s.lua"))
        #expect(o.scriptIndex == 3)
        #expect(o.scriptArguments == ["a", "-v"])
        #expect(!o.showVersion)
        #expect(!o.runsDefaultInput)
    }

    @Test func optionsRunInOrderWithAttachedOrSeparateArguments() throws {
        let o = try parse("-lstring", "-e", "a", "-eb", "-l", "m=mod", "-W")
        #expect(o.actions == [.require(global: "string", module: "string"), .execute("a"), .execute("b"),
                              .require(global: "m", module: "mod"), .warningsOn])
        #expect(o.script == nil)
        #expect(o.scriptIndex == 8)
    }

    @Test func dashIsStandardInputButNotAfterDoubleDash() throws {
        let stdin = try parse("-", "x")
        #expect(stdin.script == .standardInput)
        #expect(stdin.scriptIndex == 1)
        #expect(stdin.scriptArguments == ["x"])
        let file = try parse("--", "-", "y")
        #expect(file.script == .file("-"))
        #expect(file.scriptIndex == 2)
        let none = try parse("--")
        #expect(none.script == nil)
        #expect(none.scriptIndex == 2)
        #expect(none.runsDefaultInput)
    }

    @Test func interactiveImpliesVersionAndNoDefaultInput() throws {
        let o = try parse("-i")
        #expect(o.interactive && o.showVersion)
        #expect(!o.runsDefaultInput)
        #expect(try parse().runsDefaultInput)
        #expect(try parse("-h").showHelp)
        #expect(try parse("--help").showHelp)
    }

    @Test func badOptionsAreUsageErrors() {
        #expect(throws: CommandLineOptions.UsageError(message: "unrecognized option '-x'")) { try parse("-x") }
        #expect(throws: CommandLineOptions.UsageError(message: "unrecognized option '-vx' (did you mean '-v'?)")) { try parse("-vx") }
        #expect(throws: CommandLineOptions.UsageError(message: "unrecognized option '--hlp' (did you mean '--help'?)")) { try parse("--hlp") }
        #expect(throws: CommandLineOptions.UsageError(message: "unrecognized option '--foo'")) { try parse("--foo") }
        #expect(throws: CommandLineOptions.UsageError(message: "'-e' needs argument")) { try parse("-e") }
        #expect(throws: CommandLineOptions.UsageError(message: "'-l' needs argument")) { try parse("-l", "-i") }
        #expect(throws: CommandLineOptions.UsageError(message: "'-l' expects mod or name=mod, got '=m'")) { try parse("-l=m") }
    }

    @Test func subcommandTableFindsAndListsAligned() {
        let table = SubcommandTable([
            Subcommand(name: "help", summary: "usage", usage: "u1") { _ in 0 },
            Subcommand(name: "svcca", summary: "similarity", usage: "u2") { $0.count == 2 ? 0 : 1 },
        ])
        #expect(table.find("svcca")?.run(["a", "b"]) == 0)
        #expect(table.find("svcca")?.run(["a"]) == 1)
        #expect(table.find("nope") == nil)
        #expect(table.listing == "  help   usage\n  svcca  similarity")
        #expect(CommandLineOptions.usage(subcommands: table).hasSuffix("\n  help   usage\n  svcca  similarity"))
    }
}
