#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// How the learning rate changes over training.
///
/// With base rate η₀, epoch `e` (0-based) of `E`:
/// - `constant`: η₀;
/// - `step`: η₀·γ^k where k counts the milestones ≤ e (PyTorch's `MultiStepLR`; milestone 30
///   means the rate drops after 30 epochs);
/// - `cosine`: η₀·½(1 + cos(π·e/E)) (PyTorch's `CosineAnnealingLR` with T_max = E, η_min = 0).
///
/// A warm-up of `w` epochs multiplies the rate by `min(1, (i + 1)/(w·B))` at iteration `i`
/// (counting from 0 over all epochs, `B` batches per epoch): a linear ramp from η/(w·B) to η.
public struct LearningRateSchedule: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case constant
        case step(milestones: [Int], gamma: Double)
        case cosine
    }

    public let base: Double
    public let kind: Kind
    public let epochs: Int
    /// Warm-up length in epochs (may be fractional; 0 for none).
    public let warmup: Double

    public init(base: Double, kind: Kind = .constant, epochs: Int, warmup: Double = 0) throws {
        guard base >= 0, base.isFinite else { throw EngineError.invalid("learning rate", expected: "a finite number ≥ 0", given: "\(base)") }
        guard epochs >= 1 else { throw EngineError.invalid("epochs", expected: "a positive integer", given: "\(epochs)") }
        guard warmup >= 0, warmup.isFinite else { throw EngineError.invalid("warmup", expected: "a number of epochs ≥ 0", given: "\(warmup)") }
        if case .step(let milestones, let gamma) = kind {
            guard gamma > 0, gamma.isFinite else { throw EngineError.invalid("gamma", expected: "a positive factor", given: "\(gamma)") }
            guard milestones.allSatisfy({ $0 >= 1 }), milestones == milestones.sorted() else {
                throw EngineError.invalid("milestones", expected: "increasing epoch numbers ≥ 1", given: "\(milestones)")
            }
        }
        self.base = base
        self.kind = kind
        self.epochs = epochs
        self.warmup = warmup
    }

    /// The rate for batch `batch` of epoch `epoch` (both 0-based), `batches` batches per epoch.
    public func rate(epoch: Int, batch: Int, batches: Int) -> Double {
        var lr: Double
        switch kind {
        case .constant:
            lr = base
        case .step(let milestones, let gamma):
            lr = base * pow(gamma, Double(milestones.filter { $0 <= epoch }.count))
        case .cosine:
            lr = base * 0.5 * (1 + cos(Double.pi * Double(epoch) / Double(epochs)))
        }
        if warmup > 0 {
            let iteration = Double(epoch * batches + batch + 1)
            let ramp = warmup * Double(max(batches, 1))
            lr *= min(1, iteration / ramp)
        }
        return lr
    }
}
