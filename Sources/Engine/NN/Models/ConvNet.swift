extension Model {
    /// The ConvNet of Blakeney, Yan & Zong (2020), after TensorFlow's CIFAR-10 tutorial model:
    /// two blocks of 5×5 convolution (64 channels, padding 2), ReLU and 3×3 max pooling with
    /// stride 2 and padding 1, then fully connected layers of 384 and 192 units with ReLU and
    /// a final linear layer to `classes` logits (the softmax is in the loss).
    ///
    /// Layers: `conv1 relu1 pool1 conv2 relu2 pool2 flatten fc1 relu3 fc2 relu4 fc3`.
    public static func convnet(input: [Int], classes: Int, seed: UInt64, initializer: Initializer = .pytorch) throws -> Model {
        try ModelBuilding.checkInput(input, classes: classes, model: "convnet")
        var rng = RandomGenerator(seed: seed)
        let pool = { (name: String) in try MaxPool2d(name: name, kernel: (3, 3), stride: (2, 2), padding: (1, 1)) }
        var layers: [Layer] = [
            try Conv2d(name: "conv1", inChannels: input[0], outChannels: 64, kernel: (5, 5), padding: (2, 2), initializer: initializer, generator: &rng),
            ReLU(name: "relu1"), try pool("pool1"),
            try Conv2d(name: "conv2", inChannels: 64, outChannels: 64, kernel: (5, 5), padding: (2, 2), initializer: initializer, generator: &rng),
            ReLU(name: "relu2"), try pool("pool2"),
            Flatten(name: "flatten"),
        ]
        let features = try Sequential(layers).outputShape(for: input).reduce(1, *)
        layers += [
            try Linear(name: "fc1", inFeatures: features, outFeatures: 384, initializer: initializer, generator: &rng), ReLU(name: "relu3"),
            try Linear(name: "fc2", inFeatures: 384, outFeatures: 192, initializer: initializer, generator: &rng), ReLU(name: "relu4"),
            try Linear(name: "fc3", inFeatures: 192, outFeatures: classes, initializer: initializer, generator: &rng),
        ]
        return try Model(root: Sequential(layers), inputShape: input,
                         title: "convnet{input = \(ModelBuilding.describe(input)), classes = \(classes)\(ModelBuilding.initNote(initializer))}")
    }
}

/// Argument checks and naming shared by the model builders.
enum ModelBuilding {
    static func checkInput(_ input: [Int], classes: Int, model: String) throws {
        guard input.count == 3, input.allSatisfy({ $0 > 0 && $0 <= 1 << 16 }) else {
            throw EngineError.invalid("\(model) input", expected: "{channels, height, width} with positive sizes", given: describe(input))
        }
        try checkClasses(classes, model: model)
    }

    static func checkClasses(_ classes: Int, model: String) throws {
        guard classes >= 1, classes <= 1 << 20 else {
            throw EngineError.invalid("\(model) classes", expected: "a positive number of classes", given: "\(classes)")
        }
    }

    /// `{1, 28, 28}`.
    static func describe(_ shape: [Int]) -> String { "{" + shape.map(String.init).joined(separator: ", ") + "}" }

    static func initNote(_ initializer: Initializer) -> String { initializer == .pytorch ? "" : ", init = \"\(initializer.rawValue)\"" }

    /// `channels · width`, rounded, at least 1.
    static func scaled(_ channels: Int, _ width: Double) -> Int { max(1, Int((Double(channels) * width).rounded())) }

    static func checkWidth(_ width: Double, model: String) throws {
        guard width > 0, width <= 64, width.isFinite else {
            throw EngineError.invalid("\(model) width", expected: "a multiplier in (0, 64]", given: "\(width)")
        }
    }
}
