/// Batch normalisation over the channels of `N × C × H × W` inputs (statistics over N·H·W
/// values per channel). See ``BatchNorm`` for the formulas.
public final class BatchNorm2d: BatchNorm {
    public override init(name: String = "", features: Int, eps: Double = 1e-5, momentum: Double = 0.1) throws {
        try super.init(name: name, features: features, eps: eps, momentum: momentum)
    }

    public override var kind: String { "BatchNorm2d" }

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
