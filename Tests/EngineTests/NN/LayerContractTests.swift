import Testing
@testable import Engine

/// The closed layer contract (``DeclaredLayer``, ``LayerRegistry``) and the inference plan
/// (``InferencePlan``) built from it.
@Suite struct LayerContractTests {
    /// One instance of every registered kind, built in Swift.
    static func samples() throws -> [Layer] {
        var rng = RandomGenerator(seed: 1)
        return [
            try Linear(name: "a", inFeatures: 3, outFeatures: 2, generator: &rng),
            try Conv2d(name: "b", inChannels: 2, outChannels: 3, kernel: (3, 2), stride: (2, 1), padding: (1, 0), bias: false, generator: &rng),
            try BatchNorm1d(name: "c", features: 4, eps: 1e-3, momentum: 0.2), try BatchNorm2d(name: "d", features: 3),
            ReLU(name: "e"), try LeakyReLU(name: "f", slope: 0.3),
            try MaxPool2d(name: "g", kernel: (3, 3), stride: (2, 2), padding: (1, 1)), try AvgPool2d(name: "h", kernel: (2, 2)),
            GlobalAvgPool2d(name: "i"), try Dropout(name: "j", probability: 0.3, seed: 9), Flatten(name: "k"),
            try BasicBlock(name: "l", inChannels: 2, outChannels: 4, stride: 2, generator: &rng), ResidualAdd(name: "m"),
            try Sequential(name: "n", [ReLU(), Flatten()]),
        ]
    }

    @Test func everyKindIsRegisteredOnceAndRebuildsFromItsSpec() throws {
        let kinds = LayerRegistry.types.map { $0.kind }
        #expect(Set(kinds).count == kinds.count)
        let samples = try Self.samples()
        #expect(Set(samples.map(\.kind)) == Set(kinds))
        for layer in samples {
            #expect(layer.declaration != nil, "\(layer.kind)")
            let rebuilt = try LayerFactory.build(layer.spec)
            #expect(rebuilt.spec == layer.spec, "\(layer.kind)")
            #expect(type(of: rebuilt) == type(of: layer), "\(layer.kind)")
        }
    }

