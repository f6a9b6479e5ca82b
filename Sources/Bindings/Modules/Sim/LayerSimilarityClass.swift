import CLua
import Engine

/// `sim.layers(m1, m2, probe)`: one similarity per layer.
final class LayerSimilarityObject: LuaBindable {
    let similarities: LayerSimilarities
    init(_ similarities: LayerSimilarities) { self.similarities = similarities }
    static let luaClass = RowReportClass.make(LayerSimilarityObject.self, "layer_similarity", doc: """
        Layer-by-layer similarity of two models on a probe set (sim.layers). s[i] is the \
        i-th layer's row {name, value, k1, k2, neurons1, neurons2, datapoints, result} \
        (result: the full similarity object, with rho, warnings …); #s layers; s.values a \
        float64 tensor of the values in layer order; s.names the layer names; s.measure \
        the measure and its parameters; s.mean the mean value. 1 = identical. Prints as a \
        table. s:plot() draws the values per layer.
        """, tableRows: "one row per layer: layer, value, k1, k2, neurons1, neurons2, datapoints",
        plotDoc: "A bar chart of the similarity per layer (0…1).",
        fields: [
            field("measure", "the measure and its parameters (\"svcca(variance=0.99)\")") { lua, s in lua.push(s.similarities.measure.name) },
            field("mean", "the mean value over the layers") { lua, s in lua.push(s.similarities.mean) },
            field("probe", "the number of probe samples") { lua, s in lua.push(s.similarities.probeCount) },
        ]) { $0.similarities }
}

extension LayerSimilarities: RowReport {
    var bars: RowBars { RowBars(names: names, values: values, title: "\(measure.name) similarity per layer", label: measure.name, summary: "layer similarity (\(measure.name), \(names.count) layers)") }
    var totalValue: Double? { nil }

    /// {name, value, k1, k2, neurons1, neurons2, datapoints, result}; there is no total row.
    func pushRow(_ lua: Lua, _ index: Int?) {
        guard let i = index else { lua.pushNil(); return }
        let r = results[i]
        lua.push(record: ["name": .string(names[i]), "value": .number(r.value), "k1": r.k1.map(LuaScalar.integer), "k2": r.k2.map(LuaScalar.integer), "neurons1": .integer(r.neurons1), "neurons2": .integer(r.neurons2), "datapoints": .integer(r.datapoints)])
        lua.push(object: SimilarityResultObject(r)); lua.rawSet(-2, "result")
    }
}
