import CLua
import Engine

/// `sim.layers(m1, m2, probe)`: one similarity per layer.
final class LayerSimilarityObject: LuaBindable {
    let similarities: LayerSimilarities
    init(_ similarities: LayerSimilarities) { self.similarities = similarities }
    var names: [String] { similarities.names }
    var results: [SimilarityResult] { similarities.results }

    static let luaClass = LuaClass(
        name: "layer_similarity",
        doc: """
            Layer-by-layer similarity of two models on a probe set (sim.layers). s[i] is the \
            i-th layer's row {name, value, k1, k2, neurons1, neurons2, datapoints, result} \
            (result: the full similarity object, with rho, warnings …); #s layers; s.values a \
            float64 tensor of the values in layer order; s.names the layer names; s.measure \
            the measure and its parameters; s.mean the mean value. 1 = identical. Prints as a \
            table. s:plot() draws the values per layer.
            """,
        methods: [
            ResultTableMethod.make(rows: "one row per layer: layer, value, k1, k2, neurons1, neurons2, datapoints") { try $0.check(1, LayerSimilarityObject.self, "self").similarities.resultTable() },
            ResultPlots.method("A bar chart of the similarity per layer (0…1).") { lua in
                let s = try lua.check(1, LayerSimilarityObject.self, "self")
                return try ResultFigures.perLayer(names: s.names, values: s.similarities.values,
                                                  title: "\(s.similarities.measure.name) similarity per layer", ylabel: s.similarities.measure.name)
            },
        ],
        metamethods: [
            "__tostring": { lua in
                lua.push(try lua.check(1, LayerSimilarityObject.self, "self").similarities.table)
                return 1
            },
            "__len": { lua in
                lua.push(try lua.check(1, LayerSimilarityObject.self, "self").names.count)
                return 1
            },
        ],
        fields: ["values", "names", "measure", "mean", "probe"],
        index: { lua in
            let s = try lua.check(1, LayerSimilarityObject.self, "self")
            if let i = lua.integer(2), lua.type(2) == .number {
                guard i >= 1, i <= s.names.count else { return 0 }
                s.pushRow(lua, i - 1)
                return 1
            }
            switch lua.string(2) {
            case "values": lua.push(object: try Tensor(shape: [s.results.count], values: s.similarities.values))
            case "names": lua.push(array: s.names)
            case "measure": lua.push(s.similarities.measure.name)
            case "mean": lua.push(s.similarities.mean)
            case "probe": lua.push(s.similarities.probeCount)
            default: return 0
            }
            return 1
        },
        describe: { object in
            guard let s = object as? LayerSimilarityObject else { return "layer_similarity" }
            return "layer similarity (\(s.similarities.measure.name), \(s.names.count) layers)"
        })

    func pushRow(_ lua: Lua, _ i: Int) {
        let r = results[i]
        lua.newTable(fieldCapacity: 8)
        lua.push(names[i]); lua.rawSet(-2, "name")
        lua.push(r.value); lua.rawSet(-2, "value")
        if let k1 = r.k1 { lua.push(k1); lua.rawSet(-2, "k1") }
        if let k2 = r.k2 { lua.push(k2); lua.rawSet(-2, "k2") }
        lua.push(r.neurons1); lua.rawSet(-2, "neurons1")
        lua.push(r.neurons2); lua.rawSet(-2, "neurons2")
        lua.push(r.datapoints); lua.rawSet(-2, "datapoints")
        lua.push(object: SimilarityResultObject(r)); lua.rawSet(-2, "result")
    }
}
