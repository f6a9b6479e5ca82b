extension Model {
    /// CIFAR-style ResNet-18/34 (He et al., 2016, with the 3×3 stem used for 32×32 images):
    /// `conv1` 3×3 (64·width channels, no pooling), `bn1`, `relu`, four stages `layer1…layer4`
    /// of ``BasicBlock``s ([2,2,2,2] or [3,4,6,3]) with 64, 128, 256, 512 channels × width
    /// (stages 2–4 start with stride 2 and a projection shortcut), global average pooling
    /// (`avgpool`) and `fc`.
    ///
    /// Names follow torchvision: `layer2.0.conv1`, `layer2.0.downsample.0`, plus the recorded
    /// outputs `layer2.0.relu1`, `layer2.0.add` and `layer2.0.relu2`.
    public static func resnet(depth: Int, input: [Int], classes: Int, width: Double = 1, seed: UInt64,
                              initializer: Initializer = .pytorch) throws -> Model {
        let blocks: [Int]
        switch depth {
        case 18: blocks = [2, 2, 2, 2]
        case 34: blocks = [3, 4, 6, 3]
        default: throw EngineError.invalid("resnet depth", expected: "18 or 34", given: "\(depth)")
        }
        try ModelBuilding.checkInput(input, classes: classes, model: "resnet")
        try ModelBuilding.checkWidth(width, model: "resnet")
        var rng = RandomGenerator(seed: seed)
        let stem = ModelBuilding.scaled(64, width)
        var layers: [Layer] = [
            try Conv2d(name: "conv1", inChannels: input[0], outChannels: stem, kernel: (3, 3), padding: (1, 1), bias: false,
                       initializer: initializer, generator: &rng),
            try BatchNorm2d(name: "bn1", features: stem),
            ReLU(name: "relu"),
        ]
        var channels = stem
        for (stage, count) in blocks.enumerated() {
            let out = ModelBuilding.scaled(64 << stage, width)
            var stageBlocks: [Layer] = []
            for b in 0..<count {
                stageBlocks.append(try BasicBlock(name: "\(b)", inChannels: channels, outChannels: out, stride: b == 0 && stage > 0 ? 2 : 1,
                                                  initializer: initializer, generator: &rng))
                channels = out
            }
            layers.append(try Sequential(name: "layer\(stage + 1)", stageBlocks))
        }
        layers += [
            GlobalAvgPool2d(name: "avgpool"),
            try Linear(name: "fc", inFeatures: channels, outFeatures: classes, initializer: initializer, generator: &rng),
        ]
        var title = "resnet{depth = \(depth), input = \(ModelBuilding.describe(input)), classes = \(classes)"
        if width != 1 { title += ", width = \(width)" }
        return try Model(root: Sequential(layers), inputShape: input, title: title + ModelBuilding.initNote(initializer) + "}")
    }
}
