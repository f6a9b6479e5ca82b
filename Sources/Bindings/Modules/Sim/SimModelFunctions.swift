import CLua
import Engine

/// `sim.layers`, `sim.pairwise`, `sim.over_time`: comparing models on a probe set
/// (Engine's ``ModelComparison``).
enum SimModelFunctions {
    static let keys = ["measure", "dims", "variance", "energy", "epsilon", "kernel", "sigma", "debiased", "conv", "layers", "max_datapoints", "batch", "seed"]

    static let optionsDoc = """
        Options: measure = "svcca" (default; also "cca", "pwcca", "cka" — linear CKA only, since \
        the activations are streamed) with its options (dims | variance = 0.99 | energy, \
        epsilon); conv = "flatten" (each position of a conv output is a datapoint: N·H·W per \
        layer) or "mean" (spatial means: N); layers = {names} (default: every layer m:record \
        records — convolutions, BatchNorm outputs, ReLUs, poolings, residual additions, linear \
        layers); max_datapoints = k caps the datapoints per layer (k of the T are kept by \
        stratified sampling: the T columns, in order, are cut into k equal runs and one is drawn \
        at random from each, with seed = 0 by default — the same subset whatever the batch \
        size); batch = 64: at most this many probe samples per forward pass (equal batches, the last padded). Both models run in evaluation mode \
        (their modes are restored), the probe (a tensor N×input or a dataset, unaugmented) \
        passes batch by batch, and each layer's statistics are streamed, so memory does not \
        grow with the probe. CCA-based measures need at least as many datapoints per layer as \
        neurons (5× for unbiased values).
        """

    static let all: [LuaFunctionSpec] = [
        LuaFunctionSpec("layers", "sim.layers(m1, m2, probe [, {measure = \"svcca\", variance = 0.99, conv = \"flatten\" | \"mean\", layers = {…}, max_datapoints = n, batch = 64, seed = 0}]) → s",
                        """
                        The similarity of every layer of m1 with the same layer of m2 (same architecture) on the probe \
                        inputs — the paper's per-layer SVCCA (Blakeney, Yan & Zong 2020, §5.1). Returns a result s: s[i] = \
                        {name, value, k1, k2, neurons1, neurons2, datapoints, result}, s.values (a tensor), s.names, \
                        s.measure, s.mean; prints as a table. Mismatched architectures are an error. \(optionsDoc)
                        """) { lua in
            let a = try lua.checkModel(1, "m1")
            let b = try lua.checkModel(2, "m2")
            let probe = try checkProbe(lua, 3)
            try lua.checkArgumentCount(max: 4)
            let options = try comparisonOptions(lua, 4, defaultConv: .flatten)
            let (names, results) = try ModelComparison.layers(a, [b], probe: probe, options: options)
            report(lua, results)
            lua.push(object: LayerSimilarityObject(LayerSimilarities(names: names, results: results[0], measure: options.measure, probeCount: probe.sampleCount)))
            return 1
        },
        LuaFunctionSpec("pairwise", "sim.pairwise(m1, m2, probe [, {measure = \"svcca\", conv = \"mean\", layers = {…}, max_datapoints = n, batch = 64}]) → M, rows, columns",
                        """
                        The layer × layer similarity matrix of m1 (rows) and m2 (columns): a similarity grid M \
                        (M[i][j], M.rows, M.cols, M.measure, M:tensor() a float64 tensor, report.table(M); \
                        prints as a labelled matrix), then the row and column layer names. The models need only take the same inputs. Every compared layer \
                        must have the same number of datapoints, so conv defaults to "mean" here (one datapoint per \
                        probe sample); conv = "flatten" works for layers of one spatial size. The statistics of all \
                        layers of both models are streamed into one joint covariance (its size grows with the total \
                        neuron count; very wide models need a layers list). \(optionsDoc)
                        """) { lua in
            let a = try lua.checkModel(1, "m1")
            let b = try lua.checkModel(2, "m2")
            let probe = try checkProbe(lua, 3)
            try lua.checkArgumentCount(max: 4)
            let options = try comparisonOptions(lua, 4, defaultConv: .mean)
            let (rows, columns, results) = try ModelComparison.pairwise(a, b, probe: probe, options: options)
            report(lua, results)
            lua.push(object: SimilarityGridObject(try LabelledMatrix(
                rows: rows, columns: columns, values: results.flatMap { $0.map(\.value) },
                rowTitle: "layer", columnTitle: "layer", measure: options.measure.name)))
            lua.push(array: rows)
            lua.push(array: columns)
            return 3
        },
        LuaFunctionSpec("over_time", "sim.over_time(snapshots, reference, probe [, {measure = \"svcca\", conv = \"flatten\", layers = {…}, max_datapoints = n, batch = 64}]) → M, names",
                        """
                        The similarity of every layer of each snapshot with the same layer of reference: a similarity \
                        grid layers × snapshots (columns named 1, 2, …; M[i][j], M.rows, M.cols, M.measure, \
                        M:tensor(), report.table(M)) and the layer names — the paper's similarity across retraining \
                        epochs (Blakeney, Yan & Zong 2020, Figure 3). snapshots is a list of models of reference's \
                        architecture, e.g. collected with t:fit(m, ds, {on_epoch = function() snaps[#snaps + 1] = \
                        m:clone() end}). One pass over the probe serves every snapshot. \(optionsDoc)
                        """) { lua in
            let snapshots = try checkModelList(lua, 1, "snapshots")
            let reference = try lua.checkModel(2, "reference")
            let probe = try checkProbe(lua, 3)
            try lua.checkArgumentCount(max: 4)
            let options = try comparisonOptions(lua, 4, defaultConv: .flatten)
            let (names, results) = try ModelComparison.layers(reference, snapshots, probe: probe, options: options)
            report(lua, results)
            var values = [Double](repeating: 0, count: names.count * snapshots.count)
            for (j, column) in results.enumerated() { for (i, r) in column.enumerated() { values[i * snapshots.count + j] = r.value } }
            lua.push(object: SimilarityGridObject(try LabelledMatrix(
                rows: names, columns: (1...snapshots.count).map(String.init), values: values,
                rowTitle: "layer", columnTitle: "snapshot", measure: options.measure.name)))
            lua.push(array: names)
            return 2
        },
    ]

