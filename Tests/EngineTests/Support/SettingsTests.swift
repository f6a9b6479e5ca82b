import Testing
@testable import Engine

/// ``Settings``: defaults, parsing of each kind of value, values that are ignored (and why),
/// the kernel level the settings allow, and the table `sys.settings()` shows.
@Suite struct SettingsTests {
    @Test func defaults() {
        let s = Settings()
        #expect(s.convolutionChunk == 1 << 20)
        #expect(s.winogradBudget == 1 << 17)
        #expect(s.convolutionRoutes == .measured)
        #expect(s.winograd == nil)
        #expect(s.directMinimumWork == nil)
        #expect(s.skipsPaddingTaps)
        #expect(s.blasCore == "auto")
        #expect(s.openBLASCoreType == nil)
        #expect(!s.disablesAVX512 && !s.disablesAVX2)
        #expect(Settings.Key.allCases.allSatisfy { s.source($0) == .default && s.problem($0) == nil })
    }

    @Test func parsedValues() {
        #expect(Settings(environment: [.convolutionChunk: "4096"]).convolutionChunk == 4096)
        #expect(Settings(environment: [.winogradBudget: "1000"]).winogradBudget == 1000)
        #expect(Settings(environment: [.convolution: "im2col"]).convolutionRoutes == .im2col)
        #expect(Settings(environment: [.convolution: "flat"]).convolutionRoutes == .flat)
        #expect(Settings(environment: [.convolution: "channels"]).convolutionRoutes == .channels)
        #expect(Settings(environment: [.winograd: "off"]).winograd == false)
        #expect(Settings(environment: [.winograd: "0"]).winograd == false)
        #expect(Settings(environment: [.winograd: "on"]).winograd == true)
        #expect(Settings(environment: [.directMinimumWork: "-5"]).directMinimumWork == -5)
        // Any value of PRUNELAB_NO_TAPSKIP, even empty, turns tap skipping off (as before).
        #expect(!Settings(environment: [.noTapSkip: ""]).skipsPaddingTaps)
        #expect(Settings(environment: [.noAVX512: "1"]).disablesAVX512)
        #expect(Settings(environment: [.columns: "80"]).columns() == 80)
        #expect(Settings(environment: [.columns: "19"]).columns() == nil)
        #expect(Settings(environment: [.columns: "20000"]).columns(maximum: 10_000) == nil)
        let s = Settings(environment: [.figureDirectory: "", .home: "/h"])
        #expect(s[.figureDirectory] == "" && s.nonEmpty(.figureDirectory) == nil && s.nonEmpty(.home) == "/h")
        #expect(s.source(.home) == .environment && s.source(.path) == .default)
    }

    @Test func ignoredValuesSayWhy() {
        for (key, value) in [(Settings.Key.convolutionChunk, "0"), (.convolutionChunk, "abc"), (.winogradBudget, "-1"),
                             (.winograd, "2"), (.convolution, "fast"), (.noAVX512, "yes"), (.directMinimumWork, "x")] {
            let s = Settings(environment: [key: value])
            #expect(s.problem(key) != nil, "\(key.name)=\(value)")
            #expect(s.source(key) == .environment)
        }
        #expect(Settings(environment: [.convolutionChunk: "0"]).convolutionChunk == 1 << 20)
        #expect(Settings(environment: [.winograd: "2"]).winograd == nil)
        #expect(Settings(environment: [.convolution: "fast"]).convolutionRoutes == .measured)
        #expect(Settings(environment: [.noAVX512: "yes"]).disablesAVX512 == false, "only 1 turns the kernels off")
        #expect(Settings(environment: [.directMinimumWork: "x"]).directMinimumWork == nil)
        #expect(Settings(environment: [.convolutionChunk: "8"]).problem(.convolutionChunk) == nil)
    }

    @Test func kernelLevel() {
        let avx512: Set<Substring> = ["avx2", "fma", "avx512f", "avx512dq", "avx512vl"]
        #expect(CPUFeatures.level(flags: avx512, settings: Settings()) == .avx512)
        #expect(CPUFeatures.level(flags: avx512, settings: Settings(environment: [.noAVX512: "1"])) == .avx2)
        #expect(CPUFeatures.level(flags: avx512, settings: Settings(environment: [.noAVX2: "1"])) == .baseline)
        #expect(CPUFeatures.level(flags: avx512, settings: Settings(environment: [.noAVX512: "0"])) == .avx512)
        #expect(CPUFeatures.level(flags: ["avx2", "fma"], settings: Settings()) == .avx2)
        #expect(CPUFeatures.level(flags: ["sse2"], settings: Settings()) == .baseline)
    }

    @Test func table() throws {
        let t = try Settings(environment: [.convolution: "flat", .convolutionChunk: "abc"]).table()
        #expect(t.columns == ["name", "value", "from", "meaning", "problem"])
        #expect(t.rows.count == Settings.Key.allCases.count)
        let conv = try #require(t.rows.first { $0[0] == .string("PRUNELAB_CONV") })
        #expect(conv[1] == .string("flat") && conv[2] == .string("environment") && conv[4] == .missing)
        let chunk = try #require(t.rows.first { $0[0] == .string("PRUNELAB_CONV_CHUNK") })
        #expect(chunk[1] == .string("abc") && chunk[4] == .string("not a positive integer: the default applies"))
        let budget = try #require(t.rows.first { $0[0] == .string("PRUNELAB_WINOGRAD_BUDGET") })
        #expect(budget[1] == .string("131072") && budget[2] == .string("default"))
    }
}
