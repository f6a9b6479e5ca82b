/// Batch normalisation over the features of `N × F` inputs (statistics over the N values of
/// each feature). See ``BatchNorm`` for the formulas.
public final class BatchNorm1d: BatchNorm, DeclaredLayer {
    public override init(name: String = "", features: Int, eps: Double = 1e-5, momentum: Double = 0.1) throws {
        try super.init(name: name, features: features, eps: eps, momentum: momentum)
    }

    public static let kind = "BatchNorm1d"
    public static let stem = "bn"
    public static let capabilities: LayerCapabilities = [.outputOverwritable, .reinitializable]

    public static func make(from spec: LayerSpec, in context: inout LayerBuildContext) throws -> BatchNorm1d {
        try BatchNorm.make(from: spec, in: &context) { try BatchNorm1d(name: $0, features: $1, eps: $2, momentum: $3) }
    }

    public override func copy() throws -> Layer {
        let other = try BatchNorm1d(name: name, features: features, eps: eps, momentum: momentum)
        try other.copyStatistics(from: self)
        return other
    }

    override func validate(_ input: Tensor) throws {
        guard input.rank == 2, input.shape[1] == features, input.dtype == .float32 else {
            throw inputError("float32 N×\(features)", input)
        }
    }

    public override func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape == [features] else { throw shapeError("\(features) features", inputShape) }
        return inputShape
    }
}
