import CLua
import Engine

/// `m:sparsity()`: per-tensor weights, zeros and sparsity, the compression view, and the total.
final class SparsityReportObject: LuaBindable {
    let report: SparsityReport
    init(_ report: SparsityReport) { self.report = report }
    static let luaClass = RowReportClass.make(SparsityReportObject.self, "sparsity", doc: """
        How sparse a model is (m:sparsity()): one row per prunable tensor (convolution and \
        linear weights, plus any other parameter that carries a mask). s[i] is row i: \
        {name, parameter, weights, zeros, masked, sparsity, dense_bytes, sparse_bytes, \
        dense_flops, effective_flops}, where zeros counts weights that are exactly zero and \
        masked those the mask removes. The compression view: dense_bytes = 4 per weight \
        (float32); sparse_bytes = what m:save(path, {sparse = true}) stores for it (⌈n/8⌉ mask \
        bytes + 4 per kept weight; the dense bytes when it has no mask); dense_flops = \
        2·weights·P per sample and effective_flops = 2·(weights − zeros)·P, P the output \
        positions each weight is used at (H·W of a convolution's output, 1 for a linear layer; \
        0 when the model's input shape is unknown); after m:compress{measure = x}, dense_ms and \
        sparse_ms: the layer's measured forward time on each route (nil for layers not timed). #s rows; s.total sums them \
        (the whole model's prunable weights); s.sparsity is s.total.sparsity; s.values is a \
        tensor of the rows' sparsities. tostring(s) is a table; s:plot() draws the \
        sparsity per tensor.
        """, tableRows: "one row per tensor, then total: layer, parameter, weights, zeros, masked, sparsity, dense_bytes, sparse_bytes, dense_flops, effective_flops (dense_ms, sparse_ms when measured)",
        plotDoc: "A bar chart of the sparsity per prunable tensor (0…1).", total: "sparsity") { $0.report }
}

extension SparsityReport: TotalledRowReport {
    static func name(_ row: Row) -> String { row.name }
    static func value(_ row: Row) -> Double { row.sparsity }
    var chart: (title: String, label: String, summary: String) {
        ("sparsity per tensor (total \(ResultFigures.percent(total.sparsity)))", "sparsity", "sparsity report (\(rows.count) tensors)")
    }
    /// {name, parameter, weights, zeros, masked, sparsity, dense_bytes, sparse_bytes, dense_flops, effective_flops, dense_ms, sparse_ms}
    static func record(_ r: Row) -> KeyValuePairs<String, LuaScalar?> {
        ["name": .string(r.name), "parameter": .string(r.parameter), "weights": .integer(r.weights), "zeros": .integer(r.zeros),
         "masked": .integer(r.masked), "sparsity": .number(r.sparsity), "dense_bytes": .integer(r.denseBytes),
         "sparse_bytes": .integer(r.sparseBytes), "dense_flops": .integer(r.denseFLOPs), "effective_flops": .integer(r.effectiveFLOPs),
         "dense_ms": r.denseSeconds.map { .number($0 * 1000) }, "sparse_ms": r.sparseSeconds.map { .number($0 * 1000) }]
    }
}
