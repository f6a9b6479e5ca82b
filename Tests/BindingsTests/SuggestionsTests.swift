import Testing
@testable import Bindings

/// "Did you mean" distances and help wrapping, on hand-checked cases.
struct SuggestionsTests {
    @Test func distances() {
        #expect(Suggestions.distance("svca", "svcca") == 1)          // one deletion
        #expect(Suggestions.distance("kitten", "sitting") == 3)      // the textbook Levenshtein case
        #expect(Suggestions.distance("comapre", "compare") == 1)     // one adjacent swap
        #expect(Suggestions.distance("", "abc") == 3)
        #expect(Suggestions.distance("SIM", "sim") == 0)             // case-insensitive
    }

    @Test func closestNames() {
        #expect(Suggestions.closest(to: "svca", in: ["sim", "svcca", "compare", "help"]) == ["svcca"])
        #expect(Suggestions.closest(to: "--dim", in: ["--dims", "--debiased", "--json"]) == ["--dims"])
        #expect(Suggestions.closest(to: "xyzzy", in: ["sim", "svcca"]).isEmpty)
        #expect(Suggestions.phrase(for: "tensr", in: ["tensor", "train"]) == " (did you mean 'tensor'?)")
        #expect(Suggestions.phrase(for: "qq", in: ["tensor"]) == "")
        #expect(Suggestions.closest(to: "-x", in: ["-e", "-W", "--"]).isEmpty)   // too short to guess
    }

    @Test func wrapping() {
        #expect(Help.wrap("aaa bbb ccc ddd", width: 8) == "aaa bbb\nccc ddd")
        #expect(Help.wrap("  name  one two three four", width: 16) == "  name  one two\n        three\n        four")
        #expect(Help.wrap("short\n\nlines stay", width: 40) == "short\n\nlines stay")
    }
}
