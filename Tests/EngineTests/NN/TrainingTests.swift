import Testing
@testable import Engine

/// Training: SGD's rule, masks, schedules, overfitting, determinism, interruption.
@Suite(.serialized) struct TrainingTests {
    /// `count` random images of 1×8×8 with random labels in 0..<classes.
    static func randomDataset(count: Int, classes: Int, seed: UInt64) throws -> SampleDataset {
        let x = try Tensor.randn([count, 1, 8, 8], seed: seed)
        var rng = RandomGenerator(seed: seed &+ 1)
        let labels = (0..<count).map { _ in rng.nextInt(below: classes) }
        return SampleDataset(store: try SampleStore.copying(inputs: x, labels: labels, classCount: classes))
    }

    static func smallNet(seed: UInt64, classes: Int = 4) throws -> Model {
        var rng = RandomGenerator(seed: seed)
        let root = try Sequential([
            Conv2d(inChannels: 1, outChannels: 6, kernel: (3, 3), padding: (1, 1), generator: &rng),
            BatchNorm2d(features: 6), ReLU(), MaxPool2d(kernel: (2, 2)), Flatten(),
            Linear(inFeatures: 96, outFeatures: 32, generator: &rng), ReLU(), Dropout(probability: 0.1, seed: seed),
            Linear(inFeatures: 32, outFeatures: classes, generator: &rng),
        ])
        return try Model(root: root, inputShape: [1, 8, 8], title: "small")
    }

    static func weights(_ m: Model) -> [[Float]] { m.parameters.map { $0.parameter.value.scalars(as: Float.self) } }

    @Test func sgdFollowsPyTorchsRule() throws {
        let p = try Parameter(name: "w", value: try Tensor(shape: [2], values: [Float](arrayLiteral: 1, -2)), isPrunable: true)
        let opt = try SGD(parameters: [("w", p)], learningRate: 0.1, momentum: 0.9, nesterov: false, weightDecay: 0.01)
        // Step 1: g = grad + λw; v = g; w −= η v.
        p.gradient.mutablePointer(as: Float.self).update(from: [0.5, 0.25], count: 2)
        try opt.step()
        let g1: [Double] = [0.5 + 0.01 * 1, 0.25 + 0.01 * -2]
        let w1: [Double] = [1 - 0.1 * g1[0], -2 - 0.1 * g1[1]]
        // Step 2 (same raw gradient): v = 0.9 v + g.
        try opt.step()
        let g2 = [0.5 + 0.01 * w1[0], 0.25 + 0.01 * w1[1]]
        let v2 = [0.9 * g1[0] + g2[0], 0.9 * g1[1] + g2[1]]
        let w2 = [w1[0] - 0.1 * v2[0], w1[1] - 0.1 * v2[1]]
        let got = p.value.scalars(as: Float.self)
        #expect(abs(Double(got[0]) - w2[0]) < 1e-6 && abs(Double(got[1]) - w2[1]) < 1e-6)

        // Nesterov: w −= η (g + μ v).
        let q = try Parameter(name: "w", value: try Tensor(shape: [1], values: [Float](arrayLiteral: 1)), isPrunable: true)
        let nesterov = try SGD(parameters: [("w", q)], learningRate: 0.1, momentum: 0.9, nesterov: true)
        q.gradient.mutablePointer(as: Float.self)[0] = 1
        try nesterov.step()
        #expect(abs(q.value.scalars(as: Float.self)[0] - (1 - 0.1 * (1 + 0.9 * 1))) < 1e-7)
    }

