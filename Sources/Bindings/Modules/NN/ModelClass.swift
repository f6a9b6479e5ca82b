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
        fields: ["training", "input", "title", "parameter_count", "flops", "interrupted", "metadata", "provenance"],
        index: ModelMethods.index,
        describe: { object in
            guard let m = object as? Model else { return "model" }
            return "model (\(m.title))"
        })
}
