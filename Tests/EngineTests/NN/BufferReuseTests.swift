import Testing
@testable import Engine

/// Recycled gradient buffers and in-place ReLUs never touch the caller's tensors and never
/// change results.
@Suite struct BufferReuseTests {
    @Test func callersTensorsAreNeitherModifiedNorRecycled() throws {
        var rng = RandomGenerator(seed: 1)
        // Flatten and Dropout(0) return views of / the very gradient they are given.
        let m = try Model(root: Sequential([Flatten(), Dropout(probability: 0), Linear(inFeatures: 12, outFeatures: 3, generator: &rng), ReLU(), Flatten()]),
                          inputShape: [3, 4], title: "t")
        let x = try Tensor.randn([5, 3, 4], seed: 2)
        let xCopy = try x.copy()
        let dy = try Tensor.randn([5, 3], seed: 3)
        let dyCopy = try dy.copy()
        for _ in 0..<3 {
            _ = try m.forward(x)
            let dx = try m.backward(dy)
            #expect(dx.storage !== dy.storage && dx.storage !== x.storage)
        }
        #expect(x.scalars(as: Float.self) == xCopy.scalars(as: Float.self))
        #expect(dy.scalars(as: Float.self) == dyCopy.scalars(as: Float.self))
        // A model whose backward returns the caller's own gradient: it must not be recycled.
        let pass = try Model(root: Sequential([Flatten(), Flatten()]), inputShape: [2], title: "p")
        _ = try pass.forward(try Tensor.zeros([4, 2]))
        let g = try Tensor.randn([4, 2], seed: 4)
        _ = try pass.backward(g)
        let fresh = try TensorPool.acquire([4, 2])
        #expect(fresh.storage !== g.storage && fresh.storage.raw != g.storage.raw)
    }

    @Test func inPlaceReLUGivesTheSameGradientsAsOutOfPlace() throws {
        // The same network as one Sequential (ReLU after BatchNorm runs in place) and as a
        // hand-driven chain of its layers (every ReLU out of place).
        var rng = RandomGenerator(seed: 5)
        let layers: [Layer] = [
            try Conv2d(inChannels: 2, outChannels: 3, kernel: (3, 3), padding: (1, 1), generator: &rng), try BatchNorm2d(features: 3), ReLU(),
            Flatten(), try Linear(inFeatures: 48, outFeatures: 4, generator: &rng), ReLU(), try Linear(inFeatures: 4, outFeatures: 2, generator: &rng),
        ]
        let chain = try Sequential(layers.map { try $0.copy() })
        let net = try Sequential(layers)
        let x = try Tensor.randn([3, 2, 4, 4], seed: 6)
        let y1 = try net.forward(x).copy()
        var h = x
        for l in chain.layers { h = try l.forward(h) }
        #expect(y1.scalars(as: Float.self) == h.scalars(as: Float.self))
        let dy = try Tensor.randn([3, 2], seed: 7)
        _ = try net.backward(dy)
        var g = dy
        for l in chain.layers.reversed() { g = try l.backward(g) }
        let p1 = GradientCheck.parameters(of: net).map { $0.gradient.scalars(as: Float.self) }
        let p2 = GradientCheck.parameters(of: chain).map { $0.gradient.scalars(as: Float.self) }
        #expect(p1 == p2)
    }
}

