/// A target sparsity — the fraction of a tensor's weights that should be zero — and the rule
/// that turns it into a count of weights.
///
/// **Rounding rule.** A tensor of n weights pruned to sparsity s ends with exactly
/// `k = round(s · n)` zeros, rounding half away from zero (so 2.5 → 3, 1.5 → 2, 0.5 → 1),
/// computed in Double. The same rule gives the global count over the selected weights in
/// global scope. This is the "desired sparsity" of Blakeney, Yan & Zong (2020), §4.1, made
/// exact.
public struct PruningTarget: Sendable, Equatable {
    /// The fraction of zeros, in [0, 1).
    public let sparsity: Double

    /// Validates `sparsity`: a finite number in [0, 1) (1 would remove every weight).
    public init(_ sparsity: Double) throws {
        guard sparsity.isFinite, sparsity >= 0, sparsity < 1 else {
            throw EngineError.invalid("sparsity", expected: "a fraction of zeros in [0, 1) (e.g. 0.9 for 90%)", given: sparsity.isNaN ? "NaN" : "\(sparsity)")
        }
        self.sparsity = sparsity
    }

    /// Number of zeros among `count` weights: `round(sparsity · count)`, half away from zero.
    public func zeros(of count: Int) -> Int {
        let k = (sparsity * Double(count)).rounded(.toNearestOrAwayFromZero)
        return min(count, max(0, Int(k)))
    }
}

/// Whether pruning ranks each tensor on its own or all selected weights together.
public enum PruningScope: String, Sendable, CaseIterable {
    /// Each prunable tensor reaches the target on its own (the paper's layer-by-layer rule,
    /// Blakeney et al. 2020 §4.1).
    case layer
    /// One ranking over every selected weight (Han et al. 2015's whole-model pruning); layers
    /// end with different sparsities.
    case global
}
