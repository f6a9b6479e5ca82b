import Testing
import Bindings
import ShellKit

@Suite struct CompletionTests {
    private func session(_ setup: String = "") throws -> Session {
        let session = try Session()
        if !setup.isEmpty { try session.execute(setup, chunkName: "=setup") }
        return session
    }

    @Test func globalsAndKeywords() throws {
        let s = try session("tensile = 1")
        #expect(Completion.candidates(for: "tens", in: s.lua) == ["tensile", "tensor"])
        #expect(Completion.candidates(for: "whi", in: s.lua) == ["while"])
        #expect(Completion.candidates(for: "fun", in: s.lua) == ["function"])
        #expect(Completion.candidates(for: "zzz", in: s.lua) == [])
        #expect(s.lua.top == 0)
    }

    @Test func moduleFieldsAndNestedTables() throws {
        let s = try session("cfg = {model = {depth = 3, width = 4}, ['not a name'] = 1}")
        #expect(Completion.candidates(for: "tensor.zer", in: s.lua) == ["tensor.zero", "tensor.zeros"])
        #expect(Completion.candidates(for: "string.up", in: s.lua) == ["string.upper"])
        #expect(Completion.candidates(for: "cfg.", in: s.lua) == ["cfg.model"])
        #expect(Completion.candidates(for: "cfg.model.", in: s.lua) == ["cfg.model.depth", "cfg.model.width"])
        #expect(Completion.candidates(for: "cfg.nothing.", in: s.lua) == [])
        #expect(Completion.candidates(for: "cfg..x", in: s.lua) == [])
        #expect(Completion.candidates(for: "f().x", in: s.lua) == [])
        #expect(s.lua.top == 0)
    }

    @Test func methodsOfObjectsFollowTheirMetatable() throws {
        let s = try session("t = tensor.zeros(2); str = 'abc'")
        #expect(Completion.candidates(for: "t:nu", in: s.lua) == ["t:numel"])
        #expect(Completion.candidates(for: "t.nu", in: s.lua) == ["t.numel"])
        #expect(Completion.candidates(for: "t:sh", in: s.lua) == ["t:shape"])
        #expect(Completion.candidates(for: "str:up", in: s.lua) == ["str:upper"])
        #expect(Completion.candidates(for: "t:numel.", in: s.lua) == [])
        #expect(s.lua.top == 0)
    }

    @Test func indexTablesAreFollowedAndColonOffersOnlyFunctions() throws {
        let s = try session("""
            Base = {greet = function() end, kind = 'base'}
            Base.__index = Base
            Derived = setmetatable({shout = function() end}, Base)
            Derived.__index = Derived
            obj = setmetatable({name = 'x'}, Derived)
            """)
        #expect(Completion.candidates(for: "obj.", in: s.lua) == ["obj.greet", "obj.kind", "obj.name", "obj.shout"])
        #expect(Completion.candidates(for: "obj:", in: s.lua) == ["obj:greet", "obj:shout"])
        #expect(Completion.candidates(for: "obj.__", in: s.lua) == ["obj.__index"])
        #expect(s.lua.top == 0)
    }

    @Test func neverRunsMetamethods() throws {
        let s = try session("""
            calls = 0
            trap = setmetatable({}, {__index = function() calls = calls + 1; error('no') end})
            loop = {}; setmetatable(loop, {__index = loop})
            """)
        #expect(Completion.candidates(for: "trap.x.", in: s.lua) == [])
        #expect(Completion.candidates(for: "trap.", in: s.lua) == [])
        #expect(Completion.candidates(for: "loop.a.", in: s.lua) == [])
        #expect(Completion.candidates(for: "loop.", in: s.lua) == [])
        try s.execute("assert(calls == 0)", chunkName: "=check")
        #expect(s.lua.top == 0)
    }

    @Test func commonPrefixOfMatches() {
        #expect(Completion.commonPrefix(["tensor.zeros", "tensor.zeros_like"]) == "tensor.zeros")
        #expect(Completion.commonPrefix(["abc", "abd"]) == "ab")
        #expect(Completion.commonPrefix([]) == "")
    }
}