/// Folding BatchNorm into the convolution during evaluation (and the ReLU after it into the
/// convolution's copy-out, the block's last ReLU into its residual sum) gives the unfused
/// numbers, and training after an evaluation is unaffected.
@Suite struct InferenceFusionTests {
    @Test(arguments: ["resnet", "vgg"]) func fusedEvaluationMatchesAndLeavesTrainingIntact(_ kind: String) throws {
        let m = kind == "vgg"
            ? try Model.vgg(depth: 11, input: [3, 32, 32], classes: 5, width: 1.0 / 16, dropout: 0, seed: 41)
            : try Model.resnet(depth: 18, input: [3, 16, 16], classes: 5, width: 1.0 / 16, seed: 41)
        let side = kind == "vgg" ? 32 : 16
        let x = try Tensor.randn([6, 3, side, side], seed: 42)
        let labels = [0, 1, 2, 3, 4, 0]
        let ds = SampleDataset(store: try SampleStore.copying(inputs: x, labels: labels, classCount: 5))
        _ = try m.forward(x)  // training-mode statistics
        m.setTraining(false)
        let plain = try m.forward(x).copy()  // unfused evaluation
        let loss = try CrossEntropy.evaluate(logits: plain, labels: labels).loss
        m.setTraining(true)
        let fused = try m.evaluate(ds, batchSize: 6)  // fused evaluation
        #expect(abs(fused.loss - loss) < 1e-4)
        // A training step after the evaluation gives the same gradients as one without it.
        let twin = try m.clone()
        for model in [m, twin] {
            model.zeroGradients()
            let out = try model.forward(x)
            _ = try model.backward(try CrossEntropy.evaluate(logits: out, labels: labels).gradient)
        }
        let g1 = m.parameters.map { $0.parameter.gradient.scalars(as: Float.self) }
        let g2 = twin.parameters.map { $0.parameter.gradient.scalars(as: Float.self) }
        #expect(g1 == g2)
    }

    /// The residual epilogue, `relu(conv(x)·scale + shift + shortcut)` on the convolution's way
    /// out, equals the convolution followed by a separate sum and ReLU exactly, on each of the
    /// four routes (channel kernel, flat direct kernel, Winograd, im2col + sgemm); a shortcut of
    /// another shape is an error naming the layer.
    @Test(arguments: ["channel", "flat", "winograd", "im2col"]) func residualEpilogueEqualsSumThenReLU(_ route: String) throws {
        var rng = RandomGenerator(seed: 51)
        let conv = try Conv2d(inChannels: 16, outChannels: 20, kernel: (3, 3), padding: (1, 1), bias: false, generator: &rng)
        switch route {
        case "channel": conv.routePreference = .prefer(.channels)
        case "flat": conv.routePreference = .prefer(.flat)
        case "winograd": conv.routePreference = .prefer(.winograd)
        default: conv.routePreference = .prefer(.im2col)
        }
        let x = try Tensor.randn([3, 16, 12, 12], seed: 52), shortcut = try Tensor.randn([3, 20, 12, 12], seed: 53)
        if route != "im2col", !DirectConv2d.isAvailable { return }
        if route == "winograd", !CPUFeatures.hasAVX2FMA { return }
        let forward = conv.plan(height: 12, width: 12, batch: 3).forward
        #expect((forward == .winograd) == (route == "winograd"))
        if route != "winograd" { #expect((forward == .channels) == (route == "channel")) }
        let scale = (0..<20).map { Float($0 % 5) * 0.25 - 0.6 }, shift = (0..<20).map { Float($0 % 3) - 1 }
        let plain = try conv.forward(x, then: (scale, shift)).scalars(as: Float.self)
        let s = shortcut.scalars(as: Float.self)
        let expected = zip(plain, s).map { max($0 + $1, 0) }
        #expect(expected.contains { $0 == 0 } && expected.contains { $0 > 0 })
        let fused = try conv.forward(x, then: (scale, shift), rectified: true, adding: shortcut).scalars(as: Float.self)
        #expect(fused == expected)
        let summed = try conv.forward(x, then: (scale, shift), adding: shortcut).scalars(as: Float.self)
        #expect(summed == zip(plain, s).map { $0 + $1 })
        // An addend in the layer's own output buffer (which the call reuses) is read intact.
        let own = try #require(conv.output)
        let doubled = try conv.forward(x, then: (scale, shift), rectified: true, adding: own).scalars(as: Float.self)
        #expect(doubled == zip(plain, summed).map { max($0 + $1, 0) })
        let wrong = try Tensor.randn([3, 20, 6, 6], seed: 54)
        #expect { try conv.forward(x, then: nil, adding: wrong) } throws: { error in
            "\(error)".contains("residual addend") && "\(error)".contains("3×20×12×12")
        }
    }
}
