import CLua
import Engine

/// A similarity result as a Lua object (`r.value`, `r.rho`, `tostring(r)`, …).
final class SimilarityResultObject: LuaBindable {
    let result: SimilarityResult
    init(_ result: SimilarityResult) { self.result = result }

    static let luaClass = LuaClass(
        name: "similarity",
        doc: """
            The result of a similarity measure between two layers. r.value is the similarity \
            (1 = identical representations); r.measure names the measure and its parameters \
            (e.g. "svcca(variance=0.99)") and r.params holds them. Where they apply: r.rho (the \
            canonical correlations, a float64 tensor, descending), r.mean (their plain mean), \
            r.k1/r.k2 (dimensions entering CCA: SVCCA's principal directions, or the neurons \
            kept), r.kept1/r.kept2 (those passing the epsilon variance threshold), r.weights and \
            r.weighted_side (PWCCA, whose r.params.signs names its sign convention: see \
            help(sim.pwcca)), r.threshold_mean (CCA: mean of the leading coefficients \
            holding 98% of their sum, the reference code's summary). r.warnings lists warnings \
            (e.g. too few datapoints); r.datapoints, r.neurons1, r.neurons2 the sizes.
            """,
        metamethods: [
            "__tostring": { lua in
                lua.push(try lua.check(1, SimilarityResultObject.self, "self").result.description)
                return 1
            },
        ],
        fields: [
            field("value", "the similarity (1 = identical representations)") { lua, o in lua.push(o.result.value) },
            field("measure", "the measure and its parameters (\"svcca(variance=0.99)\")") { lua, o in lua.push(o.result.measure.name) },
            field("conv", "how 4-D inputs were arranged (\"flatten\", \"mean\"), or nil") { lua, o in
                if let c = o.result.convolution { lua.push(c.rawValue) } else { lua.pushNil() }
            },
            field("params", "the measure's parameters as a table") { lua, o in pushParameters(lua, o.result.measure) },
            field("mean", "the plain mean of rho") { lua, o in
                if let rho = o.result.rho { lua.push(rho.isEmpty ? 0 : rho.reduce(0, +) / Double(rho.count)) } else { lua.pushNil() }
            },
            field("rho", "the canonical correlations, a float64 tensor, descending") { lua, o in try pushVector(lua, o.result.rho) },
            field("k1", "dimensions of the first layer entering CCA") { lua, o in pushInteger(lua, o.result.k1) },
            field("k2", "dimensions of the second layer entering CCA") { lua, o in pushInteger(lua, o.result.k2) },
            field("kept1", "neurons of the first layer passing the epsilon threshold") { lua, o in pushInteger(lua, o.result.kept1) },
            field("kept2", "neurons of the second layer passing the epsilon threshold") { lua, o in pushInteger(lua, o.result.kept2) },
            field("weights", "PWCCA's weights (summing to 1)") { lua, o in try pushVector(lua, o.result.weights) },
            field("weighted_side", "PWCCA: the layer whose directions weigh the correlations") { lua, o in pushInteger(lua, o.result.weightedSide) },
            field("threshold_mean", "CCA: the mean of the leading coefficients holding 98% of their sum") { lua, o in
                if let t = o.result.thresholdMean { lua.push(t) } else { lua.pushNil() }
            },
            field("warnings", "warnings (e.g. too few datapoints)") { lua, o in lua.push(array: o.result.warnings) },
            field("datapoints", "the number of datapoints") { lua, o in lua.push(o.result.datapoints) },
            field("neurons1", "neurons of the first layer") { lua, o in lua.push(o.result.neurons1) },
            field("neurons2", "neurons of the second layer") { lua, o in lua.push(o.result.neurons2) },
        ],
        describe: { object in
            guard let r = object as? SimilarityResultObject else { return "similarity" }
            return "similarity (\(r.result.measure.name))"
        })

    private static func pushInteger(_ lua: Lua, _ v: Int?) {
        if let v { lua.push(v) } else { lua.pushNil() }
    }

    private static func pushVector(_ lua: Lua, _ v: [Double]?) throws {
        guard let v else { lua.pushNil(); return }
        lua.push(object: try Tensor(shape: [v.count], values: v))
    }

    static func pushParameters(_ lua: Lua, _ measure: SimilarityMeasure) {
        let parameters = measure.parameters
        lua.newTable(fieldCapacity: parameters.count)
        for (name, value) in parameters {
            switch value {
            case .number(let x):
                if x == x.rounded(), abs(x) < 1e15, name == "dims" { lua.push(Int(x)) } else { lua.push(x) }
            case .text(let s): lua.push(s)
            case .flag(let b): lua.push(b)
            }
            lua.rawSet(-2, name)
        }
    }
}

extension Lua {
    /// Pushes a result object after reporting its warnings.
    func push(similarity result: SimilarityResult) {
        SimWarnings.report(self, result.warnings)
        push(object: SimilarityResultObject(result))
    }
}
