/// Settings of a training run (Lua: `train.sgd{…}`, `train.adam{…}`, `train.adamw{…}`).
public struct TrainingOptions: Sendable, Equatable {
    /// The optimizer: SGD (momentum, nesterov), Adam or AdamW (beta1, beta2, epsilon).
    public var optimizer: OptimizerKind = .sgd
    /// Base learning rate η₀.
    public var learningRate: Double = 0.05
    public var momentum: Double = 0.9
    public var nesterov = false
    /// Adam's β₁, β₂ and ε.
    public var beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8
    /// L2 penalty λ (added to every parameter's gradient, as PyTorch's `weight_decay`).
    public var weightDecay: Double = 5e-4
    public var batchSize = 128
    public var epochs = 1
    public var schedule: LearningRateSchedule.Kind = .constant
    /// Linear warm-up length in epochs (0 for none).
    public var warmup: Double = 0
    /// Data seed: fixes the batch order and augmentation draws (see ``EpochOrder``); separate
    /// from the model's initialisation seed.
    public var seed: UInt64 = 1
    /// Whether to apply the dataset's augmentation (if it has one) while training.
    public var augment = true

    public init() {}

    /// PyTorch's defaults for `kind`: SGD as above; Adam lr 1e-3, weight decay 0; AdamW lr 1e-3,
    /// weight decay 1e-2.
    public init(_ kind: OptimizerKind) {
        optimizer = kind
        if kind != .sgd {
            learningRate = 1e-3
            weightDecay = kind == .adamw ? 1e-2 : 0
        }
    }

    /// The optimizer these settings describe, over `parameters`.
    public func makeOptimizer(_ parameters: [(name: String, parameter: Parameter)]) throws -> any Optimizer {
        switch optimizer {
        case .sgd:
            return try SGD(parameters: parameters, learningRate: learningRate, momentum: momentum, nesterov: nesterov, weightDecay: weightDecay)
        case .adam, .adamw:
            return try Adam(parameters: parameters, learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                            weightDecay: weightDecay, decoupled: optimizer == .adamw)
        }
    }

    /// Checks every setting.
    public func validated() throws -> TrainingOptions {
        guard batchSize >= 1, batchSize <= 1 << 20 else { throw EngineError.invalid("batch", expected: "a batch size in 1...\(1 << 20)", given: "\(batchSize)") }
        _ = try LearningRateSchedule(base: learningRate, kind: schedule, epochs: epochs, warmup: warmup)
        guard epochs >= 1 else { throw EngineError.invalid("epochs", expected: "at least 1 epoch", given: "\(epochs)") }
        _ = try makeOptimizer([])
        return self
    }
}

/// Progress of one training step, for progress bars and `on_batch` callbacks.
public struct BatchReport: Sendable {
    /// 0-based epoch and batch numbers.
    public let epoch: Int, batch: Int
    public let batchCount: Int, epochs: Int
    /// This batch's loss, and the mean loss and accuracy of the epoch so far.
    public let loss: Double, meanLoss: Double, accuracy: Double
    /// Samples done this epoch, and the epoch's total.
    public let samples: Int, samplesPerEpoch: Int
    /// Seconds since the epoch started.
    public let seconds: Double
    /// Rate used for this step.
    public let learningRate: Double
}

/// What one epoch of training achieved.
public struct EpochRecord: Sendable {
    /// 0-based epoch number.
    public let epoch: Int
    /// Mean training loss and training accuracy (in training mode, as the batches went by).
    public let loss: Double, accuracy: Double
    /// Loss and accuracy on the validation set, when one was given.
    public let validationLoss: Double?, validationAccuracy: Double?
    /// Wall-clock seconds for the epoch's training steps (validation excluded).
    public let seconds: Double
    /// Training samples per second.
    public let samplesPerSecond: Double
    /// Learning rate of the epoch's last step.
    public let learningRate: Double
}

/// How a training run ended: the finished epochs, and where Ctrl-C stopped it, if it did.
public struct TrainingRun: Sendable {
    /// One record per finished epoch.
    public let history: [EpochRecord]
    /// Where the run was interrupted (nil when it ran to its end or a callback stopped it).
    public let interruption: Interruption?

    /// The point Ctrl-C stopped a run: before batch `batch` of epoch `epoch` (both 0-based).
    public struct Interruption: Sendable {
        public let epoch: Int, batch: Int, batchCount: Int
        /// "interrupted at epoch 3, batch 5 of 20: …".
        public var message: String {
            "interrupted at epoch \(epoch + 1), batch \(batch + 1) of \(batchCount): the model keeps the weights of its last completed step"
        }
    }
}

/// Trains models with minibatch SGD, Adam or AdamW on a ``Dataset``.
///
/// Each epoch visits the dataset in the order ``EpochOrder`` derives from the data seed alone,
/// so every model trained with the same options sees the same images in the same order (with
/// the same augmentation), whatever its architecture or init seed. Per batch: forward in
/// training mode, softmax cross-entropy, backward, ``SGD/step()`` (which honours pruning
/// masks). A final batch of a single sample is skipped (BatchNorm cannot normalise it).
/// ``Cancellation`` is polled before every batch: Ctrl-C stops training between steps, leaving
/// the model with the weights of its last completed step.
public final class Trainer {
    public let options: TrainingOptions

    public init(options: TrainingOptions) throws {
        self.options = try options.validated()
    }

