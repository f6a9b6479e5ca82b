import CLua
import Engine

/// The `models` Lua module: the paper's architectures, ready to train.
enum ModelsModule {
    static let module = LuaModule(
        name: "models",
        doc: """
            The architectures of Blakeney, Yan & Zong (2020) and friends: models.convnet, models.vgg, \
            models.resnet, models.mlp; models.load(path) for checkpoints. Weights are seeded \
            (seed = 1 unless given): the same seed gives the same weights. Default init is PyTorch's \
            (uniform ±1/√fan_in); init = "he" gives He-normal weights (warm the learning rate up: \
            train.sgd{warmup = 1}).
            """,
        functions: [
            LuaFunctionSpec("convnet", "models.convnet{…}", options: [image(default: "{1, 28, 28}"), classesOption, seedOption, initOption], at: 1,
                            "The paper's ConvNet: conv 5×5×64 (pad 2), ReLU, max-pool 3×3 stride 2 pad 1, twice; then fc 384, ReLU, fc 192, ReLU, fc classes. Layers conv1 relu1 pool1 conv2 relu2 pool2 flatten fc1 relu3 fc2 relu4 fc3.") { lua, o in
                try lua.checkArgumentCount(max: 1)
                lua.push(object: try Model.convnet(input: try image(lua, o, default: [1, 28, 28]), classes: try classes(o),
                                                   seed: try lua.seedOption(o, default: 1), initializer: try lua.initializerOption(o)))
                return 1
            },
            LuaFunctionSpec("vgg", "models.vgg{…}", options: [
                LuaOption("depth", .integer, default: "16", "11, 13, 16 or 19"), image(default: "{3, 32, 32}"), classesOption,
                LuaOption("width", .number, default: "1.0", "multiplies every channel count"),
                LuaOption("bn", .boolean, default: "true", "BatchNorm after each convolution"),
                LuaOption("dropout", .number, default: "0.5", "dropout probability before the classifier"), seedOption, initOption,
            ], at: 1,
                            "CIFAR-style VGG-11/13/16/19: 3×3 convs (+ BatchNorm when bn) + ReLU, five 2×2 max-pools, then flatten, fc1 (512·width), ReLU, dropout, fc2 (classes). width multiplies every channel count. Needs images of at least 32×32.") { lua, o in
                try lua.checkArgumentCount(max: 1)
                lua.push(object: try Model.vgg(depth: try o.integer("depth") ?? 16, input: try image(lua, o, default: [3, 32, 32]),
                                               classes: try classes(o), width: try o.number("width") ?? 1, batchNorm: try o.boolean("bn") ?? true,
                                               dropout: try o.number("dropout") ?? 0.5, seed: try lua.seedOption(o, default: 1),
                                               initializer: try lua.initializerOption(o)))
                return 1
            },
            LuaFunctionSpec("resnet", "models.resnet{…}", options: [
                LuaOption("depth", .integer, default: "18", "18 or 34"), image(default: "{3, 32, 32}"), classesOption,
                LuaOption("width", .number, default: "1.0", "multiplies every channel count"), seedOption, initOption,
            ], at: 1,
                            "CIFAR-style ResNet-18/34: 3×3 stem (no pooling), BasicBlocks [2,2,2,2] or [3,4,6,3] with 64, 128, 256, 512 channels × width, global average pool, fc. Layer names follow torchvision (layer2.0.conv1, layer2.0.downsample.0) plus layer2.0.relu1, layer2.0.add and layer2.0.relu2.") { lua, o in
                try lua.checkArgumentCount(max: 1)
                lua.push(object: try Model.resnet(depth: try o.integer("depth") ?? 18, input: try image(lua, o, default: [3, 32, 32]),
                                                  classes: try classes(o), width: try o.number("width") ?? 1,
                                                  seed: try lua.seedOption(o, default: 1), initializer: try lua.initializerOption(o)))
                return 1
            },
            LuaFunctionSpec("mlp", "models.mlp{…}", options: [
                LuaOption("input", .described("the input size or shape"), shown: "784 | {1, 28, 28}", "the input size (784) or shape ({1, 28, 28}); required"),
                LuaOption("hidden", .described("a table of layer sizes"), shown: "{256, 128}", "the hidden layers' sizes (default none)"),
                classesOption, seedOption, initOption,
            ], at: 1,
                            "A multilayer perceptron: flatten (for shaped inputs), fc1 relu1 … for each hidden size, and a final fc to classes.") { lua, o in
                try lua.checkArgumentCount(max: 1)
                guard let input = try? o.integerArray("input"), !input.isEmpty else {
                    throw lua.error("option 'input': expected the input size (784) or shape ({1, 28, 28})")
                }
                var hidden: [Int] = []
                if o.has("hidden") {
                    guard let h = try? o.integerArray("hidden") else {
                        throw lua.error("option 'hidden': expected a table of layer sizes, e.g. {256, 128}")
                    }
                    hidden = h
                }
                lua.push(object: try Model.mlp(input: input, hidden: hidden, classes: try classes(o),
                                               seed: try lua.seedOption(o, default: 1), initializer: try lua.initializerOption(o)))
                return 1
            },
            LuaFunctionSpec("load", "models.load(path) → model",
                            "Rebuilds a model saved with m:save(path): architecture, weights, masks and BatchNorm statistics (in training mode). A file that is not a prunelab checkpoint, or is truncated, corrupt, of the wrong dtype or missing a tensor, gives an error saying so.") { lua in
                let path = try lua.checkString(1, "path")
                try lua.checkArgumentCount(max: 1)
                lua.push(object: try Model.load(path))
                return 1
            },
        ])

    static let classesOption = LuaOption("classes", .integer, default: "10", "the number of classes (outputs)")
    static let seedOption = LuaOption("seed", .integer, default: "1", "the seed of the initial weights")
    static let initOption = LuaOption("init", .choice(Initializer.allCases.map(\.rawValue)), default: "\"pytorch\"",
                                      "pytorch: uniform ±1/√fan_in; he: He-normal")

    /// The `input` option of an image model.
    static func image(default shape: String) -> LuaOption {
        LuaOption("input", .described("an image shape {channels, height, width}"), default: shape, "the input image shape {channels, height, width}")
    }

    /// The `input` option as an image shape {c, h, w}.
    static func image(_ lua: Lua, _ o: Options, default fallback: [Int]) throws -> [Int] {
        guard o.has("input") else { return fallback }
        guard let shape = try? o.integerArray("input"), shape.count == 3, shape.allSatisfy({ $0 > 0 }) else {
            throw lua.error("option 'input': expected an image shape {channels, height, width}, e.g. {3, 32, 32}")
        }
        return shape
    }

    /// The `classes` option (default 10).
    static func classes(_ o: Options) throws -> Int {
        try o.integer("classes", in: 1...(1 << 20)) ?? 10
    }
}
