import CLua
import Engine

/// The `nn` Lua module: layers to compose models from, and the loss.
enum NNModule {
    static let module = LuaModule(
        name: "nn",
        doc: """
            Neural-network layers in the style of Torch7's nn, to compose your own models: \
            nn.Sequential{nn.Conv2d(1, 8, 3, {padding = 1}), nn.ReLU(), nn.Flatten(), nn.Linear(8*28*28, 10)}. \
            Every layer is a model object (help(m) for its methods: forward, backward, parameters, …). \
            Unnamed layers are named by kind and position (conv1, relu1, fc1 …); give {name = "…"} to choose. \
            Layers built without a seed draw their weights from seeds 1, 2, 3 … in creation order, so a \
            script is reproducible. nn.cross_entropy(logits, labels) gives the loss and its gradient.
            """,
        functions: [
            LuaFunctionSpec("Linear", "nn.Linear(in, out [, {bias = true, init = \"pytorch\"|\"he\", seed = s, name = s}])",
                            "Fully connected layer y = x·Wᵀ + b on N×in batches (W is out×in). Default init: W and b uniform in ±1/√in (PyTorch's).") { lua in
                let inputs = try lua.checkInteger(1, "in", in: 1...(1 << 24))
                let outputs = try lua.checkInteger(2, "out", in: 1...(1 << 24))
                let options = try lua.options(3, known: ["bias", "init", "seed", "name"])
                try lua.checkArgumentCount(max: 3)
                var rng = RandomGenerator(seed: try lua.seedOption(options, default: lua.nextLayerSeed()))
                try lua.push(layer: Linear(name: try lua.layerNameOption(options), inFeatures: inputs, outFeatures: outputs,
                                           bias: try options.boolean("bias") ?? true, initializer: try lua.initializerOption(options), generator: &rng))
                return 1
            },
            LuaFunctionSpec("Conv2d", "nn.Conv2d(in, out, kernel [, {stride = 1, padding = 0, bias = true, init = \"pytorch\"|\"he\", seed = s, name = s}])",
                            "2-d convolution on N×in×H×W batches; kernel, stride and padding are an integer or {h, w}. Output size ⌊(H + 2·pad − kernel)/stride⌋ + 1. Default init: uniform in ±1/√(in·kh·kw).") { lua in
                let inputs = try lua.checkInteger(1, "in", in: 1...(1 << 20))
                let outputs = try lua.checkInteger(2, "out", in: 1...(1 << 20))
                let kernel = try lua.checkPair(3, "kernel")
                let options = try lua.options(4, known: ["stride", "padding", "bias", "init", "seed", "name"])
                try lua.checkArgumentCount(max: 4)
                var rng = RandomGenerator(seed: try lua.seedOption(options, default: lua.nextLayerSeed()))
                try lua.push(layer: Conv2d(name: try lua.layerNameOption(options), inChannels: inputs, outChannels: outputs, kernel: kernel,
                                           stride: try lua.pairOption(options, "stride", allowZero: false) ?? (1, 1),
                                           padding: try lua.pairOption(options, "padding", allowZero: true) ?? (0, 0),
                                           bias: try options.boolean("bias") ?? true, initializer: try lua.initializerOption(options), generator: &rng))
                return 1
            },
            LuaFunctionSpec("BatchNorm2d", "nn.BatchNorm2d(channels [, {eps = 1e-5, momentum = 0.1, name = s}])",
                            "Batch normalisation per channel of N×C×H×W batches: batch statistics in training (running averages updated with momentum), running statistics in evaluation. γ starts at 1, β at 0.") { lua in
                try pushBatchNorm(lua, spatial: true)
            },
            LuaFunctionSpec("BatchNorm1d", "nn.BatchNorm1d(features [, {eps = 1e-5, momentum = 0.1, name = s}])",
                            "Batch normalisation per feature of N×F batches (see nn.BatchNorm2d).") { lua in
                try pushBatchNorm(lua, spatial: false)
            },
            LuaFunctionSpec("ReLU", "nn.ReLU([{name = s}])", "Rectified linear unit, max(0, x).") { lua in
                let options = try lua.options(1, known: ["name"])
                try lua.checkArgumentCount(max: 1)
                try lua.push(layer: ReLU(name: try lua.layerNameOption(options)))
                return 1
            },
            LuaFunctionSpec("MaxPool2d", "nn.MaxPool2d(kernel [, {stride = kernel, padding = 0, name = s}])",
                            "Max pooling over kernel windows (an integer or {h, w}); padding (at most half the kernel) never wins.") { lua in
                try pushPool(lua, max: true)
            },
            LuaFunctionSpec("AvgPool2d", "nn.AvgPool2d(kernel [, {stride = kernel, padding = 0, name = s}])",
                            "Average pooling over kernel windows; padding counts as zeros (PyTorch's count_include_pad).") { lua in
                try pushPool(lua, max: false)
            },
            LuaFunctionSpec("GlobalAvgPool2d", "nn.GlobalAvgPool2d([{name = s}])",
                            "Global average pooling: N×C×H×W → N×C (the mean of each channel).") { lua in
                let options = try lua.options(1, known: ["name"])
                try lua.checkArgumentCount(max: 1)
                try lua.push(layer: GlobalAvgPool2d(name: try lua.layerNameOption(options)))
                return 1
            },
            LuaFunctionSpec("Dropout", "nn.Dropout([p = 0.5] [, {seed = s, name = s}])",
                            "Inverted dropout: in training, zero each element with probability p and scale the rest by 1/(1 − p); identity in evaluation. Draws from its own seeded generator.") { lua in
                var next: Int32 = 1
                var p = 0.5
                if let v = lua.number(1) {
                    guard v >= 0, v <= 1 else { throw lua.argumentError(1, "p", expected: "a probability in [0, 1]") }
                    p = v
                    next = 2
                } else if !lua.isNoneOrNil(1) && lua.type(1) != .table {
                    throw lua.argumentError(1, "p", expected: "a probability in [0, 1] or an options table")
                }
                let options = try lua.options(next, known: ["seed", "name"])
                try lua.checkArgumentCount(max: next)
                try lua.push(layer: Dropout(name: try lua.layerNameOption(options), probability: p,
                                            seed: try lua.seedOption(options, default: lua.nextLayerSeed())))
                return 1
            },
            LuaFunctionSpec("Flatten", "nn.Flatten([{name = s}])", "Flattens each sample: N×d₁×…×d_k → N×(d₁⋯d_k).") { lua in
                let options = try lua.options(1, known: ["name"])
                try lua.checkArgumentCount(max: 1)
                try lua.push(layer: Flatten(name: try lua.layerNameOption(options)))
                return 1
            },
            LuaFunctionSpec("BasicBlock", "nn.BasicBlock(in, out [, {stride = 1, init = \"pytorch\"|\"he\", seed = s, name = s}])",
                            "ResNet's basic block: conv3×3(stride)–BN–ReLU–conv3×3–BN plus a shortcut (identity, or 1×1 conv + BN when the stride or channels change), then ReLU. Children conv1, bn1, relu1, conv2, bn2, [downsample.0, downsample.1], add, relu2.") { lua in
                let inputs = try lua.checkInteger(1, "in", in: 1...(1 << 20))
                let outputs = try lua.checkInteger(2, "out", in: 1...(1 << 20))
                let options = try lua.options(3, known: ["stride", "init", "seed", "name"])
                try lua.checkArgumentCount(max: 3)
                var rng = RandomGenerator(seed: try lua.seedOption(options, default: lua.nextLayerSeed()))
                try lua.push(layer: BasicBlock(name: try lua.layerNameOption(options), inChannels: inputs, outChannels: outputs,
                                               stride: try options.integer("stride", in: 1...64) ?? 1,
                                               initializer: try lua.initializerOption(options), generator: &rng))
                return 1
            },
            LuaFunctionSpec("Sequential", "nn.Sequential{layer, layer, … [, input = {c, h, w}, name = s]}",
                            "A chain of layers (model objects) applied in order; unnamed layers are named conv1, relu1, fc1 … by kind. input fixes the per-sample input shape (otherwise the first forward does), so that the summary can show shapes and FLOPs. The layers are shared, not copied.") { lua in
                try lua.checkTable(1, "layers")
                try lua.checkArgumentCount(max: 1)
                var layers: [Layer] = []
                let n = lua.rawLength(1)
                for i in stride(from: 1, through: n, by: 1) {
                    lua.rawGet(1, i)
                    defer { lua.pop(1) }
                    guard let m = lua.object(-1, as: Model.self) else {
                        throw lua.error("argument 1 (layers): expected a table of layers (nn.* or models.* objects), but entry \(i) is \(lua.describe(-1))")
                    }
                    if layers.contains(where: { $0 === m.root }) {
                        throw lua.error("argument 1 (layers): entry \(i) is a layer already in the list (a layer can appear once; use m:clone() for a copy)")
                    }
                    layers.append(m.root)
                }
                var name = "", input: [Int]?
                try lua.forEachEntry(1) { key, _ in
                    if let k = lua.integer(key), lua.isInteger(key), k >= 1, k <= n { return }
                    guard let s = lua.string(key), s == "input" || s == "name" else {
                        throw lua.error("unknown option \(lua.string(key).map { "'\($0)'" } ?? lua.describe(key)) (known options: input, name)")
                    }
                }
                let options = Options(lua: lua, index: 1)
                if options.has("name") { name = try lua.layerNameOption(options) }
                if options.has("input") {
                    guard let shape = try? options.integerArray("input"), !shape.isEmpty, shape.allSatisfy({ $0 > 0 }) else {
                        throw lua.error("option 'input': expected the per-sample shape, e.g. {1, 28, 28}")
                    }
                    input = shape
                }
                let root = try Sequential(name: name, layers)
                lua.push(object: try Model(root: root, inputShape: input, title: "nn.Sequential"))
                return 1
            },
            LuaFunctionSpec("cross_entropy", "nn.cross_entropy(logits, labels) → loss, gradient",
                            "Softmax cross-entropy averaged over the batch: logits N×classes, labels a tensor or table of N class numbers 1…classes. Returns the loss (a number, computed with a stable log-sum-exp) and ∂loss/∂logits = (softmax − onehot)/N.") { lua in
                let logits = try lua.check(1, Tensor.self, "logits")
                let labels = try lua.checkClassLabels(2, "labels")
                try lua.checkArgumentCount(max: 2)
                guard logits.rank == 2 else { throw lua.argumentError(1, "logits", expected: "a tensor N×classes") }
                let result = try CrossEntropy.evaluate(logits: try logits.converted(to: .float32), labels: labels)
                lua.push(result.loss)
                lua.push(object: result.gradient)
                return 2
            },
        ] + LayerConstructors.all)

