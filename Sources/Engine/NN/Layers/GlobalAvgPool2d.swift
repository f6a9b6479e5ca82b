/// Global average pooling: `N × C × H × W → N × C`, `y[n,c] = (1/(H·W)) Σ_{h,w} x[n,c,h,w]`
/// (PyTorch's `AdaptiveAvgPool2d(1)` followed by a flatten). Backward spreads `∂y/(H·W)`.
public final class GlobalAvgPool2d: Layer, DeclaredLayer {
    private var inputShape: [Int] = []

    public override init(name: String = "") {
        super.init(name: name)
    }

    public static let kind = "GlobalAvgPool2d"
    public static let stem = "avgpool"
    public static func make(from spec: LayerSpec, in context: inout LayerBuildContext) throws -> GlobalAvgPool2d { GlobalAvgPool2d(name: spec.name) }

    public override func copy() throws -> Layer {
        let other = GlobalAvgPool2d(name: name)
        copyState(to: other)
        return other
    }

    public override func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 3, inputShape[1] > 0, inputShape[2] > 0 else { throw shapeError("C×H×W with H, W ≥ 1", inputShape) }
        return [inputShape[0]]
    }

    public override func flops(for inputShape: [Int]) -> Int { inputShape.saturatingProduct }

    public override func forward(_ input: Tensor) throws -> Tensor {
        guard input.rank == 4, input.dtype == .float32, input.shape[2] > 0, input.shape[3] > 0 else {
            throw inputError("float32 N×C×H×W with H, W ≥ 1", input)
        }
        let x = try input.contiguous()
        let planes = x.shape[0] * x.shape[1], plane = x.shape[2] * x.shape[3]
        let y = try Buffers.reuse(output, shape: [x.shape[0], x.shape[1]])
        let xp = x.mutablePointer(as: Float.self), yp = y.mutablePointer(as: Float.self)
        let scale = 1 / Float(plane)
        ParallelLoops.forRanges(planes, minimumCount: 64) { range in
            for p in range { yp[p] = VectorOps.sum(xp + p * plane, plane) * scale }
        }
        inputShape = x.shape
        output = y
        return y
    }

    public override func backward(_ gradOutput: Tensor) throws -> Tensor {
        let dy = try checkedGradient(gradOutput)
        let dx = try TensorPool.acquire(inputShape)
        let planes = inputShape[0] * inputShape[1], plane = inputShape[2] * inputShape[3]
        let dyp = dy.mutablePointer(as: Float.self), dxp = dx.mutablePointer(as: Float.self)
        let scale = 1 / Float(plane)
        ParallelLoops.forRanges(planes, minimumCount: 64) { range in
            for p in range { (dxp + p * plane).update(repeating: dyp[p] * scale, count: plane) }
        }
        return dx
    }
}
