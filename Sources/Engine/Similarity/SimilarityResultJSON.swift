extension SimilarityResult {
    /// The result as one JSON object: `value`, `measure`, `params`, `k1`, `k2`, `rho` (null
    /// where they do not apply), then `kept1`, `kept2`, `weights`, `threshold_mean`,
    /// `datapoints`, `neurons1`, `neurons2` and `warnings`.
    public var json: JSON {
        func int(_ v: Int?) -> JSON { v.map { .integer($0) } ?? .null }
        func numbers(_ v: [Double]?) -> JSON { v.map { .array($0.map { .number($0) }) } ?? .null }
        let params: [(key: String, value: JSON)] = measure.parameters.map { name, value in
            switch value {
            case .number(let x): return (name, name == "dims" ? .integer(Int(x)) : .number(x))
            case .text(let s): return (name, .string(s))
            case .flag(let b): return (name, .bool(b))
            }
        }
        return .object([
            ("value", .number(value)),
            ("measure", .string(measure.name)),
            ("params", .object(params)),
            ("conv", convolution.map { .string($0.rawValue) } ?? .null),
            ("k1", int(k1)),
            ("k2", int(k2)),
            ("rho", numbers(rho)),
            ("kept1", int(kept1)),
            ("kept2", int(kept2)),
            ("weights", numbers(weights)),
            ("threshold_mean", thresholdMean.map { .number($0) } ?? .null),
            ("datapoints", .integer(datapoints)),
            ("neurons1", .integer(neurons1)),
            ("neurons2", .integer(neurons2)),
            ("warnings", .array(warnings.map { .string($0) })),
        ])
    }
}
