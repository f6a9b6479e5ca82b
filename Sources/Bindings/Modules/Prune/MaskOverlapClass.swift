import CLua
import Engine

/// `prune.overlap(m1, m2)`: per-tensor Jaccard overlap of the kept weights.
final class MaskOverlapObject: LuaBindable {
    let overlap: MaskOverlap
    init(_ overlap: MaskOverlap) { self.overlap = overlap }

    static let luaClass = LuaClass(
        name: "overlap",
        doc: """
            How alike two sparsity structures are (prune.overlap(m1, m2)): per prunable tensor \
            the Jaccard overlap |K1 ∩ K2| / |K1 ∪ K2| of the kept weights (mask entry 1, or \
            non-zero where there is no mask; 1 when both keep nothing). s[i] is row i: {name, \
            parameter, weights, kept1, kept2, intersection, union, jaccard}; #s rows; s.total \
            over all of them; s.values a tensor of the rows' Jaccard overlaps. Two independent \
            random masks keeping a fraction q overlap by about q / (2 − q). s:plot() draws the \
            overlap per tensor.
            """,
        methods: [
            ResultTableMethod.make(rows: "one row per tensor, then total: layer, parameter, weights, kept1, kept2, intersection, union, jaccard") { try $0.check(1, MaskOverlapObject.self, "self").overlap.resultTable() },
            ResultPlots.method("A bar chart of the Jaccard overlap of the kept weights per tensor (0…1).") { lua in
                let s = try lua.check(1, MaskOverlapObject.self, "self").overlap
                return try ResultFigures.perLayer(names: s.rows.map(\.name), values: s.rows.map(\.jaccard),
                                                  title: "mask overlap per tensor (total Jaccard \(ResultFigures.percent(s.total.jaccard)))", ylabel: "Jaccard overlap")
            },
        ],
        metamethods: [
            "__tostring": { lua in
                lua.push(try lua.check(1, MaskOverlapObject.self, "self").overlap.table)
                return 1
            },
            "__len": { lua in
                lua.push(try lua.check(1, MaskOverlapObject.self, "self").overlap.rows.count)
                return 1
            },
        ],
        fields: ["total", "jaccard", "values", "names"],
        index: { lua in
            let overlap = try lua.check(1, MaskOverlapObject.self, "self").overlap
            if let i = lua.integer(2), lua.type(2) == .number {
                guard i >= 1, i <= overlap.rows.count else { return 0 }
                push(lua, overlap.rows[i - 1])
                return 1
            }
            switch lua.string(2) {
            case "total": push(lua, overlap.total)
            case "jaccard": lua.push(overlap.total.jaccard)
            case "values": lua.push(object: try Tensor(shape: [overlap.rows.count], values: overlap.rows.map(\.jaccard)))
            case "names": lua.push(array: overlap.rows.map(\.name))
            default: return 0
            }
            return 1
        },
        describe: { object in
            guard let s = object as? MaskOverlapObject else { return "overlap" }
            return "mask overlap (\(s.overlap.rows.count) tensors)"
        })

    static func push(_ lua: Lua, _ row: MaskOverlap.Row) {
        lua.newTable(fieldCapacity: 8)
        lua.push(row.name); lua.rawSet(-2, "name")
        lua.push(row.parameter); lua.rawSet(-2, "parameter")
        lua.push(row.weights); lua.rawSet(-2, "weights")
        lua.push(row.kept1); lua.rawSet(-2, "kept1")
        lua.push(row.kept2); lua.rawSet(-2, "kept2")
        lua.push(row.intersection); lua.rawSet(-2, "intersection")
        lua.push(row.union); lua.rawSet(-2, "union")
        lua.push(row.jaccard); lua.rawSet(-2, "jaccard")
    }
}
