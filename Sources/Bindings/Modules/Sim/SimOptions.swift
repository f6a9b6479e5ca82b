import Engine

/// The `sim` functions' options: Engine's ``SimilaritySettings`` keys as Lua options (one spec
/// per key, so every function's signature, help and checks agree), read into settings whose
/// rules (which options belong to which measure, exclusions, ranges) Engine owns.
enum SimOptions {
    typealias Key = SimilaritySettings.Key

    /// The Lua option for a settings key.
    static func option(_ key: Key) -> LuaOption {
        switch key {
        case .measure: LuaOption("measure", .choice(SimilaritySettings.Family.allCases.map(\.rawValue)), default: "\"svcca\"", "the measure")
        case .dims: LuaOption("dims", .integer, shown: "k", "SVCCA: keep k principal directions (give one of dims, variance, energy)")
        case .variance: LuaOption("variance", .number, shown: "f", alternative: true, "SVCCA: keep the directions explaining a fraction f of the variance (default 0.99)")
        case .energy: LuaOption("energy", .number, shown: "f", alternative: true, "SVCCA: the same with plain singular values (Google's tutorial convention)")
        case .epsilon: LuaOption("epsilon", .number, default: "1e-10", "CCA threshold and regulariser, relative to the largest variance")
        case .kernel: LuaOption("kernel", .choice(["linear", "rbf"]), default: "\"linear\"", "CKA's kernel")
        case .sigma: LuaOption("sigma", .number, default: "1", "CKA: RBF bandwidth as a fraction of the median distance (sigma alone means rbf)")
        case .debiased: LuaOption("debiased", .boolean, default: "false", "CKA: the unbiased HSIC estimator")
        case .conv: LuaOption("conv", .choice(ConvolutionLayout.allCases.map(\.rawValue)), default: "\"flatten\"",
                              "4-D inputs: flatten (C × N·H·W) or mean (C × N)")
        }
    }

    /// The options of the function for `family` (sim.cca, sim.svcca, …); `conv: false` leaves
    /// `conv` out (the accumulator's methods).
    static func options(for family: SimilaritySettings.Family, conv: Bool = true) -> [LuaOption] {
        SimilaritySettings.keys(for: family).filter { conv || $0 != .conv }.map(option)
    }

    /// Every setting, `measure` first (sim.matrix, the model comparisons).
    static let allOptions: [LuaOption] = Key.allCases.map(option)

    /// The settings in the options table: `family` fixed, or (nil) from the `measure` option
    /// (default svcca).
    static func settings(_ o: Options, family: SimilaritySettings.Family? = nil) throws -> SimilaritySettings {
        var s = SimilaritySettings(family: try family ?? o.choice("measure", SimilaritySettings.Family.allCases.map(\.rawValue))
            .flatMap(SimilaritySettings.Family.init(rawValue:)) ?? .svcca)
        s.dims = try o.integer("dims")
        s.variance = try o.number("variance")
        s.energy = try o.number("energy")
        s.epsilon = try o.number("epsilon")
        s.kernel = try o.choice("kernel", ["linear", "rbf"])
        s.sigma = try o.number("sigma")
        s.debiased = try o.boolean("debiased")
        s.conv = try o.choice("conv", ConvolutionLayout.allCases.map(\.rawValue)).flatMap(ConvolutionLayout.init(rawValue:))
        return s
    }
}

extension Lua {
    /// The tensor at `index` as layer activations, named for messages "argument 1 (a)".
    func layerActivations(_ index: Int32, _ name: String, conv: ConvolutionLayout) throws -> LayerActivations {
        let t = try check(index, Tensor.self, name)
        return try LayerActivations(t, conv: conv, name: "argument \(index) (\(name))")
    }
}
