import Testing
@testable import Engine

/// The settings → measure rules shared by Lua's `sim` functions and `prunelab sim`.
@Suite struct SimilaritySettingsTests {
    func problem(_ settings: SimilaritySettings) -> EngineError.Detail? {
        do { _ = try settings.measure() } catch let e as EngineError { return e.detail } catch {}
        return nil
    }

    @Test func defaultsGiveThePapersMeasures() throws {
        #expect(try SimilaritySettings(family: .svcca).measure() == .svcca(.variance(0.99), epsilon: 1e-10))
        #expect(try SimilaritySettings(family: .cca).measure() == .cca(epsilon: 1e-10))
        #expect(try SimilaritySettings(family: .cka).measure() == .cka(.linear, debiased: false))
        var s = SimilaritySettings(family: .cka)
        s.sigma = 0.5
        #expect(try s.measure() == .cka(.rbf(sigma: 0.5), debiased: false))  // sigma alone means rbf
        s = SimilaritySettings(family: .svcca)
        s.energy = 0.9; s.epsilon = 1e-6; s.conv = .mean
        #expect(try s.measure() == .svcca(.energy(0.9), epsilon: 1e-6))
        #expect(s.convolution == .mean && SimilaritySettings(family: .cca).convolution == .flatten)
    }

    @Test func rulesAreStructuredProblems() {
        var s = SimilaritySettings(family: .cca)
        s.dims = 3
        #expect(problem(s) == .option(.notApplicable(option: "dims", to: "cca")))
        s = SimilaritySettings(family: .svcca)
        s.dims = 3; s.energy = 0.5
        #expect(problem(s) == .option(.exclusive(choices: ["dims", "variance", "energy"], given: ["dims", "energy"])))
        s = SimilaritySettings(family: .cka)
        s.kernel = "linear"; s.sigma = 1
        #expect(problem(s) == .option(.needsSetting(option: "sigma", setting: "kernel", value: "rbf", actual: "linear")))
        s = SimilaritySettings(family: .svcca)
        s.variance = 1.5
        #expect(problem(s) == .option(.invalidValue(option: "variance", expected: "a fraction in (0, 1]", given: "1.5")))
        s = SimilaritySettings(family: .cka)
        s.epsilon = 0.1
        #expect(problem(s) == .option(.notApplicable(option: "epsilon", to: "cka")))
    }

    @Test func eachFaceWordsTheSameProblem() {
        let exclusive = OptionProblem.exclusive(choices: ["dims", "variance", "energy"], given: ["dims", "energy"])
        #expect(exclusive.text(in: .lua) == "give one of the options dims, variance, energy, not dims and energy")
        #expect(exclusive.text(in: .commandLine) == "give one of --dims, --variance, --energy, not --dims and --energy")
        let sigma = OptionProblem.needsSetting(option: "sigma", setting: "kernel", value: "rbf", actual: "linear")
        #expect(sigma.text(in: .lua) == "option 'sigma' applies to kernel = \"rbf\", not \"linear\"")
        #expect(sigma.text(in: .commandLine) == "--sigma applies to --kernel rbf, not linear")
        let range = OptionProblem.invalidValue(option: "dims", expected: "an integer ≥ 1", given: "0")
        #expect(EngineError(.option(range)).message == "option 'dims': expected an integer ≥ 1, got 0")
        #expect(range.text(in: .commandLine) == "--dims: expected an integer ≥ 1, got 0")
    }

    @Test func keysListTheirFamilies() {
        #expect(SimilaritySettings.keys(for: .cca) == [.epsilon, .conv])
        #expect(SimilaritySettings.keys(for: .svcca) == [.dims, .variance, .energy, .epsilon, .conv])
        #expect(SimilaritySettings.keys(for: .cka) == [.kernel, .sigma, .debiased, .conv])
    }
}
