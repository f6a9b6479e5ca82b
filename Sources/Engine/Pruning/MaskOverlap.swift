/// How alike two sparsity structures are: per tensor, the Jaccard overlap |K₁ ∩ K₂| / |K₁ ∪ K₂|
/// of the kept weights K of two models of the same architecture (Blakeney et al. 2020 §5.3
/// ask whether the structure magnitude pruning finds carries information; two independent
/// random masks keeping a fraction q of n weights overlap by q / (2 − q) in expectation).
///
/// A weight is kept when its mask entry is 1, or — for a tensor without a mask — when it is
/// non-zero. Two tensors that keep nothing overlap by 1 (identical empty sets).
public struct MaskOverlap: Sendable {
    public struct Row: Sendable {
        /// Layer name (`conv1`) for weights, full parameter name otherwise.
        public let name: String
        public let parameter: String
        public let weights: Int
        public let kept1: Int
        public let kept2: Int
        public let intersection: Int
        public let union: Int
        /// |K₁ ∩ K₂| / |K₁ ∪ K₂|, 1 when both are empty.
        public var jaccard: Double { union == 0 ? 1 : Double(intersection) / Double(union) }
    }

    public let rows: [Row]
    /// Sums over the rows: the overlap of all compared weights together.
    public let total: Row

    /// A text table of the rows and the total.
    public var table: String {
        var lines = [["layer", "weights", "kept 1", "kept 2", "both", "either", "jaccard"]]
        for r in rows + [total] {
            lines.append([r.name, Format.count(r.weights), Format.count(r.kept1), Format.count(r.kept2), Format.count(r.intersection),
                          Format.count(r.union), Format.fixed(r.jaccard, 4)])
        }
        return TextTable.render(lines, rightAligned: [1, 2, 3, 4, 5, 6], ruleBefore: lines.count - 1)
    }

    /// The overlap of the prunable (or masked, in either model) tensors of `a` and `b`, which
    /// must have the same architecture.
    public init(_ a: Model, _ b: Model) throws {
        try a.checkSameArchitecture(as: b, "second model")
        var rows: [Row] = []
        for ((name, p), (_, q)) in zip(a.parameters, b.parameters) where p.isPrunable || p.mask != nil || q.mask != nil {
            let pv = p.value.mutablePointer(as: Float.self), qv = q.value.mutablePointer(as: Float.self)
            let pm = p.mask?.mutablePointer(as: Float.self), qm = q.mask?.mutablePointer(as: Float.self)
            var k1 = 0, k2 = 0, both = 0
            for i in 0..<p.count {
                let x = p.isKept(i, values: pv, mask: pm), y = q.isKept(i, values: qv, mask: qm)
                if x { k1 += 1 }
                if y { k2 += 1 }
                if x && y { both += 1 }
            }
            let shown = p.isPrunable && name.hasSuffix(".weight") ? String(name.dropLast(7)) : name
            rows.append(Row(name: shown, parameter: name, weights: p.count, kept1: k1, kept2: k2, intersection: both, union: k1 + k2 - both))
        }
        self.rows = rows
        total = Row(name: "total", parameter: "", weights: rows.reduce(0) { $0 + $1.weights }, kept1: rows.reduce(0) { $0 + $1.kept1 },
                    kept2: rows.reduce(0) { $0 + $1.kept2 }, intersection: rows.reduce(0) { $0 + $1.intersection },
                    union: rows.reduce(0) { $0 + $1.union })
    }
}