    /// Trains as ``run(_:on:validation:onBatch:onEpoch:isCancelled:)`` does, but throws
    /// ``EngineError/interrupted`` (with the place in its message) when Ctrl-C stops it.
    public func fit(_ model: Model, on dataset: any Dataset, validation: (any Dataset)? = nil,
                    onBatch: ((BatchReport) throws -> Bool)? = nil,
                    onEpoch: ((EpochRecord) throws -> Bool)? = nil,
                    isCancelled: () -> Bool = { Cancellation.isPending }) throws -> [EpochRecord] {
        let run = try run(model, on: dataset, validation: validation, onBatch: onBatch, onEpoch: onEpoch, isCancelled: isCancelled)
        if let stop = run.interruption { throw EngineError(stop.message, kind: .interrupted) }
        return run.history
    }

    /// Trains `model` on `dataset` for `options.epochs` epochs. After each epoch the model is
    /// evaluated on `validation` (if given). `onBatch` and `onEpoch` return false to stop early.
    /// Restores the model's previous mode when done. `isCancelled` is polled before every batch
    /// (by default the Ctrl-C flag of ``Cancellation``); when it is set, the run returns the
    /// finished epochs' history with the ``TrainingRun/Interruption`` point.
    public func run(_ model: Model, on dataset: any Dataset, validation: (any Dataset)? = nil,
                    onBatch: ((BatchReport) throws -> Bool)? = nil,
                    onEpoch: ((EpochRecord) throws -> Bool)? = nil,
                    isCancelled: () -> Bool = { Cancellation.isPending }) throws -> TrainingRun {
        guard dataset.count >= 2 else {
            throw EngineError.invalid("training set", expected: "at least 2 samples", given: "\(dataset.count)")
        }
        try model.checkCompatible(dataset)
        if let validation { try model.checkCompatible(validation) }
        let schedule = try LearningRateSchedule(base: options.learningRate, kind: options.schedule, epochs: options.epochs, warmup: options.warmup)
        let optimizer = try options.makeOptimizer(model.parameters)
        let wasTraining = model.isTraining
        defer { model.setTraining(wasTraining) }
        let clock = ContinuousClock()
        var history: [EpochRecord] = []
        var gradientBuffer: Tensor?
        let dropLast = dataset.count % options.batchSize == 1
        for epoch in 0..<options.epochs {
            model.setTraining(true)
            let order = try EpochOrder(seed: options.seed, epoch: epoch, count: dataset.count, batchSize: options.batchSize,
                                       shuffle: true, dropLast: dropLast)
            let start = clock.now
            var lossSum = 0.0, correct = 0, seen = 0
            var lr = optimizer.learningRate
            var stop = false
            for b in 0..<order.batchCount {
                if isCancelled() {
                    record(on: model, dataset: dataset, history: history, interrupted: true)
                    return TrainingRun(history: history, interruption: .init(epoch: epoch, batch: b, batchCount: order.batchCount))
                }
                var augmentation: RandomGenerator? = options.augment ? order.augmentationGenerator(batch: b) : nil
                let batch = try dataset.batch(order.batch(b), augmentation: &augmentation)
                lr = schedule.rate(epoch: epoch, batch: b, batches: order.batchCount)
                optimizer.learningRate = lr
                let logits = try model.forward(batch.inputs)
                let reuse = gradientBuffer?.shape == logits.shape ? gradientBuffer : nil
                let result = try CrossEntropy.evaluate(logits: logits, labels: batch.labels, reuse: reuse)
                gradientBuffer = result.gradient
                model.zeroGradients()
                _ = try model.backward(result.gradient, inputGradient: false)
                try optimizer.step()
                let n = batch.labels.count
                lossSum += result.loss * Double(n)
                correct += result.correct
                seen += n
                if let onBatch {
                    let report = BatchReport(epoch: epoch, batch: b, batchCount: order.batchCount, epochs: options.epochs, loss: result.loss,
                                             meanLoss: lossSum / Double(seen), accuracy: Double(correct) / Double(seen), samples: seen,
                                             samplesPerEpoch: order.count - (dropLast ? 1 : 0), seconds: Trainer.seconds(clock.now - start),
                                             learningRate: lr)
                    if try !onBatch(report) { stop = true; break }
                }
            }
            let seconds = Trainer.seconds(clock.now - start)
            var validationResult: Evaluation?
            if let validation { validationResult = try model.evaluate(validation) }
            let record = EpochRecord(epoch: epoch, loss: lossSum / Double(max(seen, 1)), accuracy: Double(correct) / Double(max(seen, 1)),
                                     validationLoss: validationResult?.loss, validationAccuracy: validationResult?.accuracy,
                                     seconds: seconds, samplesPerSecond: Double(seen) / max(seconds, 1e-9), learningRate: lr)
            history.append(record)
            if stop { break }
            if let onEpoch, try !onEpoch(record) { break }
        }
        record(on: model, dataset: dataset, history: history, interrupted: false)
        return TrainingRun(history: history, interruption: nil)
    }

    /// Notes this run in the model's ``ModelProvenance``: settings, epochs done, the training
    /// data's normalisation (when the dataset knows it), the last epoch's metrics, interruption.
    private func record(on model: Model, dataset: any Dataset, history: [EpochRecord], interrupted: Bool) {
        model.provenance.training = options.json(epochsDone: history.count)
        if let samples = dataset as? SampleDataset { model.provenance.normalization = samples.normalization }
        model.provenance.interrupted = interrupted
        if let last = history.last {
            var pairs: [(key: String, value: JSON)] = [("epoch", .integer(last.epoch + 1)), ("loss", .number(last.loss)), ("accuracy", .number(last.accuracy))]
            if let v = last.validationLoss { pairs.append(("val_loss", .number(v))) }
            if let v = last.validationAccuracy { pairs.append(("val_accuracy", .number(v))) }
            model.provenance.metrics = .object(pairs)
        }
    }

    static func seconds(_ d: Duration) -> Double {
        let (s, attoseconds) = d.components
        return Double(s) + Double(attoseconds) * 1e-18
    }
}
