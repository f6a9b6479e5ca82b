/// Leaky rectified linear unit (Maas, Hannun & Ng 2013; PyTorch's `nn.LeakyReLU`):
/// `y = x` for `x > 0`, `y = slope·x` otherwise; backward `∂x = ∂y` where `y > 0`, `slope·∂y`
/// elsewhere. With `slope ≥ 0` the sign of `y` is the sign of `x`, so backward needs only the
/// output and the layer can overwrite its input.
///
/// The whole layer lives in this file: its declaration (kind, stem, capabilities, how it is
/// built from a spec and from `nn.LeakyReLU(slope)`) registers it everywhere.
public final class LeakyReLU: Layer, DeclaredLayer {
    /// The slope for negative inputs, in [0, 1].
    public let slope: Float
    /// The buffer out-of-place forwards write to (in-place ones write to their input).
    private var ownBuffer: Tensor?

    /// A layer with `slope` in [0, 1] (an error otherwise).
    public init(name: String = "", slope: Double = 0.01) throws {
        guard slope >= 0, slope <= 1 else {
            throw EngineError.invalid("LeakyReLU slope", expected: "a number in [0, 1]", given: "\(slope)")
        }
        self.slope = Float(slope)
        super.init(name: name)
    }

    // MARK: declaration

    public static let kind = "LeakyReLU"
    public static let stem = "relu"
    public static let capabilities: LayerCapabilities = [.inPlace]
    public static let constructor: LayerConstructor? = LayerConstructor(
        arguments: [.init("slope", .real(0...1), default: .real(0.01), doc: "the slope for negative inputs, in [0, 1]")],
        doc: "Leaky rectified linear unit: y = x for x > 0, slope·x otherwise (PyTorch's nn.LeakyReLU).")

    public static func make(from spec: LayerSpec, in context: inout LayerBuildContext) throws -> LeakyReLU {
        try LeakyReLU(name: spec.name, slope: try spec.real("slope"))
    }

    // MARK: instance

    public override var summary: String { "LeakyReLU(\(slope))" }
    public override var spec: LayerSpec { LayerSpec(kind: kind, name: name, reals: ["slope": Double(slope)]) }

    public override func copy() throws -> Layer {
        let other = try LeakyReLU(name: name, slope: Double(slope))
        copyState(to: other)
        return other
    }

    public override func flops(for inputShape: [Int]) -> Int { inputShape.saturatingProduct }

    public override func forward(_ input: Tensor) throws -> Tensor {
        guard input.dtype == .float32, input.rank >= 1 else { throw inputError("a float32 batch", input) }
        let x = try input.contiguous()
        let y = try Buffers.reuse(ownBuffer, shape: x.shape)
        ownBuffer = y
        apply(x, into: y)
        output = y
        return y
    }

    /// Writes over `input` where the contract allows it (see ``Layer/forwardInPlace(_:)``).
    public override func forwardInPlace(_ input: Tensor) throws -> Tensor {
        guard Layer.mayWorkInPlace(self), input.dtype == .float32, input.isContiguous, input.rank >= 1 else { return try forward(input) }
        apply(input, into: input)
        output = input
        return input
    }

    /// `y = x > 0 ? x : slope·x`, element by element (`x` and `y` may be the same buffer).
    private func apply(_ x: Tensor, into y: Tensor) {
        let xp = x.mutablePointer(as: Float.self), yp = y.mutablePointer(as: Float.self), a = slope
        ParallelLoops.forRanges(x.count) { range in
            for i in range {
                let v = xp[i]
                yp[i] = v > 0 ? v : v * a
            }
        }
    }

    public override func backward(_ gradOutput: Tensor) throws -> Tensor {
        let dy = try checkedGradient(gradOutput)
        guard let y = output else { throw EngineError("\(name) (LeakyReLU): backward called before forward") }
        let dx = try TensorPool.acquire(y.shape)
        let yp = y.mutablePointer(as: Float.self), dyp = dy.mutablePointer(as: Float.self), dxp = dx.mutablePointer(as: Float.self)
        let a = slope
        ParallelLoops.forRanges(y.count) { range in
            for i in range { dxp[i] = yp[i] > 0 ? dyp[i] : dyp[i] * a }
        }
        return dx
    }
}
