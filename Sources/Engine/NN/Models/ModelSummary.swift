/// One row of a model summary.
public struct LayerSummary: Sendable {
    /// Full dotted name.
    public let name: String
    /// `Conv2d(3→64, 3×3, pad 1)`.
    public let description: String
    /// Per-sample output shape (nil when the input shape is unknown).
    public let outputShape: [Int]?
    /// Trainable scalars of this layer.
    public let parameterCount: Int
    /// Forward FLOPs per sample (0 when the input shape is unknown).
    public let flops: Int
    /// Fraction of this layer's prunable weights that are masked out.
    public let sparsity: Double
}

extension Model {
    /// Per-layer rows (the same layers, in the same order, as ``layers``).
    public var layerSummaries: [LayerSummary] { layerSummaries(inputShape: shapeForSummary) }

    /// Per-layer rows for samples of `inputShape` (shapes and FLOPs unknown when nil).
    public func layerSummaries(inputShape: [Int]?) -> [LayerSummary] {
        var rows: [LayerSummary] = []
        func leaf(_ layer: Layer, _ path: String, _ input: [Int]?) -> [Int]? {
            let out = input.flatMap { try? layer.outputShape(for: $0) }
            let prunable = layer.parameters.filter(\.isPrunable)
            let total = prunable.reduce(0) { $0 + $1.count }
            let masked = prunable.reduce(0.0) { $0 + $1.sparsity * Double($1.count) }
            rows.append(LayerSummary(name: path, description: layer.summary, outputShape: out,
                                     parameterCount: layer.parameters.reduce(0) { $0 + $1.count },
                                     flops: input.map { layer.flops(for: $0) } ?? 0,
                                     sparsity: total == 0 ? 0 : masked / Double(total)))
            return out
        }
        func walk(_ layer: Layer, _ path: String, _ input: [Int]?) -> [Int]? {
            let name = { (child: Layer) in path.isEmpty ? child.name : "\(path).\(child.name)" }
            if let block = layer as? BasicBlock {
                let shapes = input.flatMap { try? block.childInputShapes($0) }
                for (i, child) in block.children.enumerated() {
                    _ = walk(child, name(child), shapes?[i].1)
                }
                return input.flatMap { try? block.outputShape(for: $0) }
            }
            if layer.children.isEmpty { return leaf(layer, path.isEmpty ? rootLeafName : path, input) }
            var shape = input
            for child in layer.children { shape = walk(child, name(child), shape) }
            return shape
        }
        _ = walk(root, "", inputShape)
        return rows
    }

    /// Forward FLOPs per sample (0 when the input shape is unknown).
    public var flops: Int { shapeForSummary.map { root.flops(for: $0) } ?? 0 }

    /// A text table: one row per layer with its type, output shape, parameters and FLOPs.
    public var summary: String {
        let rows = layerSummaries
        let sparse = rows.contains { $0.sparsity > 0 }
        var table: [[String]] = [["layer", "type", "output", "params", "FLOPs"] + (sparse ? ["sparsity"] : [])]
        for r in rows {
            table.append([r.name, r.description, r.outputShape.map(Shape.describe) ?? "?", Format.count(r.parameterCount),
                          shapeForSummary == nil ? "?" : Format.metric(Double(r.flops))]
                         + (sparse ? [r.sparsity > 0 ? Format.percent(r.sparsity) : ""] : []))
        }
        // Compressed models (m:compress()): each convolution's and linear layer's route and why.
        let routes = sparseRoutes
        if !routes.isEmpty {
            table[0].append("route")
            for (i, r) in rows.enumerated() { table[i + 1].append(routes[r.name]?.description ?? "") }
        }
        var widths = [Int](repeating: 0, count: table[0].count)
        for row in table { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        let rightAligned: Set<Int> = [3, 4, 5]
        let lines = table.map { row in
            row.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return rightAligned.contains(i) ? pad + cell : cell + pad
            }.joined(separator: "  ")
        }
        let inputText = inputShape.map { "input \(Shape.describe($0))" }
            ?? lastInputShape.map { "for the last input's \(Shape.describe($0)) samples" } ?? "input shape not yet known"
        var header = "\(title): \(rows.count) layers, \(Format.count(parameterCount)) parameters, "
        header += shapeForSummary == nil ? inputText : "\(Format.metric(Double(flops)))FLOPs per sample (\(inputText))"
        let masked = parameters.filter { $0.parameter.mask != nil }
        if !masked.isEmpty {
            let total = masked.reduce(0) { $0 + $1.parameter.count }
            let zeros = masked.reduce(0.0) { $0 + $1.parameter.sparsity * Double($1.parameter.count) }
            header += ", \(Format.percent(zeros / Double(max(total, 1)))) of masked weights pruned"
        }
        header += isTraining ? ", training mode" : ", evaluation mode"
        if !routes.isEmpty { header += ", compressed (\(routes.values.filter { $0.kind == .sparse }.count) of \(routes.count) layers sparse)" }
        let plan = inferencePlan
        let footer = plan.fusions.isEmpty && plan.inPlaceSteps.isEmpty ? [] : ["inference plan: \(plan.oneLine)"]
        return ([header] + lines.map { "  " + $0.trimmingTrailingSpaces() } + footer).joined(separator: "\n")
    }
}

/// Number formatting for summaries and progress lines.
enum Format {
    /// `1234567` → `1,234,567`.
    static func count(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(ch)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// `2.5e6` → `2.50 M`, `950` → `950 `.
    static func metric(_ x: Double) -> String {
        let units: [(Double, String)] = [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")]
        for (scale, unit) in units where x >= scale { return fixed(x / scale, 2) + " " + unit }
        return fixed(x, 0) + " "
    }

    /// Seconds as milliseconds with three significant decimals: `0.000213` → `0.213 ms`.
    static func milliseconds(_ seconds: Double) -> String { fixed(seconds * 1000, 3) + " ms" }

    /// `0.8734` → `87.3%`.
    static func percent(_ fraction: Double) -> String { fixed(fraction * 100, 1) + "%" }

    /// `x` with `digits` decimals.
    static func fixed(_ x: Double, _ digits: Int) -> String {
        guard x.isFinite else { return "\(x)" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let r = (abs(x) * scale).rounded()
        let whole = Int(r / scale), frac = Int(r.truncatingRemainder(dividingBy: scale))
        var text = "\(x < 0 && r > 0 ? "-" : "")\(whole)"
        if digits > 0 {
            let f = String(frac)
            text += "." + String(repeating: "0", count: digits - f.count) + f
        }
        return text
    }
}

fileprivate extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
