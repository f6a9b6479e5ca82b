/// Base of the 2-d pooling layers (``MaxPool2d``, ``AvgPool2d``): the window — kernel, stride
/// (the kernel by default, as in PyTorch's `nn.MaxPool2d`) and zero padding of at most half the
/// kernel — and everything that follows from it alone: output size per dimension
/// `⌊(in + 2·pad − kernel) / stride⌋ + 1`, FLOPs, summary, spec. Subclasses give `kind`,
/// `copy`, `forward` and `backward`.
public class PoolingLayer: Layer {
    public let kernel: (height: Int, width: Int)
    public let stride: (height: Int, width: Int)
    public let padding: (height: Int, width: Int)

    /// Validates the window; `kind` names the layer in errors.
    init(name: String, kind: String, kernel: (Int, Int), stride: (Int, Int)?, padding: (Int, Int)) throws {
        let stride = stride ?? kernel
        guard kernel.0 > 0, kernel.1 > 0, kernel.0 <= 1024, kernel.1 <= 1024, stride.0 > 0, stride.1 > 0 else {
            throw EngineError.invalid(kind, expected: "positive kernel (up to 1024) and stride", given: "kernel \(kernel.0)×\(kernel.1), stride \(stride.0)×\(stride.1)")
        }
        guard padding.0 >= 0, padding.1 >= 0, padding.0 <= kernel.0 / 2, padding.1 <= kernel.1 / 2 else {
            throw EngineError.invalid("\(kind) padding", expected: "at most half the kernel size (\(kernel.0 / 2)×\(kernel.1 / 2))", given: "\(padding.0)×\(padding.1)")
        }
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        super.init(name: name)
    }

    public override var summary: String {
        func pair(_ p: (Int, Int)) -> String { p.0 == p.1 ? "\(p.0)" : "\(p.0)×\(p.1)" }
        var s = "\(kind)(\(kernel.0)×\(kernel.1)"
        if stride != kernel { s += ", stride \(pair(stride))" }
        if padding != (0, 0) { s += ", pad \(pair(padding))" }
        return s + ")"
    }

    public override var spec: LayerSpec {
        LayerSpec(kind: kind, name: name, integers: ["kernel_h": kernel.0, "kernel_w": kernel.1, "stride_h": stride.0,
                                                     "stride_w": stride.1, "pad_h": padding.0, "pad_w": padding.1])
    }

    /// Kernel, stride and padding from a pooling spec (`kernel_h`, `stride_h`, `pad_h`, …).
    static func window(from spec: LayerSpec) throws -> (kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int)) {
        func pair(_ a: String, _ b: String) throws -> (Int, Int) { (try spec.integer(a), try spec.integer(b)) }
        return (try pair("kernel_h", "kernel_w"), try pair("stride_h", "stride_w"), try pair("pad_h", "pad_w"))
    }

    func geometry(_ c: Int, _ h: Int, _ w: Int) -> WindowGeometry {
        WindowGeometry(channels: c, height: h, width: w, kernelH: kernel.0, kernelW: kernel.1,
                       strideH: stride.0, strideW: stride.1, padH: padding.0, padW: padding.1)
    }

    /// C×H×W → C×Ho×Wo.
    public override func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 3 else { throw shapeError("C×H×W", inputShape) }
        let g = geometry(inputShape[0], inputShape[1], inputShape[2])
        guard g.isValid, g.outHeight > 0, g.outWidth > 0 else {
            throw shapeError("an image of at least \(g.kernelH - 2 * g.padH)×\(g.kernelW - 2 * g.padW) for a \(g.kernelH)×\(g.kernelW) window", inputShape)
        }
        return [inputShape[0], g.outHeight, g.outWidth]
    }

    /// One operation per window element and output.
    public override func flops(for inputShape: [Int]) -> Int {
        [(try? outputShape(for: inputShape))?.saturatingProduct ?? 0, kernel.0, kernel.1].saturatingProduct
    }

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
