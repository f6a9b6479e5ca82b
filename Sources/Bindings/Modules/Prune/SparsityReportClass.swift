import CLua
import Engine

/// `m:sparsity()`: per-tensor weights, zeros and sparsity, and the total.
final class SparsityReportObject: LuaBindable {
    let report: SparsityReport
    init(_ report: SparsityReport) { self.report = report }
    static let luaClass = RowReportClass.make(SparsityReportObject.self, "sparsity", doc: """
        How sparse a model is (m:sparsity()): one row per prunable tensor (convolution and \
        linear weights, plus any other parameter that carries a mask). s[i] is row i: \
        {name, parameter, weights, zeros, masked, sparsity}, where zeros counts weights that \
        are exactly zero and masked those the mask removes; #s rows; s.total sums them \
        (the whole model's prunable weights); s.sparsity is s.total.sparsity; s.values is a \
        tensor of the rows' sparsities. tostring(s) is a table; s:plot() draws the \
        sparsity per tensor.
        """, tableRows: "one row per tensor, then total: layer, parameter, weights, zeros, masked, sparsity",
        plotDoc: "A bar chart of the sparsity per prunable tensor (0…1).", total: "sparsity") { $0.report }
}

extension SparsityReport: TotalledRowReport {
    static func name(_ row: Row) -> String { row.name }
    static func value(_ row: Row) -> Double { row.sparsity }
    var chart: (title: String, label: String, summary: String) {
        ("sparsity per tensor (total \(ResultFigures.percent(total.sparsity)))", "sparsity", "sparsity report (\(rows.count) tensors)")
    }
    /// {name, parameter, weights, zeros, masked, sparsity}
    static func record(_ r: Row) -> KeyValuePairs<String, LuaScalar?> {
        ["name": .string(r.name), "parameter": .string(r.parameter), "weights": .integer(r.weights), "zeros": .integer(r.zeros), "masked": .integer(r.masked), "sparsity": .number(r.sparsity)]
    }
}