    @Test func maskedWeightsStayZeroWithoutMomentum() throws {
        let ds = try Self.randomDataset(count: 32, classes: 4, seed: 3)
        let m = try Self.smallNet(seed: 4)
        let conv = m.parameters[0].parameter
        var mask = [Float](repeating: 1, count: conv.count)
        for i in stride(from: 0, to: conv.count, by: 2) { mask[i] = 0 }
        try conv.setMask(try Tensor(shape: conv.value.shape, values: mask))
        #expect(abs(conv.sparsity - 0.5) < 0.05)
        let before = conv.value.scalars(as: Float.self)
        var options = TrainingOptions()
        options.batchSize = 8
        options.epochs = 2
        let trainer = try Trainer(options: options)
        _ = try trainer.fit(m, on: ds)
        let after = conv.value.scalars(as: Float.self)
        for i in 0..<conv.count {
            if mask[i] == 0 { #expect(after[i] == 0) } else { #expect(after[i] != before[i]) }
        }
        // The optimizer's momentum for masked weights is zero too.
        let opt = try SGD(model: m, learningRate: 0.1, momentum: 0.9, weightDecay: 5e-4)
        conv.gradient.fill(1)
        try opt.step()
        let v = try #require(opt.velocity(at: 0)).scalars(as: Float.self)
        for i in 0..<conv.count where mask[i] == 0 { #expect(v[i] == 0 && conv.value.scalars(as: Float.self)[i] == 0) }
    }

    @Test func schedules() throws {
        let step = try LearningRateSchedule(base: 0.1, kind: .step(milestones: [2, 4], gamma: 0.1), epochs: 6)
        #expect(step.rate(epoch: 1, batch: 0, batches: 10) == 0.1)
        #expect(abs(step.rate(epoch: 2, batch: 0, batches: 10) - 0.01) < 1e-15)
        #expect(abs(step.rate(epoch: 5, batch: 9, batches: 10) - 0.001) < 1e-15)
        let cosine = try LearningRateSchedule(base: 0.2, kind: .cosine, epochs: 4)
        #expect(cosine.rate(epoch: 0, batch: 3, batches: 10) == 0.2)
        #expect(abs(cosine.rate(epoch: 2, batch: 0, batches: 10) - 0.1) < 1e-12)
        let warm = try LearningRateSchedule(base: 0.05, epochs: 3, warmup: 1)
        #expect(abs(warm.rate(epoch: 0, batch: 0, batches: 4) - 0.0125) < 1e-12)
        #expect(abs(warm.rate(epoch: 0, batch: 3, batches: 4) - 0.05) < 1e-12)
        #expect(warm.rate(epoch: 2, batch: 0, batches: 4) == 0.05)
        #expect(throws: EngineError.self) { try LearningRateSchedule(base: 0.1, kind: .step(milestones: [3, 2], gamma: 0.1), epochs: 4) }
    }

    @Test func tinyModelOverfitsTinyDataset() throws {
        let ds = try Self.randomDataset(count: 24, classes: 4, seed: 5)
        let m = try Self.smallNet(seed: 6)
        #expect(try m.accuracy(ds) < 0.75)
        var options = TrainingOptions()
        options.batchSize = 8
        options.epochs = 40
        options.learningRate = 0.05
        let history = try Trainer(options: options).fit(m, on: ds)
        #expect(history.count == 40)
        #expect(history.last!.loss < history.first!.loss)
        #expect(try m.accuracy(ds) == 1.0)
        #expect(m.isTraining)  // mode restored
    }

    @Test func sameSeedsGiveBitIdenticalWeights() throws {
        let ds = try Self.randomDataset(count: 40, classes: 4, seed: 7)
        var options = TrainingOptions()
        options.batchSize = 8
        let a = try Self.smallNet(seed: 8), b = try Self.smallNet(seed: 8), c = try Self.smallNet(seed: 8)
        _ = try Trainer(options: options).fit(a, on: ds)
        _ = try Trainer(options: options).fit(b, on: ds)
        #expect(Self.weights(a) == Self.weights(b))
        #expect(a.buffers.map { $0.tensor.scalars(as: Float.self) } == b.buffers.map { $0.tensor.scalars(as: Float.self) })
        options.seed = 2  // another data order: same init, different weights after an epoch
        _ = try Trainer(options: options).fit(c, on: ds)
        #expect(Self.weights(a) != Self.weights(c))
        #expect(Self.weights(try Self.smallNet(seed: 8)) != Self.weights(a))
    }

    @Test func interruptionStopsBetweenBatchesWithTheModelIntact() throws {
        let ds = try Self.randomDataset(count: 16, classes: 4, seed: 9)
        let m = try Self.smallNet(seed: 10)
        let before = Self.weights(m)
        var options = TrainingOptions()
        options.batchSize = 4
        // (A private flag stands in for Ctrl-C's process-wide one, which other suites poll.)
        var interrupted = true
        do {
            _ = try Trainer(options: options).fit(m, on: ds, isCancelled: { interrupted })
            Issue.record("fit should have been interrupted")
        } catch let e as EngineError {
            #expect(e.kind == .interrupted)
        }
        #expect(Self.weights(m) == before)
        // Interrupting during a batch: the step that ran is kept, nothing after it.
        interrupted = false
        var steps = 0
        _ = try? Trainer(options: options).fit(m, on: ds, onBatch: { _ in
            steps += 1
            interrupted = true
            return true
        }, isCancelled: { interrupted })
        #expect(steps == 1)
        #expect(Self.weights(m) != before)
    }

    @Test func cloneIsDeepAndEvaluationRestoresMode() throws {
        let m = try Self.smallNet(seed: 11)
        let c = try m.clone()
        #expect(Self.weights(c) == Self.weights(m))
        c.parameters[0].parameter.value.fill(0)
        #expect(Self.weights(c) != Self.weights(m))
        let ds = try Self.randomDataset(count: 8, classes: 4, seed: 12)
        m.setTraining(true)
        let e = try m.evaluate(ds, batchSize: 3)
        #expect(m.isTraining)
        #expect(e.count == 8 && e.accuracy >= 0 && e.accuracy <= 1 && e.loss > 0)
        // Evaluation is deterministic (eval mode: no dropout, running statistics).
        #expect(try m.evaluate(ds, batchSize: 8).loss == e.loss || abs(try m.evaluate(ds, batchSize: 8).loss - e.loss) < 1e-6)
    }
}
