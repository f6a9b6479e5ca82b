import CLua
import Engine

/// The `sim` Lua module: layer similarity (CCA, SVCCA, PWCCA, CKA), full-matrix and streaming.
enum SimModule {
    static let module = LuaModule(
        name: "sim",
        doc: """
            Layer similarity: CCA, SVCCA, PWCCA and CKA, as SIMILARITY.md defines them. CCA and \
            SVCCA follow Raghu et al. 2017, PWCCA Morcos et al. 2018, CKA Kornblith et al. 2019. \
            Activations are neurons × datapoints (Google's \
            SVCCA convention); 4-D conv activations N×C×H×W become C × (N·H·W), or C × N with \
            {conv = "mean"}. Every function returns a result object: r.value (1 = identical), \
            r.measure, and where they apply r.rho, r.k1, r.k2, r.kept1, r.kept2, r.weights, \
            r.threshold_mean, r.warnings. All math is Float64 on LAPACK.
            """,
        functions: [
            pairFunction(.cca, "sim.cca(a, b [, {…}])", """
                Mean canonical correlation of layers a and b (neurons × datapoints, same \
                datapoints), with the semantics of Google's cca_core.get_cca_similarity: neurons \
                whose variance is below epsilon × the layer's largest are dropped, epsilon·I \
                regularises, r.rho holds the min(kept1, kept2) coefficients and r.value their \
                plain mean; r.threshold_mean is the reference code's summary (leading \
                coefficients holding 98% of the sum). Errors for different datapoint counts, \
                NaN/Inf entries, fewer datapoints than neurons (probably transposed) and empty \
                inputs; warns with fewer than 5 datapoints per neuron.
                """),
            pairFunction(.svcca, "sim.svcca(a, b [, {…}])", """
                SVCCA of layers a and b: each layer is reduced to its top-k principal directions, \
                then CCA. r.value is the mean of the min(k1, k2) coefficients. k is chosen by exactly one rule: \
                dims = k; variance = f (smallest k whose explained variance Σs²ᵢ/Σs² reaches f; \
                default 0.99, the paper's 99%); energy = f (the same with plain singular values, \
                as Google's tutorial). r.k1, r.k2 say what was kept.
                """),
            pairFunction(.pwcca, "sim.pwcca(a, b [, {…}])", """
                Projection-weighted CCA of layers a and b (Morcos and others, 2018). The canonical \
                correlations are weighted by how much of the layer that keeps fewer neurons each direction accounts for. The \
                same answer in either order (unless both layers keep equally many neurons: then \
                the first is the weighted side). r.weights (summing to 1), r.weighted_side. \
                Sign convention (r.params.signs = "largest-positive"): a canonical direction is \
                defined only up to sign, and because PWCCA adds the neuron means back to the \
                directions, its value on uncentred activations (every ReLU layer) depends on that \
                sign. prunelab turns each direction so that its largest-magnitude coefficient is \
                positive, so the value is reproducible. Google's pwcca.compute_pwcca keeps \
                whatever signs its LAPACK returns: on uncentred data its value differs from \
                prunelab's (by 0.001 to 0.05 on the project's test pairs) and can change between \
                NumPy builds; run with this convention it gives prunelab's value, and on centred \
                data the two agree as they are.
                """),
            pairFunction(.cka, "sim.cka(a, b [, {…}])", """
                Centred kernel alignment of layers a and b (Kornblith and others, 2019). Linear by default; \
                kernel = "rbf" uses exp(-d²/(2σ²)) with σ = sigma × the median distance between \
                datapoints (at most 10,000 datapoints); debiased = true uses the unbiased HSIC \
                estimator (at least 4 datapoints).
                """),
            LuaFunctionSpec("matrix", "sim.matrix(layers_a, layers_b [, {…}]) → M, rows, cols", options: SimOptions.allOptions, at: 3, """
                The layer × layer similarity matrix (rows for layers_a, columns for layers_b) of \
                two Lua lists of tensors (rows and columns named 1, 2, …), or two name → tensor \
                tables (names sorted). Returns a similarity grid M — M[i][j], M.rows, M.cols, \
                M.measure, M:tensor() (float64), M:shape(), report.table(M); it prints as a \
                labelled matrix — then the row names and the column names. measure is one \
                of "cca", "svcca" (default), "pwcca", "cka"; the other options are those of that \
                measure. Each distinct warning is printed once.
                """) { lua, options in
                try lua.checkArgumentCount(max: 3)
                let settings = try SimOptions.settings(options)
                let measure = try settings.measure()
                let conv = settings.convolution
                let rows = try lua.layerList(1, "layers_a")
                let columns = try lua.layerList(2, "layers_b")
                let result = try Tensor(shape: [rows.count, columns.count], dtype: .float64, zeroed: true)
                var warnings: [String] = []
                let columnLayers = try columns.map { try LayerActivations($0.tensor, conv: conv, name: "layers_b[\($0.label)]") }
                for (i, row) in rows.enumerated() {
                    let a = try LayerActivations(row.tensor, conv: conv, name: "layers_a[\(row.label)]")
                    for (j, b) in columnLayers.enumerated() {
                        try Cancellation.check()
                        let r = try measure.compute(a, b)
                        try result.setElement([i, j], r.value)
                        for w in r.warnings where !warnings.contains(w) { warnings.append(w) }
                    }
                }
                SimWarnings.report(lua, warnings)
                lua.push(object: SimilarityGridObject(try LabelledMatrix(
                    rows: rows.map(\.name), columns: columns.map(\.name), values: result.scalars(as: Double.self),
                    rowTitle: "layer", columnTitle: "layer", measure: measure.name)))
                lua.push(array: rows.map(\.name))
                lua.push(array: columns.map(\.name))
                return 3
            },
            LuaFunctionSpec("accumulator", "sim.accumulator([{…}])", options: [SimOptions.option(.conv)], at: 1, """
                A streaming accumulator for one pair of layers: acc:add(x, y) per batch, then \
                acc:cca(), acc:svcca(), acc:pwcca() or acc:cka(). Holds only the means and the \
                joint covariance, so memory does not grow with the number of datapoints. See \
                help(sim.accumulator()) for details.
                """) { lua, options in
                try lua.checkArgumentCount(max: 1)
                lua.push(object: SimAccumulatorObject(conv: try SimOptions.settings(options).convolution))
                return 1
            },
        ] + SimModelFunctions.all)