    private static func pushBatchNorm(_ lua: Lua, spatial: Bool) throws -> Int32 {
        let features = try lua.checkInteger(1, spatial ? "channels" : "features", in: 1...(1 << 24))
        let options = try lua.options(2, known: ["eps", "momentum", "name"])
        try lua.checkArgumentCount(max: 2)
        let eps = try options.number("eps") ?? 1e-5, momentum = try options.number("momentum") ?? 0.1
        let name = try lua.layerNameOption(options)
        if spatial {
            try lua.push(layer: BatchNorm2d(name: name, features: features, eps: eps, momentum: momentum))
        } else {
            try lua.push(layer: BatchNorm1d(name: name, features: features, eps: eps, momentum: momentum))
        }
        return 1
    }

    private static func pushPool(_ lua: Lua, max: Bool) throws -> Int32 {
        let kernel = try lua.checkPair(1, "kernel")
        let options = try lua.options(2, known: ["stride", "padding", "name"])
        try lua.checkArgumentCount(max: 2)
        let stride = try lua.pairOption(options, "stride", allowZero: false)
        let padding = try lua.pairOption(options, "padding", allowZero: true) ?? (0, 0)
        let name = try lua.layerNameOption(options)
        if max {
            try lua.push(layer: MaxPool2d(name: name, kernel: kernel, stride: stride, padding: padding))
        } else {
            try lua.push(layer: AvgPool2d(name: name, kernel: kernel, stride: stride, padding: padding))
        }
        return 1
    }
}
