import Glibc

/// Adam (Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015) and AdamW
/// (Loshchilov & Hutter, "Decoupled Weight Decay Regularization", ICLR 2019), with PyTorch's
/// update rule (`torch.optim.Adam` / `torch.optim.AdamW`, amsgrad off). At step t (from 1):
///
///     Adam:   g ← ∂L/∂w + λ·w                 AdamW:  w ← w·(1 − η·λ),  g ← ∂L/∂w
///     m ← β₁·m + (1 − β₁)·g
///     v ← β₂·v + (1 − β₂)·g²
///     w ← w − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
///
/// **Masks.** As ``SGD``: a parameter's pruning mask multiplies the gradient before the update
/// and the weight and both moments after it, so pruned weights and their moments stay exactly 0.
public final class Adam: Optimizer {
    public let parameters: [(name: String, parameter: Parameter)]
    public var learningRate: Double
    /// β₁, β₂: decay rates of the first and second moment estimates.
    public let beta1: Double, beta2: Double
    /// ε, added to the denominator.
    public let epsilon: Double
    /// λ: L2 penalty added to the gradient (Adam) or decoupled decay of the weights (AdamW).
    public let weightDecay: Double
    /// Whether the weight decay is decoupled (AdamW).
    public let decoupled: Bool
    public private(set) var steps = 0
    /// First and second moments, one pair per parameter (allocated on the first step).
    private var moments: [(m: Tensor, v: Tensor)?]

    public init(parameters: [(name: String, parameter: Parameter)], learningRate: Double, beta1: Double = 0.9, beta2: Double = 0.999,
                epsilon: Double = 1e-8, weightDecay: Double = 0, decoupled: Bool = false) throws {
        try Adam.validate(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay)
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupled = decoupled
        moments = Array(repeating: nil, count: parameters.count)
    }

    /// Checks the settings: η ≥ 0, β₁ and β₂ in [0, 1), ε > 0, λ ≥ 0 (all finite).
    public static func validate(learningRate: Double, beta1: Double, beta2: Double, epsilon: Double, weightDecay: Double) throws {
        guard learningRate >= 0, learningRate.isFinite else {
            throw EngineError.invalid("learning rate", expected: "a finite number ≥ 0", given: "\(learningRate)")
        }
        for (name, beta) in [("betas[1]", beta1), ("betas[2]", beta2)] where !(beta >= 0 && beta < 1) {
            throw EngineError.invalid(name, expected: "a number in [0, 1)", given: "\(beta)")
        }
        guard epsilon > 0, epsilon.isFinite else { throw EngineError.invalid("eps", expected: "a finite number > 0", given: "\(epsilon)") }
        guard weightDecay >= 0, weightDecay.isFinite else {
            throw EngineError.invalid("weight decay", expected: "a finite number ≥ 0", given: "\(weightDecay)")
        }
    }

    public func step() throws {
        steps += 1
        let t = Double(steps)
        let correction1 = 1 - Glibc.pow(beta1, t), correction2 = 1 - Glibc.pow(beta2, t)
        let stepSize = Float(learningRate / correction1)
        let rootCorrection2 = Float(correction2.squareRoot())
        let b1 = Float(beta1), b2 = Float(beta2), eps = Float(epsilon), wd = Float(weightDecay)
        let shrink = Float(1 - learningRate * weightDecay)
        let decoupled = self.decoupled
        for (k, (_, p)) in parameters.enumerated() {
            p.applyMask(to: p.gradient)
            let n = p.count
            if moments[k] == nil || moments[k]?.m.count != n {
                moments[k] = (try Tensor(zeros: p.value.shape), try Tensor(zeros: p.value.shape))
            }
            guard let (mTensor, vTensor) = moments[k] else { continue }
            let w = p.value.mutablePointer(as: Float.self), g = p.gradient.mutablePointer(as: Float.self)
            let m = mTensor.mutablePointer(as: Float.self), v = vTensor.mutablePointer(as: Float.self)
            ParallelLoops.forRanges(n) { range in
                for i in range {
                    var gi = g[i]
                    if decoupled { w[i] *= shrink } else { gi += wd * w[i] }
                    let mi = m[i] + (1 - b1) * (gi - m[i])        // torch: m.lerp_(g, 1 − β₁)
                    let vi = b2 * v[i] + (1 - b2) * gi * gi
                    m[i] = mi
                    v[i] = vi
                    w[i] -= stepSize * mi / (vi.squareRoot() / rootCorrection2 + eps)
                }
            }
            p.applyMask(to: mTensor)
            p.applyMask(to: vTensor)
            p.applyMask(to: p.value)
        }
    }

    /// The first and second moments of parameter `index` (nil before the first step).
    public func moments(at index: Int) -> (m: Tensor, v: Tensor)? {
        index >= 0 && index < moments.count ? moments[index] : nil
    }
}
