/// The similarities of two models layer by layer (what `sim.layers` returns): the layer names,
/// one ``SimilarityResult`` each, and how they were measured.
public struct LayerSimilarities: Sendable {
    public let names: [String]
    public let results: [SimilarityResult]
    public let measure: SimilarityMeasure
    /// Number of probe samples.
    public let probeCount: Int

    public init(names: [String], results: [SimilarityResult], measure: SimilarityMeasure, probeCount: Int) {
        self.names = names
        self.results = results
        self.measure = measure
        self.probeCount = probeCount
    }

    /// The values in layer order.
    public var values: [Double] { results.map(\.value) }

    /// Mean of the values (0 when there are none).
    public var mean: Double { results.isEmpty ? 0 : values.reduce(0, +) / Double(results.count) }

    /// A text table: layer, value, k1, k2, neurons, datapoints, under a title line naming the
    /// measure (and, for PWCCA, its sign convention).
    public var table: String {
        var notes = ["1 = identical"]
        if case .pwcca = measure { notes.insert(ProjectionWeightedCCA.signConventionSummary, at: 0) }
        var title = "\(measure.name) per layer on \(probeCount) probe sample\(probeCount == 1 ? "" : "s") (\(notes.joined(separator: "; ")))"
        if let conv = results.lazy.compactMap(\.convolution).first { title += "; conv layers: \(conv.explanation)" }
        return table(title: title, firstColumn: "layer")
    }

    /// The same table under another title line and first-column heading (e.g. "key" for the
    /// arrays of two .npz files).
    public func table(title: String, firstColumn: String) -> String {
        var rows = [[firstColumn, "value", "k1", "k2", "neurons", "datapoints"]]
        for (name, r) in zip(names, results) {
            rows.append([name, Format.fixed(r.value, 4), r.k1.map(String.init) ?? "", r.k2.map(String.init) ?? "",
                         r.neurons1 == r.neurons2 ? "\(r.neurons1)" : "\(r.neurons1)/\(r.neurons2)", Format.count(r.datapoints)])
        }
        return title + "\n" + TextTable.render(rows, rightAligned: [1, 2, 3, 4, 5])
    }

    /// `x` with `digits` decimals (for front ends, which hold no number formatting of their own).
    public static func fixed(_ x: Double, _ digits: Int) -> String { Format.fixed(x, digits) }
}
