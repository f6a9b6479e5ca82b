/// Loss and accuracy of a model over a dataset.
public struct Evaluation: Sendable {
    /// Mean softmax cross-entropy over the samples.
    public let loss: Double
    /// Fraction of samples whose largest logit is the label, in [0, 1].
    public let accuracy: Double
    /// Number of samples evaluated.
    public let count: Int
    /// Wall-clock seconds the evaluation took.
    public let seconds: Double
}

extension Model {
    /// Evaluates the model on every sample of `dataset` in evaluation mode (no augmentation,
    /// BatchNorm running statistics, no dropout), `batchSize` samples at a time, then restores
    /// the previous mode. Polls ``Cancellation`` between batches.
    public func evaluate(_ dataset: any Dataset, batchSize: Int = 256) throws -> Evaluation {
        guard batchSize > 0 else {
            throw EngineError.invalid("batch size", expected: "a positive integer", given: "\(batchSize)")
        }
        guard dataset.count > 0 else {
            throw EngineError.invalid("dataset", expected: "at least one sample", given: "an empty dataset")
        }
        try checkCompatible(dataset)
        let clock = ContinuousClock()
        let began = clock.now
        return try onInferencePlan {
            try evaluateBatches(dataset, batchSize: batchSize, began: began, clock: clock)
        }
    }

    /// Runs `body` in evaluation mode with the containers fusing for inference (the
    /// ``inferencePlan``), then restores the previous mode.
    func onInferencePlan<R>(_ body: () throws -> R) rethrows -> R {
        let wasTraining = isTraining
        setTraining(false)
        root.setFusesForInference(true)
        defer {
            root.setFusesForInference(false)
            setTraining(wasTraining)
            lastPassWasFused = true
        }
        return try body()
    }

    private func evaluateBatches(_ dataset: any Dataset, batchSize: Int, began: ContinuousClock.Instant, clock: ContinuousClock) throws -> Evaluation {
        var totalLoss = 0.0, correct = 0
        var gradient: Tensor?
        var start = 0
        while start < dataset.count {
            try Cancellation.check()
            let end = min(dataset.count, start + batchSize)
            var noAugmentation: RandomGenerator? = nil
            let batch = try dataset.batch(Array(start..<end), augmentation: &noAugmentation)
            let logits = try forward(batch.inputs)
            let result = try CrossEntropy.evaluate(logits: logits, labels: batch.labels, reuse: gradient?.shape == logits.shape ? gradient : nil)
            gradient = result.gradient
            totalLoss += result.loss * Double(end - start)
            correct += result.correct
            start = end
        }
        return Evaluation(loss: totalLoss / Double(dataset.count), accuracy: Double(correct) / Double(dataset.count), count: dataset.count,
                          seconds: Trainer.seconds(clock.now - began))
    }

    /// The model's output for the batch `input` as an evaluation computes it: evaluation mode,
    /// on the ``inferencePlan`` (each BatchNorm folded into the convolution before it, ReLU and
    /// residual additions on the convolution's way out, in-place steps), then the previous mode
    /// is restored. The fastest inference; the layers' own outputs are not all kept (use
    /// ``forward(_:)`` in evaluation mode for that). Equals an evaluation-mode `forward` up to
    /// rounding (the folded BatchNorm scales the weights instead of the outputs).
    public func predict(_ input: Tensor) throws -> Tensor {
        let x = try checkedInput(input)
        return try onInferencePlan { try root.forward(x) }
    }

    /// Fraction of `dataset` classified correctly, in [0, 1].
    public func accuracy(_ dataset: any Dataset, batchSize: Int = 256) throws -> Double {
        try evaluate(dataset, batchSize: batchSize).accuracy
    }

    /// Checks that the dataset's samples fit the model's input and its classes its output.
    public func checkCompatible(_ dataset: any Dataset) throws {
        let sample = dataset.sampleShape
        if let inputShape, sample != inputShape {
            throw EngineError.invalid("dataset", expected: "samples of shape \(Shape.describe(inputShape)) (the model's input)", given: "samples of shape \(Shape.describe(sample))")
        }
        let out = try root.outputShape(for: inputShape ?? sample)
        guard out.count == 1 else {
            throw EngineError.invalid("model output", expected: "one logit per class (N×classes) for classification", given: "per-sample shape \(Shape.describe(out))")
        }
        guard out[0] >= dataset.classCount else {
            throw EngineError.invalid("dataset", expected: "at most \(out[0]) classes (the model's outputs)", given: "\(dataset.classCount) classes")
        }
    }
}
