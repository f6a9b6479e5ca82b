import CLua
import Engine

/// Methods, metamethods and fields of model objects.
enum ModelMethods {
    static let all: [LuaFunctionSpec] = [
        LuaFunctionSpec("forward", "m:forward(x) → y",
                        "The model's output for the batch x (a tensor N×input shape; float64 is converted). In training mode BatchNorm uses batch statistics and Dropout drops; call m:eval() first for inference (or m:predict(x), the fused inference path). Returns a new tensor.") { lua in
            let m = try lua.checkModel(1, "self")
            let x = try lua.check(2, Tensor.self, "x")
            try lua.checkArgumentCount(max: 2)
            lua.push(object: try m.forward(x).copy())
            return 1
        },
        LuaFunctionSpec("predict", "m:predict(x) → y",
                        "The model's output for the batch x as m:evaluate computes it, whatever the mode: evaluation mode on the inference plan (m:plan(): each BatchNorm folded into the convolution before it, ReLU and shortcut additions on the convolution's way out), the mode restored afterwards. The fastest inference, dense or compressed (m:compress()); equals m:eval() then m:forward(x) up to rounding, but the layers' own outputs are not kept for recording and no m:backward may follow. Returns a new tensor.") { lua in
            let m = try lua.checkModel(1, "self")
            let x = try lua.check(2, Tensor.self, "x")
            try lua.checkArgumentCount(max: 2)
            lua.push(object: try m.predict(x).copy())
            return 1
        },
        LuaFunctionSpec("backward", "m:backward(dy) → dx",
                        "Backpropagates dy = ∂loss/∂output of the last m:forward: adds ∂loss/∂θ to every parameter's gradient (see m:gradients(); clear them with m:zero_grad()) and returns ∂loss/∂input.") { lua in
            let m = try lua.checkModel(1, "self")
            let dy = try lua.check(2, Tensor.self, "dy").converted(to: .float32)
            try lua.checkArgumentCount(max: 2)
            lua.push(object: try m.backward(dy).copy())
            return 1
        },
        LuaFunctionSpec("conv_routes", "m:conv_routes([batch]) → report table",
                        "How each convolution runs for a batch of batch samples (default 128) of the model's input shape: a report table {layer, input, forward, input_gradient, weight_gradient, sparse_forward} naming each pass's route: winograd (3×3 stride-1 layers, AVX2 and AVX-512), channels (the output-channel kernel), flat (the flat direct kernel) or im2col (im2col + sgemm); sparse_forward is the kernel a layer compressed sparse (m:compress()) runs: flat (stride 1, one sample's padded planes), batched (stride 1 on small planes, 16 samples interleaved) or im2col (strides). The routes depend on the CPU and on PRUNELAB_CONV and PRUNELAB_WINOGRAD (sys.settings()); empty while the input shape is unknown.") { lua in
            let m = try lua.checkModel(1, "self")
            let batch = try lua.isNoneOrNil(2) ? 128 : lua.checkInteger(2, "batch", in: 1...(1 << 30))
            try lua.checkArgumentCount(max: 2)
            lua.push(object: ReportTableObject(try m.convolutionPlanTable(batch: batch)))
            return 1
        },
        LuaFunctionSpec("zero_grad", "m:zero_grad() → m", "Sets every parameter gradient to zero.") { lua in
            let m = try lua.checkModel(1, "self")
            try lua.checkArgumentCount(max: 1)
            m.zeroGradients()
            lua.pushCopy(1)
            return 1
        },
        LuaFunctionSpec("parameters", "m:parameters() → {name = tensor, …}",
                        "The trainable tensors by full name (conv1.weight, layer1.0.bn1.bias …); pairs() visits them in layer order. The tensors share memory with the model: writing to them changes the weights.") { lua in
            let m = try lua.checkModel(1, "self")
            try lua.checkArgumentCount(max: 1)
            let params = m.parameters
            try OrderedTable.push(lua, keys: params.map(\.name)) { lua.push(object: params[$0].parameter.value) }
            return 1
        },
        LuaFunctionSpec("gradients", "m:gradients() → {name = tensor, …}",
                        "The accumulated gradient of every parameter, by the same names as m:parameters() (shared with the model).") { lua in
            let m = try lua.checkModel(1, "self")
            try lua.checkArgumentCount(max: 1)
            let params = m.parameters
            try OrderedTable.push(lua, keys: params.map(\.name)) { lua.push(object: params[$0].parameter.gradient) }
            return 1
        },
        LuaFunctionSpec("buffers", "m:buffers() → {name = tensor, …}",
                        "Non-trainable saved state by name: BatchNorm running_mean and running_var (shared with the model).") { lua in
            let m = try lua.checkModel(1, "self")
            try lua.checkArgumentCount(max: 1)
            let buffers = m.buffers
            try OrderedTable.push(lua, keys: buffers.map(\.name)) { lua.push(object: buffers[$0].tensor) }
            return 1
        },
        LuaFunctionSpec("layers", "m:layers() → {name, …}",
                        "Full names of every layer whose output can be recorded, in forward order (conv1, bn1, relu, layer1.0.conv1, …, layer1.0.add, layer1.0.relu2, …, fc).") { lua in
            let m = try lua.checkModel(1, "self")
            try lua.checkArgumentCount(max: 1)
            lua.push(array: m.layers.map(\.name))
            return 1
        },
        LuaFunctionSpec("layer", "m:layer(name) → model",
                        "The layer (or container) called name, as a model object sharing its weights with m.") { lua in
            let m = try lua.checkModel(1, "self")
            let name = try lua.checkString(2, "name")
            try lua.checkArgumentCount(max: 2)
            guard let layer = m.layer(named: name) else {
                throw lua.argumentError(2, "name", expected: "a layer name such as \(m.layers.prefix(3).map { "\"\($0.name)\"" }.joined(separator: ", ")) (see m:layers())")
            }
            try lua.push(layer: layer)
            return 1
        },
        LuaFunctionSpec("plan", "m:plan() → report table",
                        """
                        The inference plan: the steps m:evaluate, m:accuracy and m:predict run, chosen once when \
                        the model was built from what each layer declares. One row per step (step, layers, runs \
                        as): a layer alone; in place over the output of the layer before (a ReLU after a linear \
                        or BatchNorm layer, or after a convolution outside evaluations; also in training); or one \
                        convolution with the BatchNorm after it folded into its weights and the ReLU (in a \
                        residual block, the shortcut sum and ReLU) applied on its way out, or a convolution with \
                        the ReLU right after it applied on its way out. Fused steps agree with the layers one by \
                        one up to rounding (without a BatchNorm, exactly). The \
                        title sums the plan up, as the last line of print(m) does.
                        """) { lua in
            let m = try lua.checkModel(1, "self")
            try lua.checkArgumentCount(max: 1)
            lua.push(object: ReportTableObject(try m.inferencePlan.table()))
            return 1
        },
        LuaFunctionSpec("clone", "m:clone() → model",
                        "A deep copy: same architecture, weights, masks, running statistics and mode; its own buffers and zero gradients.") { lua in
            let m = try lua.checkModel(1, "self")
            try lua.checkArgumentCount(max: 1)
            lua.push(object: try m.clone())
            return 1
        },
        LuaFunctionSpec("train", "m:train() → m", "Training mode: BatchNorm uses and updates batch statistics, Dropout drops.") { lua in
            let m = try lua.checkModel(1, "self")
            try lua.checkArgumentCount(max: 1)
            m.setTraining(true)
            lua.pushCopy(1)
            return 1
        },
        LuaFunctionSpec("eval", "m:eval() → m", "Evaluation mode: BatchNorm uses its running statistics, Dropout passes inputs through.") { lua in
            let m = try lua.checkModel(1, "self")
            try lua.checkArgumentCount(max: 1)
            m.setTraining(false)
            lua.pushCopy(1)
            return 1
        },
        LuaFunctionSpec("accuracy", "m:accuracy(ds [, {batch = 256}]) → fraction",
                        "The fraction of ds (a dataset) whose largest output is the label, in [0, 1], computed in evaluation mode (the mode is restored afterwards). Ctrl-C stops between batches.") { lua in
            let m = try lua.checkModel(1, "self")
            let ds = try lua.checkDataset(2, "ds")
            let options = try lua.options(3, known: ["batch"])
            try lua.checkArgumentCount(max: 3)
            lua.push(try m.accuracy(ds, batchSize: try lua.positiveOption(options, "batch", default: 256, max: 1 << 20)))
            return 1
        },
        LuaFunctionSpec("evaluate", "m:evaluate(ds [, {batch = 256}]) → loss, accuracy, seconds",
                        "Mean cross-entropy loss and accuracy (in [0, 1]) over ds, in evaluation mode, and the wall-clock seconds it took.") { lua in
            let m = try lua.checkModel(1, "self")
            let ds = try lua.checkDataset(2, "ds")
            let options = try lua.options(3, known: ["batch"])
            try lua.checkArgumentCount(max: 3)
            let result = try m.evaluate(ds, batchSize: try lua.positiveOption(options, "batch", default: 256, max: 1 << 20))
            lua.push(result.loss)
            lua.push(result.accuracy)
            lua.push(result.seconds)
            return 3
        },
        LuaFunctionSpec("record", "m:record(x | ds [, {layers = \"all\" | {name, …}, conv = \"flatten\" | \"mean\", batch = 256}]) → {name = tensor, …}",
                        """
                        Records layer outputs for every sample of x (a tensor N×input shape) or ds (a dataset, in order, \
                        without augmentation), in evaluation mode, batch by batch. Returns name → float32 matrix \
                        neurons × datapoints (pairs() visits layers in order): N×F outputs give F×N; N×C×H×W outputs give \
                        C×(N·H·W) with column (n·H + h)·W + w (conv = "flatten", default) or C×N spatial means \
                        (conv = "mean"). layers = "all" (default) records every layer of m:layers() except flatten and \
                        dropout: convolutions, BatchNorm outputs, ReLUs, poolings, residual additions, fully connected layers.
                        """) { lua in
            let m = try lua.checkModel(1, "self")
            let input: RecordingInput
            if let t = lua.object(2, as: Tensor.self) {
                input = .tensor(t)
            } else if lua.objectClassName(2) == "dataset" {
                input = .dataset(try lua.checkDataset(2, "ds"))
            } else {
                throw lua.argumentError(2, "x", expected: "a tensor of samples or a dataset")
            }
            let options = try lua.options(3, known: ["layers", "conv", "batch"])
            try lua.checkArgumentCount(max: 3)
            var names: [String]?
            if options.has("layers") {
                options.push("layers")
                defer { lua.pop(1) }
                if lua.string(-1) == "all" {
                    names = nil
                } else if lua.type(-1) == .table, let list = try? lua.checkStringArray(-1, "layers"), !list.isEmpty {
                    names = list
                } else {
                    throw lua.error("option 'layers': expected \"all\" or a non-empty table of layer names (see m:layers()), got \(lua.describe(-1))")
                }
            }
            let reduction = ConvolutionReduction(rawValue: try options.choice("conv", ConvolutionReduction.allCases.map(\.rawValue)) ?? "flatten") ?? .flatten
            let recorded = try m.record(input, layers: names, convolution: reduction,
                                        batchSize: try lua.positiveOption(options, "batch", default: 256, max: 1 << 20))
            try OrderedTable.push(lua, keys: recorded.map(\.name)) { lua.push(object: recorded[$0].activations) }
            return 1
        },
        LuaFunctionSpec("save", "m:save(path [, {metadata = {…}, format = \"prunelab\"|\"torch-prune\", sparse = false}]) → m",
                        """
                        Writes a checkpoint (safetensors, written atomically): every parameter and BatchNorm buffer under \
                        its name (conv1.weight, bn1.running_mean …; PyTorch's state_dict names), pruning masks as \
                        <name>.mask, and the architecture in the header metadata so that models.load(path) rebuilds the \
                        model. The header also records what is known of the model's history (m.provenance: training \
                        settings and seed, data normalisation, last metrics, interruption) and metadata, a table of your \
                        own (strings, numbers, booleans, nested tables; read back as m.metadata). format = "torch-prune" \
                        names pruned parameters as torch.nn.utils.prune does (conv1.weight_orig, conv1.weight_mask), \
                        so a PyTorch model with prune applied loads the state_dict; models.load reads both namings. \
                        sparse = true stores every masked parameter compactly: <name>.bits (U8, the mask packed 8 per \
                        byte, least significant bit first: numpy.packbits(mask, bitorder="little")) and <name>.values \
                        (F32, the kept weights in order), the layout recorded in the metadata entry "sparse"; \
                        models.load restores weights and masks bit for bit. Tensors without a mask (biases, \
                        BatchNorm, an unpruned layer) are stored dense, so a model with no mask saves as a dense \
                        file; a masked tensor whose pruned weights are not all zero is stored dense too. \
                        At 90% sparsity a weight takes about 13% of its dense bytes. Dense stays the default \
                        (PyTorch reads it); sparse = true with format = "torch-prune" is an error.
                        """) { lua in
            let m = try lua.checkModel(1, "self")
            let path = try lua.checkString(2, "path")
            let options = try lua.options(3, known: ["metadata", "format", "sparse"])
            try lua.checkArgumentCount(max: 3)
            let naming = Model.CheckpointNaming(rawValue: try options.choice("format", Model.CheckpointNaming.allCases.map(\.rawValue)) ?? "prunelab") ?? .prunelab
            var user: JSON?
            let kind = options.push("metadata")
            if kind != .nil {
                guard kind == .table else { throw lua.error("option 'metadata': expected a table of your own keys and values, got \(lua.describe(-1))") }
                let value = try LuaJSONEncoder(lua: lua, emptyAsObject: true).encode(-1)
                guard case .object = value else { throw lua.error("option 'metadata': expected a table with string keys (an object), got an array") }
                user = value
            }
            lua.pop(1)
            let sparse = try options.boolean("sparse") ?? false
            if sparse && naming != .prunelab {
                throw lua.error("option 'sparse': expected false with format = \"torch-prune\" (PyTorch reads dense files only), got true")
            }
            try m.save(path, naming: naming, userMetadata: user, sparse: sparse)
            lua.pushCopy(1)
            return 1
        },
    ]

    static let metamethods: [String: LuaBody] = [
        "__tostring": { lua in
            lua.push(try lua.checkModel(1, "self").summary)
            return 1
        },
    ]

    /// Fields: `m.training`, `m.input`, `m.title`, `m.parameter_count`, `m.flops`, `m.interrupted`, `m.metadata`, `m.provenance`.
    /// `m.provenance`: {training = {…}, normalization = {mean = {…}, std = {…}}, metrics = {…},
    /// interrupted = bool, metadata = {…}} with what is known.
    static func pushProvenance(_ lua: Lua, _ p: ModelProvenance) throws {
        lua.newTable(fieldCapacity: 5)
        if let t = p.training { try lua.push(json: t); lua.rawSet(-2, "training") }
        if let n = p.normalization {
            lua.newTable(fieldCapacity: 2)
            lua.push(array: n.mean); lua.rawSet(-2, "mean")
            lua.push(array: n.std); lua.rawSet(-2, "std")
            lua.rawSet(-2, "normalization")
        }
        if let m = p.metrics { try lua.push(json: m); lua.rawSet(-2, "metrics") }
        lua.push(p.interrupted); lua.rawSet(-2, "interrupted")
        if let u = p.user { try lua.push(json: u); lua.rawSet(-2, "metadata") }
    }
}