    /// The probe at `index`: a tensor of samples or a dataset.
    static func checkProbe(_ lua: Lua, _ index: Int32) throws -> RecordingInput {
        if let t = lua.object(index, as: Tensor.self) { return .tensor(t) }
        if lua.objectClassName(index) == "dataset" { return .dataset(try lua.checkDataset(index, "probe")) }
        throw lua.argumentError(index, "probe", expected: "a tensor of samples (N×input shape) or a dataset")
    }

    /// A non-empty Lua list of models.
    static func checkModelList(_ lua: Lua, _ index: Int32, _ name: String) throws -> [Model] {
        guard lua.type(index) == .table, lua.rawLength(index) > 0 else {
            throw lua.argumentError(index, name, expected: "a non-empty list of models")
        }
        var models: [Model] = []
        for i in 1...lua.rawLength(index) {
            lua.rawGet(index, i)
            defer { lua.pop(1) }
            guard let m = lua.object(-1, as: Model.self) else {
                throw lua.error("argument \(index) (\(name)): expected a list of models, but entry \(i) is \(lua.describe(-1))")
            }
            models.append(m)
        }
        return models
    }

    /// The options table at `index`.
    static func comparisonOptions(_ lua: Lua, _ index: Int32, defaultConv: ConvolutionLayout) throws -> ModelComparisonOptions {
        let o = try lua.options(index, known: keys)
        let family = try o.choice("measure", SimOptions.families) ?? "svcca"
        try SimOptions.checkApplicable(family, o, lua: lua)
        var options = ModelComparisonOptions()
        options.measure = try SimOptions.measure(family, o, lua: lua)
        options.convolution = o.has("conv") ? try SimOptions.conv(o) : defaultConv
        if o.has("layers") {
            o.push("layers")
            defer { lua.pop(1) }
            if lua.type(-1) == .string, let one = lua.string(-1) {
                options.layers = [one]
            } else if lua.type(-1) == .table, let list = try? lua.checkStringArray(-1, "layers"), !list.isEmpty, list.count == lua.rawLength(-1) {
                options.layers = list
            } else {
                throw lua.error("option 'layers': expected a layer name or a non-empty list of layer names (see m:layers()), got \(lua.describe(-1))")
            }
        }
        options.maxDatapoints = try o.integer("max_datapoints", in: 2...(1 << 40))
        options.batchSize = try lua.positiveOption(o, "batch", default: 64, max: 1 << 20)
        options.samplingSeed = try lua.seedOption(o, default: 0)
        return options
    }

    /// Reports each distinct warning of the results once.
    static func report(_ lua: Lua, _ results: [[SimilarityResult]]) {
        var warnings: [String] = []
        for row in results { for r in row { for w in r.warnings where !warnings.contains(w) { warnings.append(w) } } }
        SimWarnings.report(lua, warnings)
    }
}
