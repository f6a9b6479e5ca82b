import Testing
@testable import Engine

/// Gradient buffers are owned handles: a dropped one goes back to its pool, a kept one is
/// never recycled, and training steps after the first allocate no gradient buffer. Each test
/// binds its own pool (`TensorPool.$current`), so other tests running at the same time neither
/// take its buffers nor add to its counts.
@Suite struct GradientOwnershipTests {
    @Test func aDroppedLoanReturnsToItsPoolAndAViewKeepsItOut() throws {
        let pool = BufferPool(capacity: 2)
        var raw: UnsafeMutableRawPointer?
        do {
            let t = try pool.acquire([3, 5])
            raw = t.storage.raw
            #expect(pool.idleCount == 0)
        }
        #expect(pool.idleCount == 1 && pool.pooledBytes == 60)
        // Same element count, other shape: the same buffer, reshaped.
        let view: Tensor
        do {
            let u = try pool.acquire([5, 3])
            #expect(u.storage.raw == raw && u.shape == [5, 3] && u.strides == [3, 1])
            view = try u.reshaped([15])
        }
        #expect(pool.idleCount == 0)  // the view still holds the buffer
        #expect(pool.statistics == BufferPool.Statistics(loans: 2, misses: 1))
        _ = view
    }

    @Test func theOldestIdleBufferGoesBeyondCapacity() throws {
        let pool = BufferPool(capacity: 2)
        for n in 1...3 { _ = try pool.acquire([n]) }  // each dropped at once, 1 first
        #expect(pool.idleCount == 2 && pool.pooledBytes == (2 + 3) * 4)
        _ = try pool.acquire([1])  // the first one dropped was evicted: a new buffer
        #expect(pool.statistics == BufferPool.Statistics(loans: 4, misses: 4))
        _ = try pool.acquire([3])  // still idle
        #expect(pool.statistics == BufferPool.Statistics(loans: 5, misses: 4))
    }

    @Test func aKeptGradientIsNeverOverwritten() throws {
        var rng = RandomGenerator(seed: 1)
        let m = try Model(root: Sequential([Linear(inFeatures: 6, outFeatures: 4, generator: &rng), ReLU(), Linear(inFeatures: 4, outFeatures: 3, generator: &rng)]),
                          inputShape: [6], title: "t")
        let x = try Tensor.randn([5, 6], seed: 2)
        try TensorPool.$current.withValue(BufferPool()) {
            _ = try m.forward(x)
            let kept = try m.backward(try Tensor.randn([5, 3], seed: 3))
            let values = kept.scalars(as: Float.self)
            for seed in 4..<8 as Range<UInt64> {
                _ = try m.forward(x)
                let other = try m.backward(try Tensor.randn([5, 3], seed: seed))
                #expect(other.storage.raw != kept.storage.raw)
            }
            #expect(kept.scalars(as: Float.self) == values)
        }
    }

    /// TrainingTests' small network (conv, BatchNorm, ReLU, max-pool, flatten, linear, ReLU,
    /// dropout, linear) trained for 4 steps of 8 samples: every step borrows 8 gradients (one
    /// per layer with an input gradient; Flatten returns a view), and only the first step
    /// allocates: 6 buffers, one per size the backward pass holds at once (32: two, while
    /// Dropout's input gradient is made from the last Linear's; 96; 384: two, ReLU from
    /// max-pool's; 64 for the first convolution).
    @Test func trainingStepsAfterTheFirstAllocateNoGradient() throws {
        let ds = try TrainingTests.randomDataset(count: 32, classes: 4, seed: 3)
        let m = try TrainingTests.smallNet(seed: 4)
        var options = TrainingOptions()
        options.batchSize = 8
        options.epochs = 1
        let pool = BufferPool()
        try TensorPool.$current.withValue(pool) {
            _ = try Trainer(options: options).fit(m, on: ds)
        }
        #expect(pool.statistics == BufferPool.Statistics(loans: 4 * 8, misses: 6))
    }

    /// A residual network: steps after the first allocate nothing either.
    @Test func resNetStepsAfterTheFirstAllocateNoGradient() throws {
        let m = try Model.resnet(depth: 18, input: [3, 16, 16], classes: 5, width: 1.0 / 16, seed: 41)
        let x = try Tensor.randn([4, 3, 16, 16], seed: 42)
        let labels = [0, 1, 2, 3]
        let pool = BufferPool()
        var perStep: [BufferPool.Statistics] = []
        try TensorPool.$current.withValue(pool) {
            for _ in 0..<3 {
                let before = pool.statistics
                m.zeroGradients()
                let out = try m.forward(x)
                _ = try m.backward(try CrossEntropy.evaluate(logits: out, labels: labels).gradient, inputGradient: false)
                let after = pool.statistics
                perStep.append(.init(loans: after.loans - before.loans, misses: after.misses - before.misses))
            }
        }
        #expect(perStep[0].misses > 0 && perStep[0].loans > perStep[0].misses)
        #expect(perStep[1] == BufferPool.Statistics(loans: perStep[0].loans, misses: 0))
        #expect(perStep[2] == perStep[1])
    }
}
