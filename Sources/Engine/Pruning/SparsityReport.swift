/// How sparse a model is, tensor by tensor: what `m:sparsity()` shows.
///
/// One row per prunable tensor (convolution and linear weights) and per other parameter that
/// carries a mask; `zeros` counts weights that are exactly zero (so a model whose masks were
/// removed with ``Model/removeMasks()`` still shows its sparsity), `masked` those its mask
/// removes. The total sums the rows.
public struct SparsityReport: Sendable {
    public struct Row: Sendable {
        /// The layer (`conv1`) for a weight, the full parameter name (`fc1.bias`) otherwise.
        public let name: String
        /// The full parameter name (`conv1.weight`).
        public let parameter: String
        public let weights: Int
        public let zeros: Int
        public let masked: Int
        /// Whether the parameter carries a mask (for the total: whether any row does).
        public let hasMask: Bool
        /// Bytes of the weights stored dense, and in a sparse checkpoint; FLOPs of the weights'
        /// multiply-adds per sample, dense and counting nonzero weights only (see
        /// SparsityCompression.swift; the total sums them).
        public var denseBytes = 0, sparseBytes = 0, denseFLOPs = 0, effectiveFLOPs = 0
        /// Measured seconds per forward pass of the layer, dense and sparse, when the model was
        /// compressed with a measurement (``Model/compress(maxDensity:measuring:repeats:)``;
        /// nil otherwise; the total sums the measured rows).
        public var denseSeconds: Double?, sparseSeconds: Double?
        /// zeros / weights (0 for an empty tensor).
        public var sparsity: Double { weights == 0 ? 0 : Double(zeros) / Double(weights) }
    }

    public let rows: [Row]
    /// Sums over the rows (named "total").
    public let total: Row

    /// A text table: layer, weights, zeros, sparsity, and the mask state.
    public var table: String {
        let timed = total.denseSeconds != nil
        var lines = [["layer", "weights", "zeros", "sparsity", "masked", "bytes", "sparse bytes", "FLOPs", "effective"]
                     + (timed ? ["dense time", "sparse time"] : [])]
        for r in rows + [total] {
            lines.append([r.name, Format.count(r.weights), Format.count(r.zeros), Format.fixed(r.sparsity * 100, 2) + "%",
                          r.hasMask ? Format.count(r.masked) : "-", Format.count(r.denseBytes), Format.count(r.sparseBytes),
                          Format.metric(Double(r.denseFLOPs)), Format.metric(Double(r.effectiveFLOPs))]
                         + (timed ? [r.denseSeconds.map(Format.milliseconds) ?? "", r.sparseSeconds.map(Format.milliseconds) ?? ""] : []))
        }
        return TextTable.render(lines, rightAligned: Set(1..<lines[0].count), ruleBefore: lines.count - 1)
    }
}

extension Model {
    /// Counts weights, zeros and masked entries of every prunable (or masked) parameter.
    public var sparsityReport: SparsityReport {
        var rows: [SparsityReport.Row] = []
        for (name, p) in parameters where p.isPrunable || p.mask != nil {
            let w = p.value.mutablePointer(as: Float.self)
            var zeros = 0
            for i in 0..<p.count where w[i] == 0 { zeros += 1 }
            let masked = p.mask == nil ? 0 : Int((p.sparsity * Double(p.count)).rounded())
            let shown = p.isPrunable && name.hasSuffix(".weight") ? String(name.dropLast(7)) : (p.isPrunable && name == "weight" ? rootLeafName : name)
            rows.append(.init(name: shown, parameter: name, weights: p.count, zeros: zeros, masked: masked, hasMask: p.mask != nil))
        }
        rows = withCompression(rows)
        var total = SparsityReport.Row(name: "total", parameter: "", weights: rows.reduce(0) { $0 + $1.weights },
                                       zeros: rows.reduce(0) { $0 + $1.zeros }, masked: rows.reduce(0) { $0 + $1.masked },
                                       hasMask: rows.contains { $0.hasMask })
        total.denseBytes = rows.reduce(0) { $0.saturatingAdding($1.denseBytes) }
        total.sparseBytes = rows.reduce(0) { $0.saturatingAdding($1.sparseBytes) }
        total.denseFLOPs = rows.reduce(0) { $0.saturatingAdding($1.denseFLOPs) }
        total.effectiveFLOPs = rows.reduce(0) { $0.saturatingAdding($1.effectiveFLOPs) }
        let timed = rows.filter { $0.denseSeconds != nil }
        if !timed.isEmpty {
            total.denseSeconds = timed.reduce(0) { $0 + ($1.denseSeconds ?? 0) }
            total.sparseSeconds = timed.reduce(0) { $0 + ($1.sparseSeconds ?? 0) }
        }
        return SparsityReport(rows: rows, total: total)
    }
}

/// Plain-text tables with aligned columns, for reports printed in the shell.
enum TextTable {
    /// Renders `rows` (the first is the header) with two spaces between columns, a rule under
    /// the header and, if `ruleBefore` is given, above that row.
    static func render(_ rows: [[String]], rightAligned: Set<Int>, ruleBefore: Int? = nil) -> String {
        guard let header = rows.first else { return "" }
        var widths = [Int](repeating: 0, count: header.count)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        func line(_ row: [String]) -> String {
            var text = row.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: max(0, widths[i] - cell.count))
                return rightAligned.contains(i) ? pad + cell : cell + pad
            }.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text
        }
        let rule = String(repeating: "-", count: widths.reduce(0, +) + 2 * (widths.count - 1))
        var out: [String] = []
        for (i, row) in rows.enumerated() {
            if i == 1 || (ruleBefore == i && i != 1) { out.append(rule) }
            out.append(line(row))
        }
        return out.joined(separator: "\n")
    }
}