    @Test func prunableParametersFollowTheDeclarations() throws {
        for layer in try Self.samples() {
            let declared = layer.declaration?.prunableParameters ?? []
            for p in layer.parameters { #expect(p.isPrunable == declared.contains(p.name), "\(layer.kind).\(p.name)") }
        }
        #expect(Conv2d.prunableParameters == ["weight"] && Linear.prunableParameters == ["weight"])
        #expect(BatchNorm2d.prunableParameters.isEmpty)
    }

    @Test func capabilitiesReplaceTheOldTypeLists() {
        // The layers a ReLU used to overwrite (`is Conv2d || is Linear || is BatchNorm`) and the
        // ones re-initialisation accepted: the same sets, now declared.
        let overwritable = Set(LayerRegistry.types.filter { $0.capabilities.contains(.outputOverwritable) }.map { $0.kind })
        #expect(overwritable == ["Conv2d", "Linear", "BatchNorm1d", "BatchNorm2d"])
        let reinitializable = Set(LayerRegistry.types.filter { $0.capabilities.contains(.reinitializable) }.map { $0.kind })
        #expect(reinitializable == overwritable)
        #expect(Set(LayerRegistry.types.filter { $0.capabilities.contains(.foldsIntoConvolution) }.map { $0.kind }) == ["BatchNorm2d"])
        #expect(Set(LayerRegistry.types.filter { $0.capabilities.contains(.convolutionEpilogue) }.map { $0.kind }) == ["ReLU"])
        // Recording's default list used to leave out `is Flatten || is Dropout`.
        #expect(Set(LayerRegistry.types.filter { $0.capabilities.contains(.identityInEvaluation) }.map { $0.kind }) == ["Flatten", "Dropout"])
    }

    @Test func constructorSignatures() {
        #expect(LeakyReLU.constructor?.signature(kind: "LeakyReLU") == "nn.LeakyReLU([slope = 0.01] [, {name = s}])")
        let c = LayerConstructor(arguments: [.init("k", .integer(1...9), doc: "size"), .init("p", .real(0...1), default: .real(0.5), doc: "rate")],
                                 options: [.init("bias", .flag, default: .flag(true), doc: "bias")], drawsWeights: true, doc: "X.")
        #expect(c.signature(kind: "X") == "nn.X(k [, p = 0.5] [, {bias = true, seed = s, name = s}])")
        #expect(LayerConstructor(doc: "Y.").signature(kind: "Y") == "nn.Y([{name = s}])")
    }

    @Test func childrenOnlyUnderContainers() throws {
        let bad = LayerSpec(kind: "ReLU", name: "r", children: [LayerSpec(kind: "ReLU", name: "s")])
        #expect(throws: EngineError.self) { try LayerFactory.build(bad) }
        #expect(throws: EngineError.self) { try LayerFactory.build(LayerSpec(kind: "Sequential", name: "s")) }
    }

    /// The plans of the built-in models: which steps fuse and which run in place.
    @Test func builtInModelPlans() throws {
        let convnet = try Model.convnet(input: [1, 28, 28], classes: 10, seed: 1).inferencePlan
        // Each convolution with the ReLU after it (no BatchNorm between) as one; the linear
        // layers' ReLUs in place.
        #expect(convnet.fusions.map(\.layers) == [["conv1", "relu1"], ["conv2", "relu2"]])
        #expect(convnet.inPlaceSteps.map(\.layers) == [["relu3"], ["relu4"]])
        #expect(convnet.steps.count == 10)
        let resnet = try Model.resnet(depth: 18, input: [3, 16, 16], classes: 5, width: 0.125, seed: 1).inferencePlan
        // Stem, 8 blocks × 2 halves, 3 projection shortcuts: 20 fused convolutions.
        #expect(resnet.fusions.count == 20)
        #expect(resnet.steps.first?.layers == ["conv1", "bn1", "relu"])
        #expect(resnet.steps.contains { $0.layers == ["layer1.0.conv2", "layer1.0.bn2", "layer1.0.add", "layer1.0.relu2"] })
        #expect(resnet.steps.contains { $0.layers == ["layer2.0.downsample.0", "layer2.0.downsample.1"] })
        #expect(resnet.steps.suffix(2).map(\.layers) == [["avgpool"], ["fc"]])
    }

    /// The fused step a plan promises runs during evaluations (the BatchNorm and the ReLU adopt
    /// the convolution's output buffer) and agrees with the layers one by one up to the rounding
    /// of the folded weights.
    @Test func fusedStepRunsAndAgreesWithTheLayers() throws {
        var rng = RandomGenerator(seed: 3)
        let conv = try Conv2d(inChannels: 2, outChannels: 3, kernel: (3, 3), padding: (1, 1), generator: &rng)
        let bn = try BatchNorm2d(features: 3)
        for (i, v) in [0.5, -0.2, 0.1].enumerated() { bn.runningMean.mutablePointer(as: Float.self)[i] = Float(v) }
        let relu = ReLU()
        let chain = try Sequential([conv, bn, relu, Flatten()])
        let model = try Model(root: chain, inputShape: [2, 5, 5], title: "t")
        #expect(model.inferencePlan.steps.map(\.action) == [.fusedConvolution, .alone])
        model.setTraining(false)
        let x = try Tensor.randn([4, 2, 5, 5], seed: 4)
        let plain = try model.forward(x).copy().scalars(as: Float.self)
        #expect(bn.output?.storage !== conv.output?.storage && relu.output?.storage !== bn.output?.storage)
        chain.setFusesForInference(true)
        defer { chain.setFusesForInference(false) }
        let fused = try model.forward(x).scalars(as: Float.self)
        #expect(bn.output?.storage === conv.output?.storage && relu.output?.storage === conv.output?.storage)
        let largest = plain.map(abs).max() ?? 0
        #expect(largest > 0.1)
        // Each output is a 18-term dot product; folding γ/σ into W changes each term's rounding.
        #expect(zip(fused, plain).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, largest) })
    }
}
