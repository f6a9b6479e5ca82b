import Testing
import Bindings
import Engine

/// One option spec gives a function's signature, help, known keys and type checks.
@Suite struct LuaOptionTests {
    static let options = [
        LuaOption("dims", .integer, shown: "k", "keep k directions"),
        LuaOption("variance", .number, shown: "f", alternative: true, "keep a fraction f"),
        LuaOption("conv", .choice(["flatten", "mean"]), default: "\"flatten\"", "4-D layout"),
    ]

    func error(_ runtime: Runtime, _ code: String) -> String {
        do { try runtime.run(code, chunkName: "=t") } catch let e as LuaCallError { return e.message } catch { return "\(error)" }
        return "(no error)"
    }

    @Test func signatureAndHelpComeFromTheSpec() {
        let spec = LuaFunctionSpec("f", "m.f(a [, {…}])", options: Self.options, at: 2, "Does f.") { _, _ in 0 }
        #expect(spec.signature == "m.f(a [, {dims = k | variance = f, conv = \"flatten\"}])")
        #expect(spec.doc == """
            Does f.

            Options:
              dims      an integer — keep k directions
              variance  a number — keep a fraction f
              conv      "flatten" | "mean", default "flatten" — 4-D layout
            """)
    }

    @Test func parsingChecksKeysAndTypes() throws {
        let runtime = try Runtime()
        let spec = LuaFunctionSpec("f", "m.f(a [, {…}])", options: Self.options, at: 2, "Does f.") { lua, o in
            lua.push(try o.integer("dims") ?? -1)
            return 1
        }
        runtime.lua.push(function: "m.f", spec.body)
        runtime.lua.setGlobal("f")
        try runtime.run("assert(f(1, {dims = 3}) == 3 and f(1) == -1)")
        #expect(error(runtime, "f(1, {dimz = 3})").contains("m.f: unknown option 'dimz' (known options: dims, variance, conv)"))
        #expect(error(runtime, "f(1, {conv = 'max'})").contains("m.f: option 'conv': expected one of \"flatten\", \"mean\", got string \"max\""))
        #expect(error(runtime, "f(1, {variance = 'x'})").contains("m.f: option 'variance': expected a number, got string \"x\""))
    }
}
