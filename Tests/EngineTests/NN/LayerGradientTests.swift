import Testing
@testable import Engine

/// Finite-difference gradient checks for every layer (see ``GradientCheck``).
@Suite struct LayerGradientTests {
    func expectGradients(_ layer: Layer, _ input: Tensor, step: Float = 1e-2, tolerance: Double = 2e-2) throws {
        let failures = try GradientCheck.check(layer, input: input, step: step, tolerance: tolerance)
        #expect(failures.isEmpty, "\(layer.kind): \(failures.prefix(5))")
    }

    @Test func linear() throws {
        var rng = RandomGenerator(seed: 1)
        let layer = try Linear(inFeatures: 5, outFeatures: 3, generator: &rng)
        try expectGradients(layer, try Tensor.randn([4, 5], seed: 2))
        let noBias = try Linear(inFeatures: 5, outFeatures: 3, bias: false, generator: &rng)
        try expectGradients(noBias, try Tensor.randn([4, 5], seed: 3))
    }

    @Test func conv2dPaddedStrided() throws {
        var rng = RandomGenerator(seed: 4)
        let layer = try Conv2d(inChannels: 2, outChannels: 3, kernel: (3, 2), stride: (2, 1), padding: (1, 1), generator: &rng)
        try expectGradients(layer, try Tensor.randn([2, 2, 5, 4], seed: 5))
        let plain = try Conv2d(inChannels: 3, outChannels: 2, kernel: (1, 1), bias: false, generator: &rng)
        try expectGradients(plain, try Tensor.randn([3, 3, 3, 3], seed: 6))
        let wide = try Conv2d(inChannels: 1, outChannels: 2, kernel: (5, 5), padding: (2, 2), generator: &rng)
        try expectGradients(wide, try Tensor.randn([2, 1, 4, 6], seed: 7))
    }

    /// The output-channel direct kernel (forward and input gradient), when the CPU has it.
    @Test func conv2dChannelKernel() throws {
        var rng = RandomGenerator(seed: 8)
        let layer = try Conv2d(inChannels: 3, outChannels: 17, kernel: (3, 3), padding: (1, 1), generator: &rng)
        layer.routePreference = .prefer(.channels)
        try expectGradients(layer, try Tensor.randn([2, 3, 4, 4], seed: 9))
        let strided = try Conv2d(inChannels: 2, outChannels: 5, kernel: (3, 2), stride: (2, 1), padding: (1, 1), generator: &rng)
        strided.routePreference = .prefer(.channels)
        try expectGradients(strided, try Tensor.randn([2, 2, 5, 4], seed: 10))
    }

    @Test func batchNorm() throws {
        let bn2 = try BatchNorm2d(features: 3)
        // Non-trivial γ and β so their gradients matter.
        bn2.weight.value.mutablePointer(as: Float.self).update(from: [1.5, -0.5, 2], count: 3)
        bn2.bias.value.mutablePointer(as: Float.self).update(from: [0.1, 0.2, -0.3], count: 3)
        try expectGradients(bn2, try Tensor.randn([4, 3, 2, 3], seed: 8, mean: 1, std: 2), step: 1e-2, tolerance: 3e-2)
        bn2.setTraining(false)
        try expectGradients(bn2, try Tensor.randn([2, 3, 2, 2], seed: 9))
        let bn1 = try BatchNorm1d(features: 4)
        try expectGradients(bn1, try Tensor.randn([6, 4], seed: 10, std: 3), tolerance: 3e-2)
    }

    @Test func elementwiseAndPooling() throws {
        let x = try GradientCheck.distinctValues([2, 2, 5, 5], seed: 11)
        try expectGradients(ReLU(), x)
        try expectGradients(try MaxPool2d(kernel: (3, 3), stride: (2, 2), padding: (1, 1)), x)
        try expectGradients(try MaxPool2d(kernel: (2, 2)), x)
        try expectGradients(try AvgPool2d(kernel: (3, 3), stride: (2, 2), padding: (1, 1)), x)
        try expectGradients(try AvgPool2d(kernel: (2, 2)), x)
        try expectGradients(GlobalAvgPool2d(), x)
        try expectGradients(Flatten(), x)
        try expectGradients(try Dropout(probability: 0.3, seed: 5), x)
    }

    @Test func sequentialAndResidualBlocks() throws {
        var rng = RandomGenerator(seed: 12)
        let net = try Sequential([
            Conv2d(inChannels: 2, outChannels: 3, kernel: (3, 3), padding: (1, 1), generator: &rng),
            BatchNorm2d(features: 3), ReLU(),
            MaxPool2d(kernel: (2, 2)), Flatten(),
            Linear(inFeatures: 12, outFeatures: 4, generator: &rng),
        ])
        try expectGradients(net, try Tensor.randn([3, 2, 4, 4], seed: 13), tolerance: 4e-2)
        let identity = try BasicBlock(inChannels: 2, outChannels: 2, generator: &rng)
        // Small steps: inside a block, BatchNorm + ReLU put kinks within ±1e-2 of many weights.
        try expectGradients(identity, try Tensor.randn([2, 2, 4, 4], seed: 14), step: 1e-3, tolerance: 5e-2)
        let projection = try BasicBlock(inChannels: 2, outChannels: 3, stride: 2, generator: &rng)
        try expectGradients(projection, try Tensor.randn([2, 2, 4, 4], seed: 15), step: 1e-3, tolerance: 5e-2)
    }

    @Test func crossEntropyGradient() throws {
        let logits = try Tensor.randn([4, 5], seed: 16, std: 2)
        let labels = [0, 3, 4, 1]
        let result = try CrossEntropy.evaluate(logits: logits, labels: labels)
        let analytic = result.gradient.scalars(as: Float.self)
        for i in 0..<logits.count {
            let plus = try logits.copy(), minus = try logits.copy()
            plus.mutablePointer(as: Float.self)[i] += 1e-2
            minus.mutablePointer(as: Float.self)[i] -= 1e-2
            let numeric = (try CrossEntropy.evaluate(logits: plus, labels: labels).loss - CrossEntropy.evaluate(logits: minus, labels: labels).loss) / 2e-2
            #expect(abs(numeric - Double(analytic[i])) < 1e-3, "logit \(i)")
        }
    }
}
