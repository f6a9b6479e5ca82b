/// Rectified linear unit, `y = max(0, x)`; backward `∂x = ∂y · [y > 0]`.
public final class ReLU: Layer, DeclaredLayer {
    /// The buffer out-of-place forwards write to (in-place ones write to their input).
    private var ownBuffer: Tensor?

    public override init(name: String = "") {
        super.init(name: name)
    }

    public static let kind = "ReLU"
    public static let stem = "relu"
    public static let capabilities: LayerCapabilities = [.inPlace, .convolutionEpilogue]
    public static func make(from spec: LayerSpec, in context: inout LayerBuildContext) throws -> ReLU { ReLU(name: spec.name) }

    public override func copy() throws -> Layer {
        let other = ReLU(name: name)
        copyState(to: other)
        return other
    }

    public override func flops(for inputShape: [Int]) -> Int { inputShape.saturatingProduct }

    public override func forward(_ input: Tensor) throws -> Tensor {
        guard input.dtype == .float32, input.rank >= 1 else { throw inputError("a float32 batch", input) }
        let x = try input.contiguous()
        let y = try Buffers.reuse(ownBuffer, shape: x.shape)
        ownBuffer = y
        let xp = x.mutablePointer(as: Float.self), yp = y.mutablePointer(as: Float.self)
        ParallelLoops.forRanges(x.count) { range in
            VectorOps.relu(xp + range.lowerBound, yp + range.lowerBound, range.count)
        }
        output = y
        return y
    }

    /// Forward that writes the result over `input` (a buffer the previous layer owns and does not
    /// need again): containers use it after layers that keep their input, not their output, for
    /// backward. Only in training and during ``Model/evaluate(_:batchSize:)``; in plain
    /// evaluation-mode forwards (and while recording) every layer's ``Layer/output`` stays
    /// intact for code that reads them.
    public override func forwardInPlace(_ input: Tensor) throws -> Tensor {
        guard Layer.mayWorkInPlace(self), input.dtype == .float32, input.isContiguous, input.rank >= 1 else { return try forward(input) }
        let p = input.mutablePointer(as: Float.self)
        ParallelLoops.forRanges(input.count) { range in
            VectorOps.relu(p + range.lowerBound, p + range.lowerBound, range.count)
        }
        output = input
        return input
    }

    public override func backward(_ gradOutput: Tensor) throws -> Tensor {
        let dy = try checkedGradient(gradOutput)
        guard let y = output else { throw EngineError("\(name) (ReLU): backward called before forward") }
        let dx = try TensorPool.acquire(y.shape)
        let yp = y.mutablePointer(as: Float.self), dyp = dy.mutablePointer(as: Float.self), dxp = dx.mutablePointer(as: Float.self)
        ParallelLoops.forRanges(y.count) { range in
            VectorOps.reluBackward(yp + range.lowerBound, dyp + range.lowerBound, dxp + range.lowerBound, range.count)
        }
        return dx
    }
}
