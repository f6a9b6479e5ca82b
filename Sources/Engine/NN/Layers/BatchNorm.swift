/// Batch normalisation (Ioffe & Szegedy, 2015), shared by ``BatchNorm1d`` and ``BatchNorm2d``.
///
/// Per channel c over the `M` values of a batch (`N` for 1-d, `N·H·W` for 2-d), in training:
/// `μ = mean(x)`, `σ² = mean((x − μ)²)`, `x̂ = (x − μ)/√(σ² + ε)`, `y = γ·x̂ + β`, and the running
/// statistics move as PyTorch's do: `r_μ ← (1 − m)·r_μ + m·μ`, `r_σ² ← (1 − m)·r_σ² + m·σ²·M/(M − 1)`.
/// In evaluation the running statistics replace μ and σ². Backward (training):
/// `∂β = Σ∂y`, `∂γ = Σ∂y·x̂`, `∂x = γ/(M·√(σ²+ε)) · (M·∂y − ∂β − x̂·∂γ)`; in evaluation
/// `∂x = γ·∂y/√(r_σ²+ε)`.
public class BatchNorm: Layer {
    public let features: Int
    public let eps: Double
    public let momentum: Double
    /// γ, initialised to 1.
    public let weight: Parameter
    /// β, initialised to 0.
    public let bias: Parameter
    public let runningMean: Tensor
    public let runningVar: Tensor
    private var input: Tensor?
    /// The buffer forward writes to (``Layer/output`` may instead be a fused convolution's).
    private var ownBuffer: Tensor?
    /// Mean and 1/√(var+ε) used by the last forward, per channel.
    private var savedMean: [Float] = []
    private var savedInvStd: [Float] = []
    private var savedTraining = true

    init(name: String, features: Int, eps: Double, momentum: Double) throws {
        guard features > 0, features <= 1 << 24 else {
            throw EngineError.invalid("BatchNorm features", expected: "a positive count", given: "\(features)")
        }
        guard eps > 0, eps.isFinite else {
            throw EngineError.invalid("BatchNorm eps", expected: "a positive number", given: "\(eps)")
        }
        guard momentum >= 0, momentum <= 1 else {
            throw EngineError.invalid("BatchNorm momentum", expected: "a number in [0, 1]", given: "\(momentum)")
        }
        self.features = features
        self.eps = eps
        self.momentum = momentum
        weight = try Parameter(name: "weight", value: try Tensor.ones([features]), isPrunable: false)
        bias = try Parameter(name: "bias", value: try Tensor.zeros([features]), isPrunable: false)
        runningMean = try Tensor.zeros([features])
        runningVar = try Tensor.ones([features])
        super.init(name: name)
    }

    /// Copies weights and running statistics from `other`.
    func copyStatistics(from other: BatchNorm) throws {
        try weight.value.assign(from: other.weight.value)
        try bias.value.assign(from: other.bias.value)
        try runningMean.assign(from: other.runningMean)
        try runningVar.assign(from: other.runningVar)
        other.copyState(to: self)
    }

    public override var parameters: [Parameter] { [weight, bias] }
    public override var buffers: [(name: String, tensor: Tensor)] { [("running_mean", runningMean), ("running_var", runningVar)] }
    public override var summary: String { "\(kind)(\(features))" }
    public override var spec: LayerSpec {
        LayerSpec(kind: kind, name: name, integers: ["features": features], reals: ["eps": eps, "momentum": momentum])
    }

    /// γ = 1, β = 0, running statistics 0 and 1 (the scheme does not apply).
    public override func reinitialize(scheme: Initializer, generator: inout RandomGenerator) {
        weight.value.fill(1)
        bias.value.fill(0)
        runningMean.fill(0)
        runningVar.fill(1)
    }

    /// Builds a BatchNorm from `spec` with `build(name, features, eps, momentum)` (shared by
    /// both declarations).
    static func make<T: BatchNorm>(from spec: LayerSpec, in context: inout LayerBuildContext,
                                   _ build: (String, Int, Double, Double) throws -> T) throws -> T {
        let (f, eps, momentum) = (try spec.integer("features"), try spec.real("eps"), try spec.real("momentum"))
        try context.spend([f], for: spec)
        return try build(spec.name, f, eps, momentum)
    }

    /// Checks the input's rank and channel count.
    func validate(_ input: Tensor) throws {}

    /// Values per channel per sample: 1 for 1-d, H·W for 2-d.
    func planeSize(_ input: Tensor) -> Int { input.shape.dropFirst(2).reduce(1, *) }

    public override func flops(for inputShape: [Int]) -> Int { inputShape.saturatingProduct.saturatingMultiplied(by: 2) }

