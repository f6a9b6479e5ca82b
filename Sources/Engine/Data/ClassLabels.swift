/// Conversions between class labels held in tensors (as the Lua face shows them: float
/// values `base`, `base + 1`, …, e.g. 1-based as in Torch7) and Engine's 0-based `[Int]`.
public enum ClassLabels {
    /// The labels in `tensor` (every element, row-major) minus `base`. Each must be an
    /// integer value ≥ `base`.
    public static func from(_ tensor: Tensor, base: Int) throws -> [Int] {
        let values = tensor.scalars(as: Double.self)
        var labels = [Int]()
        labels.reserveCapacity(values.count)
        for (i, v) in values.enumerated() {
            guard v.isFinite, v == v.rounded(), v >= Double(base), v < Double(base + SampleStore.maxClassCount) else {
                throw EngineError.invalid("label \(i + 1)", expected: "an integer class ≥ \(base)", given: "\(v)")
            }
            labels.append(Int(v) - base)
        }
        return labels
    }

    /// A 1-d Float32 tensor of `labels + base`.
    public static func tensor(_ labels: [Int], base: Int) throws -> Tensor {
        try Tensor(shape: [labels.count], values: labels.map { Float($0 + base) })
    }
}
