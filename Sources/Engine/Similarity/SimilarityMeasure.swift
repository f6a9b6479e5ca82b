/// A similarity measure between two layers with its parameters: the one value that says what a
/// number means. Compute it on full activation matrices with ``compute(_:_:)`` or on streamed
/// statistics with ``compute(from:)``.
public enum SimilarityMeasure: Sendable, Equatable {
    /// Mean canonical correlation (SIMILARITY.md "CCA"; Raghu et al. 2017's reference semantics).
    case cca(epsilon: Double)
    /// SVCCA (Raghu et al. 2017): CCA after reducing each layer to its top-k principal directions.
    case svcca(SVCCAReduction, epsilon: Double)
    /// Projection-weighted CCA (Morcos et al. 2018), with the canonical directions' signs fixed
    /// (``ProjectionWeightedCCA/signConvention``).
    case pwcca(epsilon: Double)
    /// Centred kernel alignment (Kornblith et al. 2019), optionally with the debiased HSIC.
    case cka(CKAKernel, debiased: Bool)

    /// CCA's default threshold and regulariser (relative to the largest neuron variance).
    public static let defaultEpsilon = 1e-10

    /// Throws unless every parameter is in range.
    public func validate() throws {
        switch self {
        case .cca(let e), .pwcca(let e), .svcca(_, let e):
            guard e >= 0, e < 1 else {
                throw EngineError(.option(.invalidValue(option: "epsilon", expected: "a number in [0, 1)", given: "\(e)")))
            }
            if case .svcca(let reduction, _) = self { try reduction.validate() }
        case .cka(.rbf(let sigma), _):
            guard sigma > 0, sigma.isFinite else {
                throw EngineError(.option(.invalidValue(option: "sigma", expected: "a positive fraction of the median distance", given: "\(sigma)")))
            }
        case .cka(.linear, _):
            break
        }
    }

    /// The measure's name with its defining parameters: "cca", "svcca(variance=0.99)",
    /// "pwcca", "cka(linear)", "cka(rbf, sigma=0.5, debiased)". A non-default ε is shown too.
    public var name: String {
        func eps(_ e: Double) -> String? { e == Self.defaultEpsilon ? nil : "epsilon=\(SimilarityFormat.number(e))" }
        func join(_ base: String, _ parts: [String?]) -> String {
            let p = parts.compactMap { $0 }
            return p.isEmpty ? base : "\(base)(\(p.joined(separator: ", ")))"
        }
        switch self {
        case .cca(let e): return join("cca", [eps(e)])
        case .svcca(let r, let e): return join("svcca", [r.description, eps(e)])
        case .pwcca(let e): return join("pwcca", [eps(e)])
        case .cka(let kernel, let debiased):
            let k: String
            switch kernel {
            case .linear: k = "linear"
            case .rbf(let sigma): k = "rbf, sigma=\(SimilarityFormat.number(sigma))"
            }
            return join("cka", [k, debiased ? "debiased" : nil])
        }
    }

    /// The family name: "cca", "svcca", "pwcca" or "cka".
    public var family: String {
        switch self {
        case .cca: "cca"
        case .svcca: "svcca"
        case .pwcca: "pwcca"
        case .cka: "cka"
        }
    }

    /// Every parameter, for machine-readable output (JSON `params`). PWCCA also names its sign
    /// convention (`signs`: ``ProjectionWeightedCCA/signConvention``), which decides its value on
    /// uncentred activations.
    public var parameters: [(name: String, value: SimilarityParameter)] {
        switch self {
        case .cca(let e):
            return [("epsilon", .number(e))]
        case .pwcca(let e):
            return [("epsilon", .number(e)), ("signs", .text(ProjectionWeightedCCA.signConvention))]
        case .svcca(let r, let e):
            return [(r.optionName, .number(r.parameter)), ("epsilon", .number(e))]
        case .cka(let kernel, let debiased):
            switch kernel {
            case .linear: return [("kernel", .text("linear")), ("debiased", .flag(debiased))]
            case .rbf(let s): return [("kernel", .text("rbf")), ("sigma", .number(s)), ("debiased", .flag(debiased))]
            }
        }
    }

    /// Whether the measure runs CCA (and so is biased upwards with few datapoints).
    var usesCCA: Bool {
        if case .cka = self { return false }
        return true
    }

    // MARK: computing

    /// The measure on two full activation matrices (neurons × datapoints).
    ///
    /// Errors: different datapoint counts; fewer datapoints than neurons (the input is probably
    /// transposed); fewer than 2 datapoints; NaN or infinite entries; empty inputs (when the
    /// ``LayerActivations`` are made). Warns (``SimilarityResult/warnings``) when there are fewer
    /// than 5 datapoints per neuron.
    public func compute(_ a: LayerActivations, _ b: LayerActivations) throws -> SimilarityResult {
        try validate()
        for layer in [a, b] where layer.datapoints < layer.neurons {
            throw EngineError(.probablyTransposed(name: layer.name, neurons: layer.neurons, datapoints: layer.datapoints, shape: layer.shapeDescription))
        }
        guard a.datapoints == b.datapoints else {
            throw EngineError("the inputs have different numbers of datapoints: \(a.name) has \(a.datapoints) (shape \(a.shapeDescription)), \(b.name) has \(b.datapoints) (shape \(b.shapeDescription))")
        }
        guard a.datapoints >= 2 else {
            throw EngineError("similarity needs at least 2 datapoints, got \(a.datapoints)")
        }
        let statistics = try JointStatistics(a, b)
        try Cancellation.check()
        var result = try finish(statistics, data: (a, b), names: (a.name, b.name))
        result.convolution = a.convolution ?? b.convolution
        return result
    }

