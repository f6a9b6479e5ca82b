import CBLAS

/// Fully connected layer y = x Wᵀ + b (Torch7's `nn.Linear`).
///
/// `weight` is `out × in` (PyTorch's layout), `bias` has `out` entries. For a batch `x`
/// (`N × in`): forward `y = x·Wᵀ + 1bᵀ`; backward `∂W += ∂yᵀ·x`, `∂b += Σₙ ∂yₙ`,
/// `∂x = ∂y·W`, each one sgemm/sgemv.
public final class Linear: Layer, DeclaredLayer {
    public let inFeatures: Int
    public let outFeatures: Int
    public let weight: Parameter
    public let bias: Parameter?
    private var input: Tensor?
    /// The input of the last forward pass (what ``Model/compress(maxDensity:measuring:repeats:)`` times the routes on).
    var lastInput: Tensor? { input }
    /// Set by `Model.compress()`: the inference route and its compressed weights (Sparse/).
    public internal(set) var sparseRoute: SparseRoute?

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
        self.weight = try Parameter(name: "weight", value: w, isPrunable: Linear.prunableParameters.contains("weight"))
        self.bias = try b.map { try Parameter(name: "bias", value: $0, isPrunable: Linear.prunableParameters.contains("bias")) }
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

    public static let kind = "Linear"
    public static let stem = "fc"
    public static let capabilities: LayerCapabilities = [.outputOverwritable, .reinitializable]
    public static let prunableParameters: Set<String> = ["weight"]

    public static func make(from spec: LayerSpec, in context: inout LayerBuildContext) throws -> Linear {
        let (inputs, outputs) = (try spec.integer("in"), try spec.integer("out"))
        try context.spend([inputs, outputs], for: spec)
        return try Linear(name: spec.name, inFeatures: inputs, outFeatures: outputs, bias: try spec.flag("bias"), generator: &context.generator)
    }

    /// Weights and bias from `scheme` with fan-in `in`.
    public override func reinitialize(scheme: Initializer, generator: inout RandomGenerator) {
        scheme.initialize(weight: weight.value, bias: bias?.value, fanIn: inFeatures, generator: &generator)
    }

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

    public override func flops(for inputShape: [Int]) -> Int { [2, inFeatures, outFeatures].saturatingProduct }

    public override func forward(_ input: Tensor) throws -> Tensor {
        if let csr = try sparseWeights(sparseRoute) { return try sparseForward(input, csr) }
        guard input.rank == 2, input.shape[1] == inFeatures, input.dtype == .float32 else {
            throw inputError("float32 N×\(inFeatures)", input)
        }
        let x = try input.contiguous()
        let n = x.shape[0]
        guard n < Int(Int32.max) / max(inFeatures, outFeatures) else { throw inputError("a batch small enough for 32-bit BLAS sizes", input) }
        let y = try Buffers.reuse(output, shape: [n, outFeatures])
        let yp = y.mutablePointer(as: Float.self)
        if let bias {
            let b = bias.value.mutablePointer(as: Float.self)
            for i in 0..<n { (yp + i * outFeatures).update(from: b, count: outFeatures) }
        }
        let (i, o) = (inFeatures, outFeatures)
        let xp = x.mutablePointer(as: Float.self), wp = weight.value.mutablePointer(as: Float.self)
        let beta: Float = bias == nil ? 0 : 1
        let workers = min(BLASWorkers.count, max(n, 1))
        try BLASWorkers.run(workers) { w in
            let rows = BLASWorkers.share(n, w, workers)
            if rows.isEmpty { return }
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows.count), Int32(o), Int32(i),
                        1, xp + rows.lowerBound * i, Int32(i), wp, Int32(i), beta, yp + rows.lowerBound * o, Int32(o))
        }
        self.input = x
        output = y
        return y
    }

    public override func backward(_ gradOutput: Tensor) throws -> Tensor {
        try refuseCompressedBackward(sparseRoute)
        let dy = try checkedGradient(gradOutput)
        guard let x = input else { throw EngineError("\(name) (Linear): backward called before forward") }
        let n = x.shape[0]
        let dyp = dy.mutablePointer(as: Float.self)
        let (i, o) = (inFeatures, outFeatures)
        let xp = x.mutablePointer(as: Float.self), wp = weight.value.mutablePointer(as: Float.self)
        let dwp = weight.gradient.mutablePointer(as: Float.self)
        if let bias, n > 0 {
            let db = bias.gradient.mutablePointer(as: Float.self)
            for r in 0..<n {
                let row = dyp + r * o
                for j in 0..<o { db[j] += row[j] }
            }
        }
        let dx = try TensorPool.acquire([n, i])
        let dxp = dx.mutablePointer(as: Float.self)
        let needDx = needsInputGradient
        let workers = min(BLASWorkers.count, max(min(n, o), 1))
        try BLASWorkers.run(workers) { w in
            // ∂W rows (output features) split between workers: ∂W[f] += Σₙ ∂y[n, f]·x[n]
            let features = BLASWorkers.share(o, w, workers)
            if !features.isEmpty && n > 0 {
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(features.count), Int32(i), Int32(n),
                            1, dyp + features.lowerBound, Int32(o), xp, Int32(i), 1, dwp + features.lowerBound * i, Int32(i))
            }
            // ∂x rows split between workers: ∂x (N × in) = ∂y (N × out) · W (out × in)
            let rows = BLASWorkers.share(n, w, workers)
            if needDx && !rows.isEmpty {
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows.count), Int32(i), Int32(o),
                            1, dyp + rows.lowerBound * o, Int32(o), wp, Int32(i), 0, dxp + rows.lowerBound * i, Int32(i))
            }
        }
        return dx
    }
}
