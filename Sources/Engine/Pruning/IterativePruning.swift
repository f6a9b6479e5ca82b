/// One step of ``IterativePruning``: the model after pruning to `target` and retraining.
public struct IterativePruningStep {
    /// 0-based step number.
    public let step: Int
    /// The target sparsity of this step.
    public let target: Double
    /// Fraction of zeros over the selected (pruned) tensors after retraining.
    public let sparsity: Double
    /// Fraction of zeros over all prunable tensors (the final classifier included).
    public let modelSparsity: Double
    /// Accuracy after retraining: on the validation set when one was given, else the training
    /// accuracy of the last epoch.
    public let accuracy: Double
    /// Whether ``accuracy`` is a validation accuracy.
    public let isValidation: Bool
    /// The retraining history.
    public let history: [EpochRecord]
    /// A deep copy of the model at the end of the step (masks included).
    public let snapshot: Model
}

/// Iterative magnitude pruning with retraining (Han et al. 2015; the iterative schedule of
/// Blakeney, Yan & Zong 2020, Table 3: 60, 70, 80, 90%): for each target in turn, prune the
/// model by magnitude to it (adding to the masks of earlier steps) and retrain it with
/// `trainer` for `epochs` epochs (the trainer's own count when nil). Every step's training
/// sees the same images in the same order (the trainer's data seed).
public enum IterativePruning {
    /// Runs every step on `model` (in place) and returns one record per step. `onStep` runs
    /// after each step; returning false stops; `onStepStart` before each (for logs). Training's `onBatch`/`onEpoch` are passed on.
    public static func run(_ model: Model, targets: [PruningTarget], trainer: Trainer, dataset: any Dataset,
                           epochs: Int? = nil, validation: (any Dataset)? = nil, scope: PruningScope = .layer,
                           selection: PrunableSelection = PrunableSelection(),
                           onBatch: ((BatchReport) throws -> Bool)? = nil,
                           onEpoch: ((EpochRecord) throws -> Bool)? = nil,
                           onStep: ((IterativePruningStep) throws -> Bool)? = nil,
                           onStepStart: ((_ step: Int, _ target: Double) -> Void)? = nil) throws -> [IterativePruningStep] {
        guard !targets.isEmpty else {
            throw EngineError.invalid("targets", expected: "at least one target sparsity", given: "an empty list")
        }
        for (a, b) in zip(targets, targets.dropFirst()) where b.sparsity <= a.sparsity {
            throw EngineError.invalid("targets", expected: "increasing sparsities", given: "\(b.sparsity) after \(a.sparsity)")
        }
        var options = trainer.options
        if let epochs {
            guard epochs >= 1 else { throw EngineError.invalid("epochs", expected: "a positive number of epochs", given: "\(epochs)") }
            options.epochs = epochs
        }
        let retrainer = try Trainer(options: options)
        try model.checkCompatible(dataset)
        if let validation { try model.checkCompatible(validation) }
        let selected = Set(try selection.resolve(in: model).map(\.name))
        var steps: [IterativePruningStep] = []
        for (i, target) in targets.enumerated() {
            try Cancellation.check()
            onStepStart?(i, target.sparsity)
            try model.pruneByMagnitude(to: target, scope: scope, selection: selection)
            let history = try retrainer.fit(model, on: dataset, validation: validation, onBatch: onBatch, onEpoch: onEpoch)
            var accuracy = history.last?.accuracy ?? 0
            if let validation { accuracy = try history.last?.validationAccuracy ?? model.accuracy(validation) }
            let report = model.sparsityReport
            let chosen = report.rows.filter { selected.contains($0.parameter) }
            let zeros = chosen.reduce(0) { $0 + $1.zeros }, weights = chosen.reduce(0) { $0 + $1.weights }
            let step = IterativePruningStep(step: i, target: target.sparsity, sparsity: weights == 0 ? 0 : Double(zeros) / Double(weights),
                                            modelSparsity: report.total.sparsity, accuracy: accuracy, isValidation: validation != nil,
                                            history: history, snapshot: try model.clone())
            steps.append(step)
            if let onStep, try !onStep(step) { break }
        }
        return steps
    }
}