    public override func forward(_ input: Tensor) throws -> Tensor {
        try validate(input)
        let x = try input.contiguous()
        let n = x.shape[0], c = features, plane = planeSize(x)
        let m = n * plane
        if isTraining && m <= 1 {
            throw inputError("more than one value per channel in training mode (BatchNorm needs a batch to compute statistics)", input)
        }
        let y = try Buffers.reuse(ownBuffer, shape: x.shape)
        ownBuffer = y
        let xp = x.mutablePointer(as: Float.self), yp = y.mutablePointer(as: Float.self)
        let gamma = weight.value.mutablePointer(as: Float.self), beta = bias.value.mutablePointer(as: Float.self)
        let rm = runningMean.mutablePointer(as: Float.self), rv = runningVar.mutablePointer(as: Float.self)
        var means = [Float](repeating: 0, count: c), invStds = [Float](repeating: 0, count: c)
        let training = isTraining
        let (mom, epsilon) = (momentum, eps)
        means.withUnsafeMutableBufferPointer { meanBuf in
            invStds.withUnsafeMutableBufferPointer { invBuf in
                let meanP = meanBuf.baseAddress!, invP = invBuf.baseAddress!
                ParallelLoops.forEach(c, minimumCount: 2) { ch in
                    var mean: Double, variance: Double
                    if training {
                        var total = 0.0
                        for j in 0..<n {
                            let p = xp + (j * c + ch) * plane
                            total += plane == 1 ? Double(p[0]) : Double(VectorOps.sum(p, plane))
                        }
                        mean = total / Double(m)
                        var squares = 0.0
                        let mf = Float(mean)
                        for j in 0..<n {
                            squares += Double(VectorOps.squaredDeviations(xp + (j * c + ch) * plane, plane, mean: mf))
                        }
                        variance = squares / Double(m)
                        rm[ch] = Float((1 - mom) * Double(rm[ch]) + mom * mean)
                        rv[ch] = Float((1 - mom) * Double(rv[ch]) + mom * variance * Double(m) / Double(m - 1))
                    } else {
                        mean = Double(rm[ch])
                        variance = Double(rv[ch])
                    }
                    let inv = 1 / (variance + epsilon).squareRoot()
                    meanP[ch] = Float(mean)
                    invP[ch] = Float(inv)
                    let scale = gamma[ch] * Float(inv)
                    let shift = beta[ch] - Float(mean) * scale
                    for j in 0..<n {
                        let offset = (j * c + ch) * plane
                        VectorOps.affine(xp + offset, yp + offset, plane, scale: scale, shift: shift)
                    }
                }
            }
        }
        savedMean = means
        savedInvStd = invStds
        savedTraining = training
        self.input = x
        output = y
        return y
    }

    /// The evaluation-mode transform as `y = x·scale + shift` per channel (computed as
    /// ``forward(_:)`` does in evaluation mode), for folding into the convolution before it.
    func inferenceAffine() -> (scale: [Float], shift: [Float]) {
        let gamma = weight.value.scalars(as: Float.self), beta = bias.value.scalars(as: Float.self)
        let rm = runningMean.scalars(as: Float.self), rv = runningVar.scalars(as: Float.self)
        var scale = [Float](repeating: 0, count: features), shift = [Float](repeating: 0, count: features)
        for c in 0..<features {
            let inv = Float(1 / (Double(rv[c]) + eps).squareRoot())
            scale[c] = gamma[c] * inv
            shift[c] = beta[c] - rm[c] * scale[c]
        }
        return (scale, shift)
    }

    public override func backward(_ gradOutput: Tensor) throws -> Tensor {
        let dy = try checkedGradient(gradOutput)
        guard let x = input else { throw EngineError("\(name) (\(kind)): backward called before forward") }
        let n = x.shape[0], c = features, plane = planeSize(x)
        let m = n * plane
        let dx = try TensorPool.acquire(x.shape)
        let xp = x.mutablePointer(as: Float.self), dyp = dy.mutablePointer(as: Float.self), dxp = dx.mutablePointer(as: Float.self)
        let gamma = weight.value.mutablePointer(as: Float.self)
        let dgamma = weight.gradient.mutablePointer(as: Float.self), dbeta = bias.gradient.mutablePointer(as: Float.self)
        let training = savedTraining, needDx = needsInputGradient
        savedMean.withUnsafeBufferPointer { meanBuf in
            savedInvStd.withUnsafeBufferPointer { invBuf in
                let meanP = meanBuf.baseAddress!, invP = invBuf.baseAddress!
                ParallelLoops.forEach(c, minimumCount: 2) { ch in
                    let mean = meanP[ch], inv = invP[ch]
                    // Σ∂y and Σ∂y·(x − μ), in Double across samples.
                    var sumDy = 0.0, sumDyXc = 0.0
                    for j in 0..<n {
                        let offset = (j * c + ch) * plane
                        let (s, sx) = VectorOps.sumAndCenteredDot(dyp + offset, xp + offset, plane, mean: mean)
                        sumDy += Double(s)
                        sumDyXc += Double(sx)
                    }
                    let sumDyXhat = sumDyXc * Double(inv)
                    dbeta[ch] += Float(sumDy)
                    dgamma[ch] += Float(sumDyXhat)
                    guard needDx else { return }
                    let scale = gamma[ch] * inv
                    if training {
                        // ∂x = γ·inv·(∂y − Σ∂y/M − x̂·Σ(∂y·x̂)/M)
                        let meanDy = Float(sumDy / Double(m))
                        let k = Float(sumDyXhat / Double(m)) * inv  // multiplies (x − μ)
                        for j in 0..<n {
                            let offset = (j * c + ch) * plane
                            VectorOps.batchNormGradient(dyp + offset, xp + offset, dxp + offset, plane, scale: scale, meanG: meanDy, mean: mean, k: k)
                        }
                    } else {
                        for j in 0..<n {
                            let offset = (j * c + ch) * plane
                            VectorOps.scale(dyp + offset, dxp + offset, plane, by: scale)
                        }
                    }
                }
            }
        }
        return dx
    }
}
