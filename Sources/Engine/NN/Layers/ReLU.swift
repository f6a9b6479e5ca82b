/// Rectified linear unit, `y = max(0, x)`; backward `∂x = ∂y · [y > 0]`.
public final class ReLU: Layer {
    private var gradInput: Tensor?

    public override init(name: String = "") {
        super.init(name: name)
    }

    public override var kind: String { "ReLU" }
    public override func copy() throws -> Layer {
        let other = ReLU(name: name)
        copyState(to: other)
        return other
    }

    public override func flops(for inputShape: [Int]) -> Int { inputShape.reduce(1, *) }

    public override func forward(_ input: Tensor) throws -> Tensor {
        guard input.dtype == .float32, input.rank >= 1 else { throw inputError("a float32 batch", input) }
        let x = try input.contiguous()
        let y = try Buffers.reuse(output, shape: x.shape)
        let xp = x.mutablePointer(as: Float.self), yp = y.mutablePointer(as: Float.self)
        ParallelLoops.forRanges(x.count) { range in
            for i in range { yp[i] = xp[i] > 0 ? xp[i] : 0 }
        }
        output = y
        return y
    }

    public override func backward(_ gradOutput: Tensor) throws -> Tensor {
        let dy = try checkedGradient(gradOutput)
        guard let y = output else { throw EngineError("\(name) (ReLU): backward called before forward") }
        let dx = try Buffers.reuse(gradInput, shape: y.shape)
        gradInput = dx
        let yp = y.mutablePointer(as: Float.self), dyp = dy.mutablePointer(as: Float.self), dxp = dx.mutablePointer(as: Float.self)
        ParallelLoops.forRanges(y.count) { range in
            for i in range { dxp[i] = yp[i] > 0 ? dyp[i] : 0 }
        }
        return dx
    }
}
