/// Weight initialisation schemes, drawn from an explicit seeded ``RandomGenerator``.
public enum Initializer: String, Sendable, CaseIterable {
    /// PyTorch's default for `nn.Linear` and `nn.Conv2d`: weights and biases uniform in
    /// ±1/√fan_in (`kaiming_uniform_(a=√5)` reduces to this bound).
    case pytorch
    /// He-normal (He et al., "Delving Deep into Rectifiers", 2015): weights normal with
    /// std √(2/fan_in), biases zero. With lr 0.05 and momentum 0.9 it needs a warm-up.
    case he

    /// Fills `weight` (with `fanIn` inputs per output) and `bias` from `generator`.
    func initialize(weight: Tensor, bias: Tensor?, fanIn: Int, generator: inout RandomGenerator) {
        let fan = Double(max(fanIn, 1))
        let w = weight.mutablePointer(as: Float.self)
        switch self {
        case .pytorch:
            let bound = 1 / fan.squareRoot()
            for i in 0..<weight.count { w[i] = Float(-bound + 2 * bound * generator.nextDouble()) }
            if let bias {
                let b = bias.mutablePointer(as: Float.self)
                for i in 0..<bias.count { b[i] = Float(-bound + 2 * bound * generator.nextDouble()) }
            }
        case .he:
            let std = (2 / fan).squareRoot()
            for i in 0..<weight.count { w[i] = Float(std * generator.nextNormal()) }
            if let bias { bias.mutablePointer(as: Float.self).update(repeating: 0, count: bias.count) }
        }
    }
}
