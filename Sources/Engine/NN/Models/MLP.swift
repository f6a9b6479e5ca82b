extension Model {
    /// A multilayer perceptron: `flatten` (for multi-dimensional inputs), then
    /// `fc1 relu1 … fc<k> relu<k>` for the hidden sizes and a final linear layer to `classes`.
    public static func mlp(input: [Int], hidden: [Int], classes: Int, seed: UInt64, initializer: Initializer = .pytorch) throws -> Model {
        guard !input.isEmpty, input.allSatisfy({ $0 > 0 }), let inputCount = try? Shape.validatedCount(input), inputCount <= 1 << 26 else {
            throw EngineError.invalid("mlp input", expected: "a positive size or shape", given: ModelBuilding.describe(input))
        }
        guard hidden.allSatisfy({ $0 > 0 && $0 <= 1 << 20 }) else {
            throw EngineError.invalid("mlp hidden", expected: "positive layer sizes", given: ModelBuilding.describe(hidden))
        }
        try ModelBuilding.checkClasses(classes, model: "mlp")
        var rng = RandomGenerator(seed: seed)
        var layers: [Layer] = input.count > 1 ? [Flatten(name: "flatten")] : []
        var features = inputCount
        for (i, size) in hidden.enumerated() {
            layers.append(try Linear(name: "fc\(i + 1)", inFeatures: features, outFeatures: size, initializer: initializer, generator: &rng))
            layers.append(ReLU(name: "relu\(i + 1)"))
            features = size
        }
        layers.append(try Linear(name: "fc\(hidden.count + 1)", inFeatures: features, outFeatures: classes, initializer: initializer, generator: &rng))
        return try Model(root: Sequential(layers), inputShape: input,
                         title: "mlp{input = \(input.count == 1 ? "\(input[0])" : ModelBuilding.describe(input)), hidden = \(ModelBuilding.describe(hidden)), classes = \(classes)\(ModelBuilding.initNote(initializer))}")
    }
}
