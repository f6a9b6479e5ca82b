/// Stochastic gradient descent with momentum, Nesterov momentum and L2 weight decay, with
/// PyTorch's update rule (`torch.optim.SGD`, dampening 0):
///
///     g ← ∂L/∂w + λ·w
///     v ← μ·v + g            (v = g on the first step)
///     w ← w − η·(g + μ·v)    with Nesterov, else  w ← w − η·v
///
/// **Masks.** For a parameter with a pruning mask `m` (see ``Parameter``) the gradient is
/// multiplied by `m` before the update, and `w` and `v` are multiplied by `m` after it, so a
/// masked weight stays exactly zero and keeps no momentum. This is the hook pruning relies on:
/// set masks with ``Parameter/setMask(_:)``; nothing else is needed.
public final class SGD: Optimizer {
    /// The parameters updated by ``step()``, with their names.
    public let parameters: [(name: String, parameter: Parameter)]
    /// η, used by the next ``step()`` (schedules change it between steps).
    public var learningRate: Double
    public let momentum: Double
    public let nesterov: Bool
    public let weightDecay: Double
    /// Momentum buffers, one per parameter (allocated on the first step).
    private var velocity: [Tensor?]
    /// Number of steps taken.
    public private(set) var steps = 0

    public init(parameters: [(name: String, parameter: Parameter)], learningRate: Double, momentum: Double = 0,
                nesterov: Bool = false, weightDecay: Double = 0) throws {
        guard learningRate >= 0, learningRate.isFinite else {
            throw EngineError.invalid("learning rate", expected: "a finite number ≥ 0", given: "\(learningRate)")
        }
        guard momentum >= 0, momentum < 1 else {
            throw EngineError.invalid("momentum", expected: "a number in [0, 1)", given: "\(momentum)")
        }
        guard weightDecay >= 0, weightDecay.isFinite else {
            throw EngineError.invalid("weight decay", expected: "a finite number ≥ 0", given: "\(weightDecay)")
        }
        guard !nesterov || momentum > 0 else {
            throw EngineError.invalid("nesterov", expected: "momentum > 0 with Nesterov momentum", given: "momentum \(momentum)")
        }
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        velocity = Array(repeating: nil, count: parameters.count)
    }

    /// An optimizer over every parameter of `model`.
    public convenience init(model: Model, learningRate: Double, momentum: Double = 0, nesterov: Bool = false, weightDecay: Double = 0) throws {
        try self.init(parameters: model.parameters, learningRate: learningRate, momentum: momentum, nesterov: nesterov, weightDecay: weightDecay)
    }

    /// Applies one update from the accumulated gradients (which it leaves unchanged, except
    /// that masked entries are zeroed).
    public func step() throws {
        let lr = Float(learningRate), mu = Float(momentum), wd = Float(weightDecay)
        let first = steps == 0
        for (k, (_, p)) in parameters.enumerated() {
            p.applyMask(to: p.gradient)
            let n = p.count
            let w = p.value.mutablePointer(as: Float.self), g = p.gradient.mutablePointer(as: Float.self)
            if momentum == 0 {
                ParallelLoops.forRanges(n) { range in
                    for i in range { w[i] -= lr * (g[i] + wd * w[i]) }
                }
            } else {
                let buffer = try velocity[k] ?? Tensor(zeros: p.value.shape)
                velocity[k] = buffer
                let v = buffer.mutablePointer(as: Float.self)
                let fresh = first || buffer.count != n
                let nest = nesterov
                ParallelLoops.forRanges(n) { range in
                    // v ← μ·v + (g + λw) (v ← g + λw on the first step); w ← w − η·(Nesterov ? d + μ·v : v)
                    let keep: Float = fresh ? 0 : mu
                    if nest {
                        for i in range {
                            let d = g[i] + wd * w[i]
                            let vi = keep * v[i] + d
                            v[i] = vi
                            w[i] -= lr * (d + mu * vi)
                        }
                    } else {
                        for i in range {
                            let vi = keep * v[i] + (g[i] + wd * w[i])
                            v[i] = vi
                            w[i] -= lr * vi
                        }
                    }
                }
                p.applyMask(to: buffer)
            }
            p.applyMask(to: p.value)
        }
        steps += 1
    }

    /// The momentum buffer of parameter `index` (nil before the first step or without momentum).
    public func velocity(at index: Int) -> Tensor? {
        index >= 0 && index < velocity.count ? velocity[index] : nil
    }
}
