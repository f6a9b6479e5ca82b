extension Model {
    /// Channel plans of VGG-11/13/16/19 (Simonyan & Zisserman, 2015, configurations A, B, D,
    /// E); 0 marks a 2×2 max pooling.
    static let vggPlans: [Int: [Int]] = [
        11: [64, 0, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0],
        13: [64, 64, 0, 128, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0],
        16: [64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0],
        19: [64, 64, 0, 128, 128, 0, 256, 256, 256, 256, 0, 512, 512, 512, 512, 0, 512, 512, 512, 512, 0],
    ]

    /// CIFAR-style VGG: 3×3 convolutions (padding 1) each followed by BatchNorm (when
    /// `batchNorm`) and ReLU, five 2×2 max poolings, then a classifier
    /// `flatten → fc1 (512) → ReLU → dropout → fc2 (classes)`. Channel counts are multiplied by
    /// `width`. A 32×32 input reaches the classifier as 512·width features.
    ///
    /// Layers: `conv1 bn1 relu1 … pool1 …`, `flatten fc1 relu<n+1> dropout1 fc2`.
    public static func vgg(depth: Int, input: [Int], classes: Int, width: Double = 1, batchNorm: Bool = true, dropout: Double = 0.5,
                           seed: UInt64, initializer: Initializer = .pytorch) throws -> Model {
        guard let plan = vggPlans[depth] else {
            throw EngineError.invalid("vgg depth", expected: "11, 13, 16 or 19", given: "\(depth)")
        }
        try ModelBuilding.checkInput(input, classes: classes, model: "vgg")
        try ModelBuilding.checkWidth(width, model: "vgg")
        guard dropout >= 0, dropout < 1 else {
            throw EngineError.invalid("vgg dropout", expected: "a probability in [0, 1)", given: "\(dropout)")
        }
        guard input[1] >= 32, input[2] >= 32 else {
            throw EngineError.invalid("vgg input", expected: "images of at least 32×32 (five 2×2 poolings)", given: ModelBuilding.describe(input))
        }
        var rng = RandomGenerator(seed: seed)
        var layers: [Layer] = []
        var channels = input[0], conv = 0, pool = 0
        for entry in plan {
            if entry == 0 {
                pool += 1
                layers.append(try MaxPool2d(name: "pool\(pool)", kernel: (2, 2)))
                continue
            }
            conv += 1
            let out = ModelBuilding.scaled(entry, width)
            layers.append(try Conv2d(name: "conv\(conv)", inChannels: channels, outChannels: out, kernel: (3, 3), padding: (1, 1),
                                     initializer: initializer, generator: &rng))
            if batchNorm { layers.append(try BatchNorm2d(name: "bn\(conv)", features: out)) }
            layers.append(ReLU(name: "relu\(conv)"))
            channels = out
        }
        layers.append(Flatten(name: "flatten"))
        let features = try Sequential(layers).outputShape(for: input).reduce(1, *)
        let hidden = ModelBuilding.scaled(512, width)
        layers += [
            try Linear(name: "fc1", inFeatures: features, outFeatures: hidden, initializer: initializer, generator: &rng),
            ReLU(name: "relu\(conv + 1)"),
            try Dropout(name: "dropout1", probability: dropout, seed: seed &+ 0x5EED_D20F),
            try Linear(name: "fc2", inFeatures: hidden, outFeatures: classes, initializer: initializer, generator: &rng),
        ]
        var title = "vgg{depth = \(depth), input = \(ModelBuilding.describe(input)), classes = \(classes)"
        if width != 1 { title += ", width = \(width)" }
        if !batchNorm { title += ", bn = false" }
        if dropout != 0.5 { title += ", dropout = \(dropout)" }
        return try Model(root: Sequential(layers), inputShape: input, title: title + ModelBuilding.initNote(initializer) + "}")
    }
}