    /// The measure from streamed statistics. CCA, SVCCA, PWCCA and linear CKA are available;
    /// RBF and debiased CKA need the full data and throw.
    public func compute(from accumulator: CovarianceAccumulator) throws -> SimilarityResult {
        try validate()
        if case .cka(let kernel, let debiased) = self, kernel != .linear || debiased {
            throw EngineError("\(name) needs the full activations; an accumulator supports linear CKA only")
        }
        let statistics = try accumulator.statistics()
        let n = max(statistics.neurons1, statistics.neurons2)
        if statistics.count < n {
            throw EngineError("the accumulator has only \(statistics.count) datapoints for \(n) neurons: \(family) needs at least as many datapoints as neurons")
        }
        var result = try finish(statistics, data: nil)
        result.convolution = accumulator.convolution
        return result
    }

    /// The measure from precomputed statistics (CCA, SVCCA, PWCCA, linear CKA).
    public func compute(from statistics: JointStatistics) throws -> SimilarityResult {
        try validate()
        if case .cka(let kernel, let debiased) = self, kernel != .linear || debiased {
            throw EngineError("\(name) needs the full activations, not just their covariance")
        }
        return try finish(statistics, data: nil)
    }

    private func finish(_ s: JointStatistics, data: (LayerActivations, LayerActivations)?,
                        names: (String, String) = ("the first layer", "the second layer")) throws -> SimilarityResult {
        var warnings: [String] = []
        let m = s.count, n = max(s.neurons1, s.neurons2)
        if m < 5 * n {
            let effect = usesCCA
                ? "CCA coefficients are biased towards 1 (with n1 + n2 > m − 1 some are exactly 1)"
                : "CKA is biased upwards (debiased = true corrects it)"
            warnings.append("only \(m) datapoints for \(n) neurons (fewer than 5 per neuron): \(effect); use more datapoints")
        }
        var result = SimilarityResult(measure: self, value: 0, datapoints: m, neurons1: s.neurons1, neurons2: s.neurons2, warnings: warnings)

        switch self {
        case .cca(let epsilon):
            let cca = try CanonicalCorrelation(s, epsilon: epsilon)
            result.value = cca.mean
            result.rho = cca.rho
            result.kept1 = cca.kept1.count; result.kept2 = cca.kept2.count
            result.k1 = cca.kept1.count; result.k2 = cca.kept2.count
            result.thresholdMean = cca.thresholdMean()
        case .svcca(let reduction, let epsilon):
            let svcca = try SingularVectorCCA(s, reduction: reduction, epsilon: epsilon)
            result.value = svcca.cca.mean
            result.rho = svcca.cca.rho
            result.k1 = svcca.k1; result.k2 = svcca.k2
            result.kept1 = svcca.cca.kept1.count; result.kept2 = svcca.cca.kept2.count
        case .pwcca(let epsilon):
            let pwcca: ProjectionWeightedCCA
            if let (a, b) = data {
                pwcca = try ProjectionWeightedCCA(a, b, statistics: s, epsilon: epsilon)
            } else {
                pwcca = try ProjectionWeightedCCA(s, epsilon: epsilon)
            }
            result.value = pwcca.value
            result.rho = pwcca.cca.rho
            result.weights = pwcca.weights
            result.kept1 = pwcca.cca.kept1.count; result.kept2 = pwcca.cca.kept2.count
            result.k1 = pwcca.cca.kept1.count; result.k2 = pwcca.cca.kept2.count
            result.weightedSide = pwcca.weightedSide
        case .cka(let kernel, let debiased):
            if s.scatterXX.maxAbsoluteElement == 0 || s.scatterYY.maxAbsoluteElement == 0 {
                let constant = s.scatterXX.maxAbsoluteElement == 0 ? names.0 : names.1
                result.warnings.append("\(constant) is constant (no variance), so CKA is undefined; reporting 0")
                result.value = 0
            } else {
                switch (kernel, debiased, data) {
                case (.linear, false, _):
                    result.value = CenteredKernelAlignment.linear(s)
                case (.linear, true, let (a, b)?):
                    result.value = try CenteredKernelAlignment.debiasedLinear(a, b, statistics: s)
                case (.rbf(let sigma), _, let (a, b)?):
                    result.value = try CenteredKernelAlignment.rbf(a, b, sigma: sigma, debiased: debiased)
                default:
                    throw EngineError("\(name) needs the full activations")
                }
            }
        }
        for (kept, name) in [(result.kept1, names.0), (result.kept2, names.1)] where kept == 0 {
            result.warnings.append("\(name) keeps no neuron (no variance above epsilon × its largest: it is constant), so the similarity is 0")
        }
        guard result.value.isFinite else {
            throw EngineError("\(name) came out non-finite; the activations are too badly scaled", kind: .numerical)
        }
        return result
    }
}

/// A parameter value in ``SimilarityMeasure/parameters``.
public enum SimilarityParameter: Sendable, Equatable {
    case number(Double)
    case text(String)
    case flag(Bool)
}
