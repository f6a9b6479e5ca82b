import CLua
import Engine

/// `m:compress()` and `m:decompress()`: sparse inference routes for pruned models (Engine's
/// `Model.compress`); also `prune.compress(m)` and `prune.decompress(m)`.
extension PruneModelMethods {
    static let compress = LuaFunctionSpec("compress", "m:compress([{max_density = 0.2, measure = x | true, repeats = 5}]) → m", """
        Prepares m for fast inference: every convolution and linear layer whose weight has a mask \
        and at most max_density nonzero weights runs its forward through sparse kernels (its \
        nonzero weights in compressed sparse rows; stride-1 convolutions read each nonzero's \
        inputs straight from the padded planes, with 16 samples interleaved on planes of 4×4 \
        and below, the others multiply im2col patches or the batch; vectorised with \
        AVX2/AVX-512, split over sys.set_threads workers; m:conv_routes() names each \
        convolution's sparse kernel); the others \
        stay dense (denser layers run faster dense: 0.2 is where the sparse kernels start to \
        win on VGG and ResNet in scripts/bench_sparse). print(m) shows each layer's route and why. \
        For the fastest inference call m:predict(x) (or m:evaluate(ds)), which also folds each \
        BatchNorm into its convolution and applies ReLU on the way out. The logits \
        equal the dense ones up to rounding. A model without masks stays dense everywhere (the \
        routes say "no mask"). m is put in evaluation mode; training it, or a forward after \
        m:train(), is an error until m:decompress(). The compressed weights are a snapshot: after \
        changing weights or masks, call m:compress() again; m:clone() gives an uncompressed copy. \
        A backward pass through a compressed layer is an error too. max_density = 1 sends every \
        masked layer sparse, 0 only fully pruned ones. measure = x (a batch the model accepts; \
        true: 64 random samples of its input shape) times each layer the density rule sends \
        sparse on both routes, on its own input from a forward pass of x (median of repeats \
        passes), and keeps the sparse route only where it is faster: the routes in print(m) \
        then quote both times, and m:sparsity() shows them per layer (dense_ms, sparse_ms). \
        Measured routes depend on this machine, the batch size and the timing noise; without \
        measure the choice is the density rule alone and the same every time.
        """) { lua in
        let m = try lua.checkModel(1, "m")
        let options = try lua.options(2, known: ["max_density", "measure", "repeats"])
        try lua.checkArgumentCount(max: 2)
        let limit = try options.number("max_density") ?? SparseRoute.defaultMaxDensity
        guard limit.isFinite, limit >= 0, limit <= 1 else {
            throw lua.error("option 'max_density': expected a density in [0, 1], got \(limit)")
        }
        let repeats = try options.integer("repeats", in: 1...1000) ?? 5
        var sample: Tensor?
        if options.has("measure") {
            if let wanted = try? options.boolean("measure") {
                if wanted {
                    guard let shape = m.shapeForSummary else {
                        throw lua.error("option 'measure': the model's input shape is not known yet (declare input = {…} or run a forward pass), so pass a sample batch: measure = x")
                    }
                    sample = try Tensor.randn([64] + shape, seed: 1)
                }
            } else if let t = try? options.object("measure", Tensor.self) {
                sample = t
            } else {
                options.push("measure")
                let given = lua.describe(-1)
                lua.pop(1)
                throw lua.error("option 'measure': expected a sample batch (a tensor) or a boolean, got \(given)")
            }
        } else if options.has("repeats") {
            throw lua.error("option 'repeats': only with measure = x (it counts the timed passes)")
        }
        try m.compress(maxDensity: limit, measuring: sample, repeats: repeats)
        lua.pushCopy(1)
        return 1
    }

    static let decompress = LuaFunctionSpec("decompress", "m:decompress() → m", """
        Undoes m:compress(): every layer runs dense again and m can be trained (its mode is left \
        as it is: m:train() to train).
        """) { lua in
        let m = try lua.checkModel(1, "m")
        try lua.checkArgumentCount(max: 1)
        m.decompress()
        lua.pushCopy(1)
        return 1
    }
}
