import CLua
import Engine

/// `sim.layers`, `sim.pairwise`, `sim.over_time`: comparing models on a probe set
/// (Engine's ``ModelComparison``).
enum SimModelFunctions {
    /// The options of sim.layers / pairwise / over_time: the measure's (linear CKA only, since
    /// the activations are streamed) and how the probe is run; `conv` defaults to `defaultConv`.
    static func options(defaultConv: ConvolutionLayout) -> [LuaOption] {
        SimOptions.allOptions.map { option in
            option.key == "conv" ? LuaOption("conv", option.kind, default: "\"\(defaultConv.rawValue)\"",
                                             "flatten: each position of a conv output is a datapoint (N·H·W per layer); mean: spatial means (N)")
                : option
        } + [
            LuaOption("layers", .described("a layer name or a non-empty list of layer names"), shown: "{…}",
                      "the layers to compare (default: every layer m:record records — convolutions, BatchNorm outputs, ReLUs, poolings, residual additions, linear layers)"),
            LuaOption("max_datapoints", .integer, shown: "n",
                      "caps the datapoints per layer: the T columns, in order, are cut into n equal runs and one is drawn at random from each (the same subset whatever the batch size)"),
            LuaOption("batch", .integer, default: "64", "at most this many probe samples per forward pass (equal batches, the last padded)"),
            LuaOption("seed", .integer, default: "0", "seed of the max_datapoints sampling"),
        ]
    }

    static let optionsDoc = """
        measure = "cka" is linear CKA only, since the activations are streamed. Both models run \
        in evaluation mode (their modes are restored), the probe (a tensor N×input or a dataset, \
        unaugmented) passes batch by batch, and each layer's statistics are streamed, so memory \
        does not grow with the probe. CCA-based measures need at least as many datapoints per \
        layer as neurons (5× for unbiased values).
        """

    static let all: [LuaFunctionSpec] = [
        LuaFunctionSpec("layers", "sim.layers(m1, m2, probe [, {…}]) → s", options: options(defaultConv: .flatten), at: 4,
                        """
                        The similarity of every layer of m1 with the same layer of m2 (same architecture) on the probe \
                        inputs — the paper's per-layer SVCCA (Blakeney, Yan & Zong 2020, §5.1). Returns a result s: s[i] = \
                        {name, value, k1, k2, neurons1, neurons2, datapoints, result}, s.values (a tensor), s.names, \
                        s.measure, s.mean; prints as a table. Mismatched architectures are an error. \(optionsDoc)
                        """) { lua, o in
            let a = try lua.checkModel(1, "m1")
            let b = try lua.checkModel(2, "m2")
            let probe = try checkProbe(lua, 3)
            try lua.checkArgumentCount(max: 4)
            let options = try comparisonOptions(lua, o, defaultConv: .flatten)
            let (names, results) = try ModelComparison.layers(a, [b], probe: probe, options: options)
            report(lua, results)
            lua.push(object: LayerSimilarityObject(LayerSimilarities(names: names, results: results[0], measure: options.measure, probeCount: probe.sampleCount)))
            return 1
        },
        LuaFunctionSpec("pairwise", "sim.pairwise(m1, m2, probe [, {…}]) → M, rows, columns", options: options(defaultConv: .mean), at: 4,
                        """
                        The layer × layer similarity matrix of m1 (rows) and m2 (columns): a similarity grid M \
                        (M[i][j], M.rows, M.cols, M.measure, M:tensor() a float64 tensor, report.table(M); \
                        prints as a labelled matrix), then the row and column layer names. The models need only take the same inputs. Every compared layer \
                        must have the same number of datapoints, so conv defaults to "mean" here (one datapoint per \
                        probe sample); conv = "flatten" works for layers of one spatial size. The statistics of all \
                        layers of both models are streamed into one joint covariance (its size grows with the total \
                        neuron count; very wide models need a layers list). \(optionsDoc)
                        """) { lua, o in
            let a = try lua.checkModel(1, "m1")
            let b = try lua.checkModel(2, "m2")
            let probe = try checkProbe(lua, 3)
            try lua.checkArgumentCount(max: 4)
            let options = try comparisonOptions(lua, o, defaultConv: .mean)
            let (rows, columns, results) = try ModelComparison.pairwise(a, b, probe: probe, options: options)
            report(lua, results)
            lua.push(object: SimilarityGridObject(try LabelledMatrix(
                rows: rows, columns: columns, values: results.flatMap { $0.map(\.value) },
                rowTitle: "layer", columnTitle: "layer", measure: options.measure.name)))
            lua.push(array: rows)
            lua.push(array: columns)
            return 3
        },
        LuaFunctionSpec("over_time", "sim.over_time(snapshots, reference, probe [, {…}]) → M, names", options: options(defaultConv: .flatten), at: 4,
                        """
                        The similarity of every layer of each snapshot with the same layer of reference: a similarity \
                        grid layers × snapshots (columns named 1, 2, …; M[i][j], M.rows, M.cols, M.measure, \
                        M:tensor(), report.table(M)) and the layer names — the paper's similarity across retraining \
                        epochs (Blakeney, Yan & Zong 2020, Figure 3). snapshots is a list of models of reference's \
                        architecture, e.g. collected with t:fit(m, ds, {on_epoch = function() snaps[#snaps + 1] = \
                        m:clone() end}). One pass over the probe serves every snapshot. \(optionsDoc)
                        """) { lua, o in
            let snapshots = try checkModelList(lua, 1, "snapshots")
            let reference = try lua.checkModel(2, "reference")
            let probe = try checkProbe(lua, 3)
            try lua.checkArgumentCount(max: 4)
            let options = try comparisonOptions(lua, o, defaultConv: .flatten)
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

    /// The comparison options from the (checked) options table `o`.
    static func comparisonOptions(_ lua: Lua, _ o: Options, defaultConv: ConvolutionLayout) throws -> ModelComparisonOptions {
        let settings = try SimOptions.settings(o)
        var options = ModelComparisonOptions()
        options.measure = try settings.measure()
        options.convolution = settings.conv ?? defaultConv
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
