/// Flattens every sample: `N × d₁ × … × d_k → N × (d₁⋯d_k)`. Forward and backward are views
/// (no copy) when the data is contiguous.
public final class Flatten: Layer, DeclaredLayer {
    private var inputShape: [Int] = []

    public override init(name: String = "") {
        super.init(name: name)
    }

    public static let kind = "Flatten"
    public static let stem = "flatten"
    public static let capabilities: LayerCapabilities = [.identityInEvaluation]
    public static func make(from spec: LayerSpec, in context: inout LayerBuildContext) throws -> Flatten { Flatten(name: spec.name) }

    public override func copy() throws -> Layer {
        let other = Flatten(name: name)
        copyState(to: other)
        return other
    }

    public override func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard let count = try? Shape.validatedCount(inputShape) else { throw shapeError("at most \(Storage.maxCount) elements", inputShape) }
        return [count]
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        guard input.rank >= 1, input.dtype == .float32 else { throw inputError("a float32 batch N×…", input) }
        let x = try input.contiguous()
        let y = try x.reshaped([x.shape[0], x.shape.dropFirst().reduce(1, *)])
        inputShape = x.shape
        output = y
        return y
    }

    public override func backward(_ gradOutput: Tensor) throws -> Tensor {
        let dy = try checkedGradient(gradOutput)
        return try dy.reshaped(inputShape)
    }
}