    /// sim.cca / svcca / pwcca / cka: two tensors and an options table.
    private static func pairFunction(_ family: SimilaritySettings.Family, _ signature: String, _ doc: String) -> LuaFunctionSpec {
        LuaFunctionSpec(family.rawValue, signature, options: SimOptions.options(for: family), at: 3, doc) { lua, options in
            try lua.checkArgumentCount(max: 3)
            let settings = try SimOptions.settings(options, family: family)
            let measure = try settings.measure()
            let conv = settings.convolution
            let a = try lua.layerActivations(1, "a", conv: conv)
            let b = try lua.layerActivations(2, "b", conv: conv)
            lua.push(similarity: try measure.compute(a, b))
            return 1
        }
    }
}

/// One entry of a layer list: its name (a key, or the list position) and tensor.
struct NamedLayer {
    let name: String
    let label: String
    let tensor: Tensor
}

extension Lua {
    /// A Lua list of tensors, or a name → tensor table (sorted by name), at `index`.
    func layerList(_ index: Int32, _ name: String) throws -> [NamedLayer] {
        guard type(index) == .table else {
            throw argumentError(index, name, expected: "a list of tensors or a table of name = tensor")
        }
        let table = absolute(index)
        let n = rawLength(table)
        var layers: [NamedLayer] = []
        var stringKeys: [String] = []
        var otherKey: String?
        forEachEntry(table) { key, _ in
            if let s = string(key) { stringKeys.append(s) }
            else if let i = integer(key), isInteger(key), i >= 1, i <= n {}
            else { otherKey = describe(key) }
        }
        if let otherKey {
            throw error("argument \(index) (\(name)): expected a list of tensors or a table of name = tensor, but it has the key \(otherKey)")
        }
        if n > 0 && !stringKeys.isEmpty {
            throw error("argument \(index) (\(name)): expected either a list or a table of name = tensor, not both")
        }
        if n == 0 && stringKeys.isEmpty {
            throw error("argument \(index) (\(name)): expected at least one layer, got an empty table")
        }
        func entry(_ label: String, _ shown: String) throws -> Tensor {
            defer { pop(1) }
            guard let t = object(-1, as: Tensor.self) else {
                throw error("argument \(index) (\(name)): entry \(shown) is \(describe(-1)), expected a tensor")
            }
            return t
        }
        if n > 0 {
            for i in 1...n {
                rawGet(table, i)
                layers.append(NamedLayer(name: "\(i)", label: "\(i)", tensor: try entry("\(i)", "\(i)")))
            }
        } else {
            for key in stringKeys.sorted() {
                rawGet(table, key)
                layers.append(NamedLayer(name: key, label: "\"\(key)\"", tensor: try entry(key, "'\(key)'")))
            }
        }
        return layers
    }
}
