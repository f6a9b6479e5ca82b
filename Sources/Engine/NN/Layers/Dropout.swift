/// Inverted dropout (Srivastava et al., 2014; PyTorch's `nn.Dropout`): in training each
/// element is kept with probability `1 − p` and scaled by `1/(1 − p)`, so evaluation (which
/// passes inputs through unchanged) needs no rescaling. The keep/drop draws come from the
/// layer's own seeded generator, so a run is reproducible.
public final class Dropout: Layer, DeclaredLayer {
    /// Probability of dropping an element.
    public let probability: Double
    private var generator: RandomGenerator
    private let seed: UInt64
    private var mask: Tensor?
    /// The buffer training-mode forwards write to (evaluation passes the input through).
    private var ownBuffer: Tensor?
    private var passedThrough = false

    public init(name: String = "", probability: Double = 0.5, seed: UInt64 = 0) throws {
        guard probability >= 0, probability <= 1 else {
            throw EngineError.invalid("Dropout probability", expected: "a number in [0, 1]", given: "\(probability)")
        }
        self.probability = probability
        self.seed = seed
        generator = RandomGenerator(seed: seed)
        super.init(name: name)
    }

    public static let kind = "Dropout"
    public static let stem = "dropout"
    public static let capabilities: LayerCapabilities = [.identityInEvaluation]
    public static func make(from spec: LayerSpec, in context: inout LayerBuildContext) throws -> Dropout {
        try Dropout(name: spec.name, probability: try spec.real("p"), seed: UInt64(bitPattern: Int64(try spec.integer("seed"))))
    }

    public override var summary: String { "Dropout(p = \(probability))" }
    public override var spec: LayerSpec {
        LayerSpec(kind: kind, name: name, integers: ["seed": Int(truncatingIfNeeded: seed)], reals: ["p": probability])
    }
    public override func copy() throws -> Layer {
        let other = try Dropout(name: name, probability: probability, seed: seed)
        other.generator = generator
        copyState(to: other)
        return other
    }

    public override func flops(for inputShape: [Int]) -> Int { inputShape.saturatingProduct }

    public override func forward(_ input: Tensor) throws -> Tensor {
        guard input.dtype == .float32, input.rank >= 1 else { throw inputError("a float32 batch", input) }
        let x = try input.contiguous()
        guard isTraining && probability > 0 else {
            passedThrough = true
            output = x
            return x
        }
        passedThrough = false
        let m = try Buffers.reuse(mask, shape: x.shape)
        let y = try Buffers.reuse(ownBuffer, shape: x.shape)
        ownBuffer = y
        let keep = probability < 1 ? Float(1 / (1 - probability)) : 0
        let threshold = Float(probability)
        let mp = m.mutablePointer(as: Float.self), xp = x.mutablePointer(as: Float.self), yp = y.mutablePointer(as: Float.self)
        for i in 0..<x.count {
            mp[i] = generator.nextFloat() >= threshold ? keep : 0
            yp[i] = xp[i] * mp[i]
        }
        mask = m
        output = y
        return y
    }

    public override func backward(_ gradOutput: Tensor) throws -> Tensor {
        let dy = try checkedGradient(gradOutput)
        if passedThrough { return dy }
        guard let m = mask else { throw EngineError("\(name) (Dropout): backward called before forward") }
        let dx = try TensorPool.acquire(dy.shape)
        let mp = m.mutablePointer(as: Float.self), dyp = dy.mutablePointer(as: Float.self), dxp = dx.mutablePointer(as: Float.self)
        for i in 0..<dy.count { dxp[i] = dyp[i] * mp[i] }
        return dx
    }
}
