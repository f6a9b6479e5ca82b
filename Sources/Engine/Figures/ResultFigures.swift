/// Ready-made figures of prunelab's results (what `:plot()` on a result draws).
public enum ResultFigures {
    /// `0.9` → "90.0%".
    public static func percent(_ x: Double) -> String { formatFixed(100 * x, digits: 1) + "%" }

    /// One value per layer (sim.layers): bars over the layer names, 0…1 when the values are.
    public static func perLayer(names: [String], values: [Double], title: String, ylabel: String) throws -> Figure {
        let figure = try Figure(width: max(6.4, min(0.45 * Double(names.count) + 2, 14)))
        let axes = figure.panels[0]
        axes.title = title
        axes.xLabel = "layer"
        axes.yLabel = ylabel
        if values.allSatisfy({ !$0.isFinite || (0...1).contains($0) }) { axes.yLimits = (0, 1.05) }
        try axes.add(.bars(try BarGroups(categories: names, series: [values], labels: nil, errors: nil)))
        return figure
    }

    /// Training curves (t:fit's history): loss and accuracy per epoch, training and validation.
    public static func history(loss: [Double], accuracy: [Double], validationLoss: [Double], validationAccuracy: [Double]) throws -> Figure {
        let figure = try Figure(rows: 1, columns: 2, title: "training history", width: 10, height: 4)
        let epochs = (1...max(loss.count, 1)).map(Double.init)
        let hasValidation = validationLoss.contains { $0.isFinite }
        for (axes, train, validation, name) in [(figure.panels[0], loss, validationLoss, "loss"), (figure.panels[1], accuracy, validationAccuracy, "accuracy")] {
            axes.title = name
            axes.xLabel = "epoch"
            axes.yLabel = name
            let series = hasValidation ? [train, validation] : [train]
            try axes.add(.line(try LineSeries(x: epochs, series: series, labels: hasValidation ? ["training", "validation"] : ["training"],
                                              bands: nil, markers: true)))
        }
        return figure
    }
}
