/// Base of the 2-d pooling layers (``MaxPool2d``, ``AvgPool2d``): the ``PoolingWindow`` and
/// everything that follows from it alone (output shape, FLOPs, summary, spec). Subclasses
/// give `kind`, `copy`, `forward` and `backward`.
public class PoolingLayer: Layer {
    let window: PoolingWindow
    public var kernel: (height: Int, width: Int) { window.kernel }
    public var stride: (height: Int, width: Int) { window.stride }
    public var padding: (height: Int, width: Int) { window.padding }

    /// `kind` names the layer in validation errors (`stride` nil: the kernel size).
    init(name: String, kind: String, kernel: (Int, Int), stride: (Int, Int)?, padding: (Int, Int)) throws {
        window = try PoolingWindow(kind, kernel: kernel, stride: stride, padding: padding)
        super.init(name: name)
    }

    public override var summary: String { window.describe(kind) }
    public override var spec: LayerSpec { window.spec(kind, name) }
    func geometry(_ c: Int, _ h: Int, _ w: Int) -> WindowGeometry { window.geometry(c, h, w) }
    public override func outputShape(for inputShape: [Int]) throws -> [Int] { try window.outputShape(of: self, inputShape) }
    public override func flops(for inputShape: [Int]) -> Int { window.flops(of: self, inputShape) }

    /// The start of every forward pass: checks for a float32 N×C×H×W input and gives it
    /// contiguous, its window geometry, the number of N·C planes and the output buffer.
    func forwardBuffers(_ input: Tensor) throws -> (x: Tensor, g: WindowGeometry, planes: Int, y: Tensor) {
        guard input.rank == 4, input.dtype == .float32 else { throw inputError("float32 N×C×H×W", input) }
        let outShape = try outputShape(for: Array(input.shape.dropFirst()))
        let x = try input.contiguous()
        let y = try Buffers.reuse(output, shape: [x.shape[0]] + outShape)
        return (x, geometry(x.shape[1], x.shape[2], x.shape[3]), x.shape[0] * x.shape[1], y)
    }
}
