import CLua
import Engine

/// A similarity result as a Lua object (`r.value`, `r.rho`, `tostring(r)`, …).
final class SimilarityResultObject: LuaBindable {
    let result: SimilarityResult
    init(_ result: SimilarityResult) { self.result = result }

    static let fieldNames = ["value", "measure", "conv", "params", "mean", "rho", "k1", "k2", "kept1", "kept2", "weights",
                             "weighted_side", "threshold_mean", "warnings", "datapoints", "neurons1", "neurons2"]

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
        fields: fieldNames,
        index: { lua in
            let r = try lua.check(1, SimilarityResultObject.self, "self").result
            guard let key = lua.string(2) else { return 0 }
            switch key {
            case "value": lua.push(r.value)
            case "measure": lua.push(r.measure.name)
            case "conv": if let c = r.convolution { lua.push(c.rawValue) } else { lua.pushNil() }
            case "params": pushParameters(lua, r.measure)
            case "mean":
                guard let rho = r.rho else { return 0 }
                lua.push(rho.isEmpty ? 0 : rho.reduce(0, +) / Double(rho.count))
            case "rho": try pushVector(lua, r.rho)
            case "weights": try pushVector(lua, r.weights)
            case "k1": pushInteger(lua, r.k1)
            case "k2": pushInteger(lua, r.k2)
            case "kept1": pushInteger(lua, r.kept1)
            case "kept2": pushInteger(lua, r.kept2)
            case "weighted_side": pushInteger(lua, r.weightedSide)
            case "threshold_mean":
                guard let t = r.thresholdMean else { return 0 }
                lua.push(t)
            case "warnings": lua.push(array: r.warnings)
            case "datapoints": lua.push(r.datapoints)
            case "neurons1": lua.push(r.neurons1)
            case "neurons2": lua.push(r.neurons2)
            default: return 0
            }
            return 1
        },
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
