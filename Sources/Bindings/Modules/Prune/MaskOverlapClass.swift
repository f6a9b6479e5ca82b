import CLua
import Engine

/// `prune.overlap(m1, m2)`: per-tensor Jaccard overlap of the kept weights.
final class MaskOverlapObject: LuaBindable {
    let overlap: MaskOverlap
    init(_ overlap: MaskOverlap) { self.overlap = overlap }
    static let luaClass = RowReportClass.make(MaskOverlapObject.self, "overlap", doc: """
        How alike two sparsity structures are (prune.overlap(m1, m2)): per prunable tensor \
        the Jaccard overlap |K1 ∩ K2| / |K1 ∪ K2| of the kept weights (mask entry 1, or \
        non-zero where there is no mask; 1 when both keep nothing). s[i] is row i: {name, \
        parameter, weights, kept1, kept2, intersection, union, jaccard}; #s rows; s.total \
        over all of them; s.values a tensor of the rows' Jaccard overlaps. Two independent \
        random masks keeping a fraction q overlap by about q / (2 − q). s:plot() draws the \
        overlap per tensor.
        """, tableRows: "one row per tensor, then total: layer, parameter, weights, kept1, kept2, intersection, union, jaccard",
        plotDoc: "A bar chart of the Jaccard overlap of the kept weights per tensor (0…1).", total: "jaccard") { $0.overlap }
}

extension MaskOverlap: TotalledRowReport {
    /// {name, parameter, weights, kept1, kept2, intersection, union, jaccard}
    static func record(_ r: Row) -> KeyValuePairs<String, LuaScalar?> {
        ["name": .string(r.name), "parameter": .string(r.parameter), "weights": .integer(r.weights), "kept1": .integer(r.kept1), "kept2": .integer(r.kept2), "intersection": .integer(r.intersection), "union": .integer(r.union), "jaccard": .number(r.jaccard)]
    }
    var chart: (title: String, label: String, summary: String) {
        ("mask overlap per tensor (total Jaccard \(ResultFigures.percent(total.jaccard)))", "Jaccard overlap", "mask overlap (\(rows.count) tensors)")
    }
    static func name(_ row: Row) -> String { row.name }
    static func value(_ row: Row) -> Double { row.jaccard }
}
