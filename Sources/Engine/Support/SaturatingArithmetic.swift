/// Saturating integer arithmetic for estimates that may exceed `Int` on absurd shapes (FLOP
/// counts of a layer on a huge declared input): the result sticks at `Int.max` instead of
/// trapping. Never use it for sizes or offsets — those must be checked and rejected
/// (``Shape/validatedCount(_:)``, `multipliedReportingOverflow`).
extension Int {
    /// `self · other`, or `Int.max` when the exact product does not fit (both ≥ 0).
    func saturatingMultiplied(by other: Int) -> Int {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? .max : product
    }

    /// `self + other`, or `Int.max` when the exact sum does not fit (both ≥ 0).
    func saturatingAdding(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }
}

extension Sequence where Element == Int {
    /// The product of the elements (1 when empty), `Int.max` on overflow.
    var saturatingProduct: Int { reduce(1) { $0.saturatingMultiplied(by: $1) } }
    /// The sum of the elements, `Int.max` on overflow.
    var saturatingSum: Int { reduce(0) { $0.saturatingAdding($1) } }
}
