import CLua
import Engine

extension Model: LuaBindable {
    /// Parameters, gradients, masks and buffers: the collector must see them, or a loop that
    /// creates and drops models grows by gigabytes before Lua collects.
    public var luaExternalBytes: Int { storageBytes }

    /// The Lua class of models and layers (`models.*`, `nn.*`).
    public static let luaClass = LuaClass(
        name: "model",
        doc: """
            A neural network (or one layer of it) in the style of Torch7's nn modules: \
            y = m:forward(x) on a batch (N×…), m:backward(dy) after it, parameters shared with \
            m:parameters(). Layers have dotted names (conv1, layer2.0.conv1, layer2.0.add) used \
            by pruning, recording and checkpoints. tostring(m) shows a table of layers, output \
            shapes, parameter counts and FLOPs.
            """,
        methods: ModelMethods.all + PruneModelMethods.all,
        metamethods: ModelMethods.metamethods,
        fields: [
            field("training", "whether the model is in training mode (m:train(), m:evaluate())") { lua, m in lua.push(m.isTraining) },
            field("input", "the declared input shape of one sample, or nil") { lua, m in
                if let shape = m.shapeForSummary { lua.push(array: shape) } else { lua.pushNil() }
            },
            field("title", "the model's title (\"ConvNet\", \"VGG-16\", …)") { lua, m in lua.push(m.title) },
            field("parameter_count", "the number of parameters") { lua, m in lua.push(m.parameterCount) },
            field("flops", "multiply-adds of one forward pass of one sample") { lua, m in lua.push(m.flops) },
            field("interrupted", "whether its last training was stopped by Ctrl-C") { lua, m in lua.push(m.provenance.interrupted) },
            field("metadata", "the user metadata saved with it (m:save(path, {metadata = …})), or nil") { lua, m in
                if let user = m.provenance.user { try lua.push(json: user) } else { lua.pushNil() }
            },
            field("provenance", "how it was made: {training, normalization, metrics, interrupted, metadata}") { lua, m in
                try ModelMethods.pushProvenance(lua, m.provenance)
            },
        ],
        elements: { lua in
            guard lua.string(2) != nil else { throw lua.argumentError(2, "key", expected: "a method or field name") }
            return 0
        },
        describe: { object in
            guard let m = object as? Model else { return "model" }
            return "model (\(m.title))"
        })
}
