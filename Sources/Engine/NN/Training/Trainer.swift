/// Settings of an SGD training run (Lua: `train.sgd{…}`).
public struct TrainingOptions: Sendable, Equatable {
    /// Base learning rate η₀.
    public var learningRate: Double = 0.05
    public var momentum: Double = 0.9
    public var nesterov = false
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

    /// Checks every setting.
    public func validated() throws -> TrainingOptions {
        guard batchSize >= 1, batchSize <= 1 << 20 else { throw EngineError.invalid("batch", expected: "a batch size in 1...\(1 << 20)", given: "\(batchSize)") }
        _ = try LearningRateSchedule(base: learningRate, kind: schedule, epochs: epochs, warmup: warmup)
        _ = try SGD(parameters: [], learningRate: learningRate, momentum: momentum, nesterov: nesterov, weightDecay: weightDecay)
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

/// Trains models with minibatch SGD on a ``Dataset``.
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

    /// Trains `model` on `dataset` for `options.epochs` epochs. After each epoch the model is
    /// evaluated on `validation` (if given). `onBatch` and `onEpoch` return false to stop early.
    /// Restores the model's previous mode when done. `isCancelled` is polled before every batch
    /// (by default the Ctrl-C flag of ``Cancellation``).
    public func fit(_ model: Model, on dataset: any Dataset, validation: (any Dataset)? = nil,
                    onBatch: ((BatchReport) throws -> Bool)? = nil,
                    onEpoch: ((EpochRecord) throws -> Bool)? = nil,
                    isCancelled: () -> Bool = { Cancellation.isPending }) throws -> [EpochRecord] {
        guard dataset.count >= 2 else {
            throw EngineError.invalid("training set", expected: "at least 2 samples", given: "\(dataset.count)")
        }
        try model.checkCompatible(dataset)
        if let validation { try model.checkCompatible(validation) }
        let schedule = try LearningRateSchedule(base: options.learningRate, kind: options.schedule, epochs: options.epochs, warmup: options.warmup)
        let optimizer = try SGD(model: model, learningRate: options.learningRate, momentum: options.momentum,
                                nesterov: options.nesterov, weightDecay: options.weightDecay)
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
                    throw EngineError("interrupted at epoch \(epoch + 1), batch \(b + 1) of \(order.batchCount): the model keeps the weights of its last completed step",
                                      kind: .interrupted)
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
                let inputGradient = try model.backward(result.gradient, inputGradient: false)
                TensorPool.release(inputGradient, unlessSharedWith: result.gradient)
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
        return history
    }

    static func seconds(_ d: Duration) -> Double {
        let (s, attoseconds) = d.components
        return Double(s) + Double(attoseconds) * 1e-18
    }
}
