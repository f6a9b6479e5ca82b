import CBLAS

/// Fully connected layer y = x Wᵀ + b (Torch7's `nn.Linear`).
///
/// `weight` is `out × in` (PyTorch's layout), `bias` has `out` entries. For a batch `x`
/// (`N × in`): forward `y = x·Wᵀ + 1bᵀ`; backward `∂W += ∂yᵀ·x`, `∂b += Σₙ ∂yₙ`,
/// `∂x = ∂y·W`, each one sgemm/sgemv.
public final class Linear: Layer {
    public let inFeatures: Int
    public let outFeatures: Int
    public let weight: Parameter
    public let bias: Parameter?
    private var input: Tensor?
    private var gradInput: Tensor?

    /// A layer with weights drawn by `initializer` from `generator`.
    public init(name: String = "", inFeatures: Int, outFeatures: Int, bias: Bool = true,
                initializer: Initializer = .pytorch, generator: inout RandomGenerator) throws {
        guard inFeatures > 0, outFeatures > 0 else {
            throw EngineError.invalid("Linear", expected: "positive input and output sizes", given: "\(inFeatures) → \(outFeatures)")
        }
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        let w = try Tensor(zeros: [outFeatures, inFeatures])
        let b = bias ? try Tensor(zeros: [outFeatures]) : nil
        initializer.initialize(weight: w, bias: b, fanIn: inFeatures, generator: &generator)
        self.weight = try Parameter(name: "weight", value: w, isPrunable: true)
        self.bias = try b.map { try Parameter(name: "bias", value: $0, isPrunable: false) }
        super.init(name: name)
    }

    private init(copying other: Linear) throws {
        inFeatures = other.inFeatures
        outFeatures = other.outFeatures
        weight = try other.weight.copy()
        bias = try other.bias?.copy()
        super.init(name: other.name)
        other.copyState(to: self)
    }

    public override var kind: String { "Linear" }
    public override var summary: String { "Linear(\(inFeatures)→\(outFeatures)\(bias == nil ? ", no bias" : ""))" }
    public override var parameters: [Parameter] { bias.map { [weight, $0] } ?? [weight] }
    public override var spec: LayerSpec {
        LayerSpec(kind: kind, name: name, integers: ["in": inFeatures, "out": outFeatures], flags: ["bias": bias != nil])
    }
    public override func copy() throws -> Layer { try Linear(copying: self) }

    public override func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape == [inFeatures] else { throw shapeError("\(inFeatures) features", inputShape) }
        return [outFeatures]
    }

    public override func flops(for inputShape: [Int]) -> Int { 2 * inFeatures * outFeatures }

    public override func forward(_ input: Tensor) throws -> Tensor {
        guard input.rank == 2, input.shape[1] == inFeatures, input.dtype == .float32 else {
            throw inputError("float32 N×\(inFeatures)", input)
        }
        let x = try input.contiguous()
        let n = x.shape[0]
        let y = try Buffers.reuse(output, shape: [n, outFeatures])
        let yp = y.mutablePointer(as: Float.self)
        if let bias {
            let b = bias.value.mutablePointer(as: Float.self)
            for i in 0..<n { (yp + i * outFeatures).update(from: b, count: outFeatures) }
        }
        if n > 0 {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(outFeatures), Int32(inFeatures),
                        1, x.mutablePointer(as: Float.self), Int32(inFeatures),
                        weight.value.mutablePointer(as: Float.self), Int32(inFeatures),
                        bias == nil ? 0 : 1, yp, Int32(outFeatures))
        }
        self.input = x
        output = y
        return y
    }

    public override func backward(_ gradOutput: Tensor) throws -> Tensor {
        let dy = try checkedGradient(gradOutput)
        guard let x = input else { throw EngineError("\(name) (Linear): backward called before forward") }
        let n = x.shape[0]
        let dyp = dy.mutablePointer(as: Float.self)
        if n > 0 {
            // ∂W (out × in) += ∂yᵀ (out × N) · x (N × in)
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(outFeatures), Int32(inFeatures), Int32(n),
                        1, dyp, Int32(outFeatures), x.mutablePointer(as: Float.self), Int32(inFeatures),
                        1, weight.gradient.mutablePointer(as: Float.self), Int32(inFeatures))
            if let bias {
                let db = bias.gradient.mutablePointer(as: Float.self)
                for i in 0..<n {
                    let row = dyp + i * outFeatures
                    for j in 0..<outFeatures { db[j] += row[j] }
                }
            }
        }
        let dx = try Buffers.reuse(gradInput, shape: [n, inFeatures])
        gradInput = dx
        if needsInputGradient && n > 0 {
            // ∂x (N × in) = ∂y (N × out) · W (out × in)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(inFeatures), Int32(outFeatures),
                        1, dyp, Int32(outFeatures), weight.value.mutablePointer(as: Float.self), Int32(inFeatures),
                        0, dx.mutablePointer(as: Float.self), Int32(inFeatures))
        }
        return dx
    }
}
