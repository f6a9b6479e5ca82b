/// What a training loop needs from an optimizer: one update from the accumulated gradients, a
/// learning rate a schedule can change between steps, and a way to clear the gradients.
/// ``SGD`` and ``Adam`` (also AdamW) conform; both honour pruning masks.
public protocol Optimizer: AnyObject {
    /// The parameters updated by ``step()``, with their names.
    var parameters: [(name: String, parameter: Parameter)] { get }
    /// η, used by the next ``step()``.
    var learningRate: Double { get set }
    /// Number of steps taken.
    var steps: Int { get }
    /// Applies one update from the accumulated gradients.
    func step() throws
}

extension Optimizer {
    /// Zeroes every parameter's gradient.
    public func zeroGradients() {
        for (_, p) in parameters { p.zeroGradient() }
    }
}

/// Which optimizer a ``Trainer`` builds.
public enum OptimizerKind: String, Sendable, Equatable, CaseIterable {
    case sgd, adam, adamw
}
