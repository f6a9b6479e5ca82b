import Testing
import Bindings
import ShellKit

@Suite struct TablePreviewTests {
    /// Runs `code` (an expression) and renders its value as the shell would.
    private func show(_ code: String) throws -> String {
        let session = try Session()
        try session.runtime.load("return " + code, chunkName: "=t")
        try session.call(arguments: 0, results: 1)
        defer { session.lua.pop(1) }
        return ValueRenderer.render(session.lua, -1)
    }

    @Test func sequencesRecordsAndNesting() throws {
        #expect(try show("{}") == "{}")
        #expect(try show("{1, 2, 3}") == "{1, 2, 3}")
        #expect(try show("{b = 'x', a = 1, [2.5] = true, [-1] = 0}") == "{[-1] = 0, [2.5] = true, a = 1, b = \"x\"}")
        #expect(try show("{10, 20, n = 2}") == "{10, 20, n = 2}")
        #expect(try show("{{1, 2}, {3, {4, {5}}}}") == "{{1, 2}, {3, {4, {…}}}}")
        #expect(try show("{['a b'] = 1, ['end'] = 2, [true] = 3}") == "{[\"a b\"] = 1, [\"end\"] = 2, [true] = 3}")
        #expect(try show("{'a\\n\"b'}") == "{\"a\\n\\\"b\"}")
        #expect(try show("{1.0, 2^53, 0.1}") == "{1.0, 9.007199254741e+15, 0.1}")
    }

    @Test func largeTablesAreBounded() throws {
        let big = try show("(function() local t = {} for i = 1, 100 do t[i] = i end t.z = 1 return t end)()")
        #expect(big == "{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, … (101 entries)}")
        let keys = try show("(function() local t = {} for i = 1, 26 do t[string.char(96 + i)] = i end return t end)()")
        #expect(keys == "{a = 1, b = 2, c = 3, d = 4, e = 5, f = 6, g = 7, h = 8, i = 9, j = 10, … (26 entries)}")
        #expect(try show("{{1, 2, 3, 4, 5, 6, 7}}") == "{{1, 2, 3, 4, 5, …}}")
        #expect(try show("{string.rep('x', 50)}") == "{\"" + String(repeating: "x", count: 40) + "…\"}")
    }

    @Test func previewsNeverRunMetamethodsButHonourToString() throws {
        // __index and __pairs would error if called; the preview reads raw entries only.
        #expect(try show("setmetatable({1}, {__index = function() error('no') end, __pairs = function() error('no') end})") == "{1}")
        #expect(try show("setmetatable({}, {__tostring = function() return 'custom' end})") == "custom")
        #expect(try show("{tensor.zeros(2, 3)}").hasPrefix("{<tensor"))
        #expect(try show("'plain'") == "plain")
        #expect(try show("{print}") == "{<function>}")
        #expect(try show("(function() local t = {1}; t.self = t; t.sub = {up = t} return t end)()")
                == "{1, self = <cycle>, sub = {up = <cycle>}}")
    }
}
