import CLua
import Engine

/// `sim.accumulator()`: streamed means and joint covariance of two layers.
final class SimAccumulatorObject: LuaBindable {
    let accumulator = CovarianceAccumulator()
    let conv: ConvolutionLayout
    init(conv: ConvolutionLayout) { self.conv = conv }

    static let luaClass = LuaClass(
        name: "accumulator",
        doc: """
            Streams two layers' activations, batch by batch, into their means and joint \
            covariance (Float64, merged with Chan et al.'s parallel update), in memory that does \
            not grow with the number of datapoints. acc:add(x, y) takes a batch of each layer \
            (neurons × datapoints, or N×C×H×W; any number of datapoints per batch); acc:cca(), \
            acc:svcca(), acc:pwcca() and acc:cka() then give the same results as the full-matrix \
            functions on all the data. Fields: acc.count (datapoints), acc.batches, acc.neurons1, \
            acc.neurons2.
            """,
        methods: [
            LuaFunctionSpec("add", "acc:add(x, y)",
                            "Adds a batch: x and y hold the same datapoints of the two layers (same neuron counts every batch). Returns acc.") { lua in
                let object = try lua.check(1, SimAccumulatorObject.self, "self")
                try lua.checkArgumentCount(max: 3)
                let x = try lua.layerActivations(2, "x", conv: object.conv)
                let y = try lua.layerActivations(3, "y", conv: object.conv)
                try object.accumulator.add(x, y)
                lua.pushCopy(1)
                return 1
            },
            measureMethod(.cca, "acc:cca([{…}])", "CCA of everything added (see sim.cca)."),
            measureMethod(.svcca, "acc:svcca([{…}])", "SVCCA of everything added (see sim.svcca)."),
            measureMethod(.pwcca, "acc:pwcca([{…}])", """
                PWCCA of everything added (see sim.pwcca), from the statistics alone. Same sign \
                convention as sim.pwcca (r.params.signs = "largest-positive": each canonical \
                direction's largest-magnitude coefficient positive); Google's compute_pwcca keeps \
                LAPACK's signs and differs on uncentred data.
                """),
            measureMethod(.cka, "acc:cka()", "Linear CKA of everything added (RBF and debiased CKA need the full data: use sim.cka).", options: []),
        ],
        metamethods: [
            "__tostring": { lua in
                let a = try lua.check(1, SimAccumulatorObject.self, "self").accumulator
                lua.push(a.batches == 0 ? "accumulator (empty)"
                    : "accumulator (\(a.neurons1) and \(a.neurons2) neurons, \(a.count) datapoints in \(a.batches) batch\(a.batches == 1 ? "" : "es"))")
                return 1
            },
        ],
        fields: [
            field("count", "datapoints added so far") { lua, a in lua.push(a.accumulator.count) },
            field("batches", "batches added so far") { lua, a in lua.push(a.accumulator.batches) },
            field("neurons1", "neurons of the first layer (x)") { lua, a in lua.push(a.accumulator.neurons1) },
            field("neurons2", "neurons of the second layer (y)") { lua, a in lua.push(a.accumulator.neurons2) },
        ],
        describe: { _ in "accumulator" })

    private static func measureMethod(_ family: SimilaritySettings.Family, _ signature: String, _ doc: String,
                                      options: [LuaOption]? = nil) -> LuaFunctionSpec {
        LuaFunctionSpec(family.rawValue, signature, options: options ?? SimOptions.options(for: family, conv: false), at: 2, doc) { lua, options in
            let object = try lua.check(1, SimAccumulatorObject.self, "self")
            try lua.checkArgumentCount(max: 2)
            let measure = try SimOptions.settings(options, family: family).measure()
            lua.push(similarity: try measure.compute(from: object.accumulator))
            return 1
        }
    }
}
