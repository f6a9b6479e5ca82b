/// The compression view of a ``SparsityReport``: what pruning saves in bytes and in arithmetic.
///
/// Per prunable tensor:
/// - `denseBytes`: 4 bytes per weight (float32, as a dense checkpoint stores the weight; its
///   mask, stored beside it, is not counted);
/// - `sparseBytes`: what a sparse checkpoint (`m:save(path, {sparse = true})`, layout
///   ``SparseCheckpoint``) stores for it: ⌈n/8⌉ + 4k bytes for a masked tensor keeping k of n
///   weights, the dense 4n for a tensor without a mask (it is saved dense);
/// - `denseFLOPs`: the weight's multiply-adds per sample, 2 FLOPs each: 2·n·P, where P is the
///   number of output positions each weight is applied at (H_out·W_out for a convolution, 1
///   for a linear layer; bias additions, activations and normalisation are not counted);
/// - `effectiveFLOPs`: the same with only the nonzero weights, 2·(n − zeros)·P — the work a
///   kernel that skips zeros does (Han et al., "Learning both Weights and Connections", 2015).
///
/// FLOPs need the model's input shape (declared, or the last one seen); without it they are 0.
///
/// After `m:compress{measure = x}` (``Model/compress(maxDensity:measuring:repeats:)``) the rows
/// of the timed layers also carry `denseSeconds` and `sparseSeconds`: the layer's forward pass
/// on its input from x, median of the timed passes, on each route.
extension SparsityReport.Row {
    /// dense bytes / sparse bytes (1 when nothing is saved; 0 for an empty tensor).
    public var compressionRatio: Double { sparseBytes == 0 ? 0 : Double(denseBytes) / Double(sparseBytes) }
}

extension Model {
    /// Fills the compression columns of `rows` (matched by parameter name) and returns them.
    func withCompression(_ rows: [SparsityReport.Row]) -> [SparsityReport.Row] {
        let params = Dictionary(parameters.map { ($0.name, $0.parameter) }, uniquingKeysWith: { a, _ in a })
        var outputs: [String: [Int]] = [:]
        for s in layerSummaries where s.outputShape != nil { outputs[s.name] = s.outputShape }
        let routes = sparseRoutes
        return rows.map { row in
            var r = row
            guard let p = params[row.parameter] else { return r }
            if row.parameter.hasSuffix("weight"), let timing = routes[row.name]?.timing {
                r.denseSeconds = timing.dense
                r.sparseSeconds = timing.sparse
            }
            r.denseBytes = p.count.saturatingMultiplied(by: 4)
            r.sparseBytes = r.denseBytes
            if let mask = p.mask {
                let m = mask.mutablePointer(as: Float.self), w = p.value.mutablePointer(as: Float.self)
                var kept = 0, encodable = true
                for i in 0..<p.count {
                    if m[i] != 0 { kept += 1 } else if w[i].bitPattern != 0 { encodable = false }
                }
                if encodable { r.sparseBytes = SparseCheckpoint.storedBytes(count: p.count, kept: kept) }
            }
            // Output positions per weight: the layer's output elements per output channel/feature.
            if p.isPrunable, row.parameter.hasSuffix("weight"), let out = outputs[row.name], let channels = out.first,
               channels > 0, let rows0 = p.value.shape.first, rows0 == channels {
                let positions = out.saturatingProduct / channels
                r.denseFLOPs = p.count.saturatingMultiplied(by: positions).saturatingMultiplied(by: 2)
                r.effectiveFLOPs = (p.count - row.zeros).saturatingMultiplied(by: positions).saturatingMultiplied(by: 2)
            }
            return r
        }
    }
}
