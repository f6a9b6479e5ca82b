import Engine

/// Reading the options of the `sim` functions into an Engine ``SimilarityMeasure``.
enum SimOptions {
    static let ccaKeys = ["epsilon", "conv"]
    static let svccaKeys = ["dims", "variance", "energy", "epsilon", "conv"]
    static let ckaKeys = ["kernel", "sigma", "debiased", "conv"]
    static let matrixKeys = ["measure", "dims", "variance", "energy", "epsilon", "kernel", "sigma", "debiased", "conv"]
    static let families = ["cca", "svcca", "pwcca", "cka"]

    /// The measure of `family` from `options` (keys already checked against the family's list).
    static func measure(_ family: String, _ options: Options, lua: Lua) throws -> SimilarityMeasure {
        let measure: SimilarityMeasure
        switch family {
        case "cca": measure = .cca(epsilon: try epsilon(options))
        case "pwcca": measure = .pwcca(epsilon: try epsilon(options))
        case "svcca": measure = .svcca(try reduction(options, lua: lua), epsilon: try epsilon(options))
        default: measure = try cka(options, lua: lua)
        }
        try measure.validate()
        return measure
    }

    /// Rejects options that do not belong to `family` (sim.matrix and the accumulator accept
    /// the union of keys).
    static func checkApplicable(_ family: String, _ options: Options, lua: Lua) throws {
        let own: [String]
        switch family {
        case "cca", "pwcca": own = ccaKeys
        case "svcca": own = svccaKeys
        default: own = ckaKeys
        }
        for key in matrixKeys where key != "measure" && !own.contains(key) && options.has(key) {
            throw lua.error("option '\(key)' does not apply to \(family)")
        }
    }

    static func epsilon(_ o: Options) throws -> Double {
        try o.number("epsilon") ?? SimilarityMeasure.defaultEpsilon
    }

    /// Exactly one of dims / variance / energy (none: variance = 0.99).
    static func reduction(_ o: Options, lua: Lua) throws -> SVCCAReduction {
        let given = ["dims", "variance", "energy"].filter { o.has($0) }
        if given.count > 1 {
            throw lua.error("give one of the options dims, variance, energy, not \(given.joined(separator: " and "))")
        }
        if let k = try o.integer("dims") { return .dims(k) }
        if let f = try o.number("variance") { return .variance(f) }
        if let f = try o.number("energy") { return .energy(f) }
        return .standard
    }

    static func cka(_ o: Options, lua: Lua) throws -> SimilarityMeasure {
        let kernelName = try o.choice("kernel", ["linear", "rbf"])
        let sigma = try o.number("sigma")
        let debiased = try o.boolean("debiased") ?? false
        if kernelName == "linear", sigma != nil {
            throw lua.error("option 'sigma' applies to kernel = \"rbf\", not \"linear\"")
        }
        // sigma alone means the RBF kernel; its default fraction is 1 (Kornblith's gram_rbf).
        if kernelName == "rbf" || sigma != nil {
            return .cka(.rbf(sigma: sigma ?? 1), debiased: debiased)
        }
        return .cka(.linear, debiased: debiased)
    }

    static func conv(_ o: Options) throws -> ConvolutionLayout {
        guard let name = try o.choice("conv", ConvolutionLayout.allCases.map(\.rawValue)) else { return .flatten }
        return ConvolutionLayout(rawValue: name) ?? .flatten
    }
}

extension Lua {
    /// The tensor at `index` as layer activations, named for messages "argument 1 (a)".
    func layerActivations(_ index: Int32, _ name: String, conv: ConvolutionLayout) throws -> LayerActivations {
        let t = try check(index, Tensor.self, name)
        return try LayerActivations(t, conv: conv, name: "argument \(index) (\(name))")
    }
}
