/// Tables of prunelab's per-layer results, for ``Table``'s formatters and files.
extension LayerSimilarities {
    /// One row per layer: layer, value, k1, k2 (missing where the measure keeps no dimension
    /// count), neurons1, neurons2, datapoints; titled with the measure and probe size.
    public func resultTable() throws -> Table {
        let body = zip(names, results).map { name, r -> [TableCell] in
            [.string(name), .number(r.value), r.k1.map { .integer($0) } ?? .missing, r.k2.map { .integer($0) } ?? .missing,
             .integer(r.neurons1), .integer(r.neurons2), .integer(r.datapoints)]
        }
        let title = "\(measure.name) per layer on \(probeCount) probe sample\(probeCount == 1 ? "" : "s") (1 = identical)"
        return try Table(columns: ["layer", "value", "k1", "k2", "neurons1", "neurons2", "datapoints"], rows: body, title: title)
    }
}

extension SparsityReport {
    /// One row per prunable tensor and a last row `total`: layer, parameter, weights, zeros,
    /// masked (missing for a tensor without a mask), sparsity (the fraction of zeros, 0…1).
    public func resultTable() throws -> Table {
        let body = (rows + [total]).map { r -> [TableCell] in
            [.string(r.name), .string(r.parameter), .integer(r.weights), .integer(r.zeros),
             r.hasMask ? .integer(r.masked) : .missing, .number(r.sparsity),
             .integer(r.denseBytes), .integer(r.sparseBytes), .integer(r.denseFLOPs), .integer(r.effectiveFLOPs)]
        }
        return try Table(columns: ["layer", "parameter", "weights", "zeros", "masked", "sparsity",
                                   "dense_bytes", "sparse_bytes", "dense_flops", "effective_flops"], rows: body, title: "sparsity")
    }
}

extension MaskOverlap {
    /// One row per prunable tensor and a last row `total`: layer, parameter, weights, kept1,
    /// kept2, intersection, union, jaccard (|K1 ∩ K2| / |K1 ∪ K2|).
    public func resultTable() throws -> Table {
        let body = (rows + [total]).map { r -> [TableCell] in
            [.string(r.name), .string(r.parameter), .integer(r.weights), .integer(r.kept1), .integer(r.kept2),
             .integer(r.intersection), .integer(r.union), .number(r.jaccard)]
        }
        return try Table(columns: ["layer", "parameter", "weights", "kept1", "kept2", "intersection", "union", "jaccard"], rows: body, title: "mask overlap (Jaccard of kept weights)")
    }
}
