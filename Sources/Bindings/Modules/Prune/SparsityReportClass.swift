import CLua
import Engine

/// `m:sparsity()`: per-tensor weights, zeros and sparsity, and the total.
final class SparsityReportObject: LuaBindable {
    let report: SparsityReport
    init(_ report: SparsityReport) { self.report = report }

    static let luaClass = LuaClass(
        name: "sparsity",
        doc: """
            How sparse a model is (m:sparsity()): one row per prunable tensor (convolution and \
            linear weights, plus any other parameter that carries a mask). s[i] is row i: \
            {name, parameter, weights, zeros, masked, sparsity, dense_bytes, sparse_bytes, \
            dense_flops, effective_flops}, where zeros counts weights that are exactly zero and \
            masked those the mask removes. The compression view: dense_bytes = 4 per weight \
            (float32); sparse_bytes = what m:save(path, {sparse = true}) stores for it (⌈n/8⌉ mask \
            bytes + 4 per kept weight; the dense bytes when it has no mask); dense_flops = \
            2·weights·P per sample and effective_flops = 2·(weights − zeros)·P, P the output \
            positions each weight is used at (H·W of a convolution's output, 1 for a linear layer; \
            0 when the model's input shape is unknown). #s rows; s.total sums them \
            (the whole model's prunable weights); s.sparsity is s.total.sparsity; s.values is a \
            tensor of the rows' sparsities. tostring(s) is a table; s:plot() draws the \
            sparsity per tensor.
            """,
        methods: [
            ResultTableMethod.make(rows: "one row per tensor, then total: layer, parameter, weights, zeros, masked, sparsity, dense_bytes, sparse_bytes, dense_flops, effective_flops") { try $0.check(1, SparsityReportObject.self, "self").report.resultTable() },
            ResultPlots.method("A bar chart of the sparsity per prunable tensor (0…1).") { lua in
                let s = try lua.check(1, SparsityReportObject.self, "self").report
                return try ResultFigures.perLayer(names: s.rows.map(\.name), values: s.rows.map(\.sparsity),
                                                  title: "sparsity per tensor (total \(ResultFigures.percent(s.total.sparsity)))", ylabel: "sparsity")
            },
            ResultTableMethod.make(rows: "one row per tensor, then total: layer, parameter, weights, zeros, masked, sparsity, dense_bytes, sparse_bytes, dense_flops, effective_flops") { try $0.check(1, SparsityReportObject.self, "self").report.resultTable() },
        ],
        metamethods: [
            "__tostring": { lua in
                lua.push(try lua.check(1, SparsityReportObject.self, "self").report.table)
                return 1
            },
            "__len": { lua in
                lua.push(try lua.check(1, SparsityReportObject.self, "self").report.rows.count)
                return 1
            },
        ],
        fields: ["total", "sparsity", "values", "names"],
        index: { lua in
            let report = try lua.check(1, SparsityReportObject.self, "self").report
            if let i = lua.integer(2), lua.type(2) == .number {
                guard i >= 1, i <= report.rows.count else { return 0 }
                push(lua, report.rows[i - 1])
                return 1
            }
            switch lua.string(2) {
            case "total": push(lua, report.total)
            case "sparsity": lua.push(report.total.sparsity)
            case "values": lua.push(object: try Tensor(shape: [report.rows.count], values: report.rows.map(\.sparsity)))
            case "names": lua.push(array: report.rows.map(\.name))
            default: return 0
            }
            return 1
        },
        describe: { object in
            guard let s = object as? SparsityReportObject else { return "sparsity" }
            return "sparsity report (\(s.report.rows.count) tensors)"
        })

    static func push(_ lua: Lua, _ row: SparsityReport.Row) {
        lua.newTable(fieldCapacity: 10)
        lua.push(row.name); lua.rawSet(-2, "name")
        lua.push(row.parameter); lua.rawSet(-2, "parameter")
        lua.push(row.weights); lua.rawSet(-2, "weights")
        lua.push(row.zeros); lua.rawSet(-2, "zeros")
        lua.push(row.masked); lua.rawSet(-2, "masked")
        lua.push(row.sparsity); lua.rawSet(-2, "sparsity")
        lua.push(row.denseBytes); lua.rawSet(-2, "dense_bytes")
        lua.push(row.sparseBytes); lua.rawSet(-2, "sparse_bytes")
        lua.push(row.denseFLOPs); lua.rawSet(-2, "dense_flops")
        lua.push(row.effectiveFLOPs); lua.rawSet(-2, "effective_flops")
    }
}
