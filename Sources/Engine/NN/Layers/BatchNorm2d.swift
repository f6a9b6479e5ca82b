/// Batch normalisation over the channels of `N × C × H × W` inputs (statistics over N·H·W
/// values per channel). See ``BatchNorm`` for the formulas.
public final class BatchNorm2d: BatchNorm, DeclaredLayer {
    public override init(name: String = "", features: Int, eps: Double = 1e-5, momentum: Double = 0.1) throws {
        try super.init(name: name, features: features, eps: eps, momentum: momentum)
    }

    public static let kind = "BatchNorm2d"
    public static let stem = "bn"
    public static let capabilities: LayerCapabilities = [.outputOverwritable, .reinitializable, .foldsIntoConvolution]

    public static func make(from spec: LayerSpec, in context: inout LayerBuildContext) throws -> BatchNorm2d {
        try BatchNorm.make(from: spec, in: &context) { try BatchNorm2d(name: $0, features: $1, eps: $2, momentum: $3) }
    }

    public override func copy() throws -> Layer {
        let other = try BatchNorm2d(name: name, features: features, eps: eps, momentum: momentum)
        try other.copyStatistics(from: self)
        return other
    }

    override func validate(_ input: Tensor) throws {
        guard input.rank == 4, input.shape[1] == features, input.dtype == .float32 else {
            throw inputError("float32 N×\(features)×H×W", input)
        }
    }

    public override func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 3, inputShape[0] == features else { throw shapeError("\(features)×H×W", inputShape) }
        return inputShape
    }
}
