/// The window of a 2-d pooling layer (``MaxPool2d``, ``AvgPool2d``): kernel, stride (the
/// kernel by default, as in PyTorch's `nn.MaxPool2d`) and zero padding of at most half the
/// kernel. Output size per dimension: `⌊(in + 2·pad − kernel) / stride⌋ + 1`.
struct PoolingWindow {
    let kernel: (height: Int, width: Int)
    let stride: (height: Int, width: Int)
    let padding: (height: Int, width: Int)

    /// Validates the window; `kind` names the layer in errors.
    init(_ kind: String, kernel: (Int, Int), stride: (Int, Int)?, padding: (Int, Int)) throws {
        let stride = stride ?? kernel
        guard kernel.0 > 0, kernel.1 > 0, kernel.0 <= 1024, kernel.1 <= 1024, stride.0 > 0, stride.1 > 0 else {
            throw EngineError.invalid(kind, expected: "positive kernel (up to 1024) and stride", given: "kernel \(kernel.0)×\(kernel.1), stride \(stride.0)×\(stride.1)")
        }
        guard padding.0 >= 0, padding.1 >= 0, 2 * padding.0 <= kernel.0, 2 * padding.1 <= kernel.1 else {
            throw EngineError.invalid("\(kind) padding", expected: "at most half the kernel size (\(kernel.0 / 2)×\(kernel.1 / 2))", given: "\(padding.0)×\(padding.1)")
        }
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
    }

    func geometry(_ c: Int, _ h: Int, _ w: Int) -> WindowGeometry {
        WindowGeometry(channels: c, height: h, width: w, kernelH: kernel.0, kernelW: kernel.1,
                       strideH: stride.0, strideW: stride.1, padH: padding.0, padW: padding.1)
    }

    /// C×H×W → C×Ho×Wo, or `layer`'s shape error.
    func outputShape(of layer: Layer, _ inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 3 else { throw layer.shapeError("C×H×W", inputShape) }
        let g = geometry(inputShape[0], inputShape[1], inputShape[2])
        guard g.isValid, g.outHeight > 0, g.outWidth > 0 else {
            throw layer.shapeError("an image of at least \(g.kernelH - 2 * g.padH)×\(g.kernelW - 2 * g.padW) for a \(g.kernelH)×\(g.kernelW) window", inputShape)
        }
        return [inputShape[0], g.outHeight, g.outWidth]
    }

    /// One operation per window element and output.
    func flops(of layer: Layer, _ inputShape: [Int]) -> Int {
        ((try? outputShape(of: layer, inputShape))?.reduce(1, *) ?? 0) * kernel.0 * kernel.1
    }

    func describe(_ kind: String) -> String {
        func pair(_ p: (Int, Int)) -> String { p.0 == p.1 ? "\(p.0)" : "\(p.0)×\(p.1)" }
        var s = "\(kind)(\(kernel.0)×\(kernel.1)"
        if stride != kernel { s += ", stride \(pair(stride))" }
        if padding != (0, 0) { s += ", pad \(pair(padding))" }
        return s + ")"
    }

    func spec(_ kind: String, _ name: String) -> LayerSpec {
        LayerSpec(kind: kind, name: name, integers: ["kernel_h": kernel.0, "kernel_w": kernel.1, "stride_h": stride.0,
                                                     "stride_w": stride.1, "pad_h": padding.0, "pad_w": padding.1])
    }
}
