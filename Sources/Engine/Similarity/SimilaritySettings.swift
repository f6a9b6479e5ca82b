/// The user's settings for a similarity measure — the options of Lua's `sim` functions and the
/// flags of `prunelab sim` — and the one set of rules that turns them into a
/// ``SimilarityMeasure``: which settings belong to which measure, which exclude each other,
/// their defaults and their ranges. Each face only reads values of the right type into a
/// `SimilaritySettings` and words the ``OptionProblem``s it throws (inside ``EngineError``).
public struct SimilaritySettings: Sendable, Equatable {
    /// The four measures (SIMILARITY.md).
    public enum Family: String, Sendable, CaseIterable {
        case cca, svcca, pwcca, cka
    }

    /// A setting's name (the Lua option key; the flag is `--` + the name).
    public enum Key: String, Sendable, CaseIterable {
        case measure, dims, variance, energy, epsilon, kernel, sigma, debiased, conv

        /// The families this setting applies to (`measure` and `conv` apply to all).
        public var families: [Family] {
            switch self {
            case .measure, .conv: Family.allCases
            case .dims, .variance, .energy: [.svcca]
            case .epsilon: [.cca, .svcca, .pwcca]
            case .kernel, .sigma, .debiased: [.cka]
            }
        }

        /// The string values it accepts, for the settings that are choices.
        public var choices: [String]? {
            switch self {
            case .measure: Family.allCases.map(\.rawValue)
            case .kernel: ["linear", "rbf"]
            case .conv: ConvolutionLayout.allCases.map(\.rawValue)
            default: nil
            }
        }

        /// One line on what it does and its default, for help texts.
        public var doc: String {
            switch self {
            case .measure: "cca, svcca (default), pwcca or cka"
            case .dims: "SVCCA: keep K principal directions"
            case .variance: "SVCCA: keep the directions explaining a fraction F of the variance (default 0.99)"
            case .energy: "SVCCA: the same with plain singular values (Google's tutorial convention)"
            case .epsilon: "CCA threshold and regulariser, relative to the largest variance (default 1e-10)"
            case .kernel: "CKA: linear (default) or rbf"
            case .sigma: "CKA: RBF bandwidth as a fraction of the median distance (default 1)"
            case .debiased: "CKA: the unbiased HSIC estimator"
            case .conv: "4-D inputs: flatten (C × N·H·W, default) or mean (C × N)"
            }
        }
    }

    /// The SVCCA reduction settings, exactly one of which may be given.
    public static let reductionKeys: [Key] = [.dims, .variance, .energy]

    /// The settings that apply to `family`, in help order (without `measure`).
    public static func keys(for family: Family) -> [Key] {
        Key.allCases.filter { $0 != .measure && $0.families.contains(family) }
    }

    public var family: Family
    public var dims: Int?
    public var variance: Double?
    public var energy: Double?
    public var epsilon: Double?
    /// "linear" or "rbf" (checked by ``measure()``).
    public var kernel: String?
    public var sigma: Double?
    public var debiased: Bool?
    public var conv: ConvolutionLayout?

    public init(family: Family = .svcca) {
        self.family = family
    }

    /// The settings that were given (non-nil), in ``Key`` order.
    public var given: [Key] {
        var keys: [Key] = []
        if dims != nil { keys.append(.dims) }
        if variance != nil { keys.append(.variance) }
        if energy != nil { keys.append(.energy) }
        if epsilon != nil { keys.append(.epsilon) }
        if kernel != nil { keys.append(.kernel) }
        if sigma != nil { keys.append(.sigma) }
        if debiased != nil { keys.append(.debiased) }
        if conv != nil { keys.append(.conv) }
        return keys
    }

    /// The convolution layout (default flatten).
    public var convolution: ConvolutionLayout { conv ?? .flatten }

    /// The measure these settings describe, checked: a setting of another family, two SVCCA
    /// reduction rules, `sigma` with the linear kernel, an unknown kernel and out-of-range
    /// values are ``EngineError``s whose ``EngineError/detail`` is an ``OptionProblem``.
    public func measure() throws -> SimilarityMeasure {
        if let foreign = given.first(where: { !$0.families.contains(family) }) {
            throw EngineError(.option(.notApplicable(option: foreign.rawValue, to: family.rawValue)))
        }
        let epsilon = self.epsilon ?? SimilarityMeasure.defaultEpsilon
        let measure: SimilarityMeasure
        switch family {
        case .cca: measure = .cca(epsilon: epsilon)
        case .pwcca: measure = .pwcca(epsilon: epsilon)
        case .svcca: measure = .svcca(try reduction(), epsilon: epsilon)
        case .cka: measure = .cka(try ckaKernel(), debiased: debiased ?? false)
        }
        try measure.validate()
        return measure
    }

    /// Exactly one of dims / variance / energy (none: variance = 0.99).
    func reduction() throws -> SVCCAReduction {
        let rules = given.filter(Self.reductionKeys.contains)
        if rules.count > 1 {
            throw EngineError(.option(.exclusive(choices: Self.reductionKeys.map(\.rawValue), given: rules.map(\.rawValue))))
        }
        if let dims { return .dims(dims) }
        if let variance { return .variance(variance) }
        if let energy { return .energy(energy) }
        return .standard
    }

    /// sigma alone means the RBF kernel; its default fraction is 1 (Kornblith's gram_rbf).
    func ckaKernel() throws -> CKAKernel {
        switch kernel {
        case "linear":
            if sigma != nil {
                throw EngineError(.option(.needsSetting(option: "sigma", setting: "kernel", value: "rbf", actual: "linear")))
            }
            return .linear
        case "rbf": return .rbf(sigma: sigma ?? 1)
        case nil: return sigma.map { .rbf(sigma: $0) } ?? .linear
        case let other?:
            throw EngineError(.option(.invalidValue(option: "kernel", expected: "one of \"linear\", \"rbf\"", given: "\"\(other)\"")))
        }
    }
}
