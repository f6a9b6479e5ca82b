import Testing
@testable import Engine

/// ``LeakyReLU``: finite-difference gradients, hand-computed values, the spec round trip and the
/// in-place step its declaration earns it.
@Suite struct LeakyReLUTests {
    @Test func gradientsMatchFiniteDifferences() throws {
        // Distinct values keep every input away from the kink at 0.
        let x = try GradientCheck.distinctValues([2, 3, 4, 4], seed: 31)
        for slope in [0.0, 0.1, 0.5, 1.0] {
            let failures = try GradientCheck.check(try LeakyReLU(slope: slope), input: x)
            #expect(failures.isEmpty, "slope \(slope): \(failures.prefix(5))")
        }
    }

    @Test func handComputedValues() throws {
        let layer = try LeakyReLU(slope: 0.25)
        let y = try layer.forward(try Tensor(shape: [1, 4], values: [-4, -1, 0, 2] as [Float]))
        #expect(y.scalars(as: Float.self) == [-1, -0.25, 0, 2])
        let dx = try layer.backward(try Tensor(shape: [1, 4], values: [1, 1, 1, 1] as [Float]))
        #expect(dx.scalars(as: Float.self) == [0.25, 0.25, 0.25, 1])
        #expect(throws: EngineError.self) { try LeakyReLU(slope: -0.5) }
        #expect(throws: EngineError.self) { try LeakyReLU(slope: .nan) }
    }

    @Test func specRoundTripAndDeclaration() throws {
        let layer = try LeakyReLU(name: "leaky", slope: 0.125)
        #expect(layer.kind == "LeakyReLU")
        let rebuilt = try LayerFactory.build(try LayerSpec(json: try JSON.parse(Array(layer.spec.json.text.utf8))))
        #expect(rebuilt.spec == layer.spec)
        #expect((rebuilt as? LeakyReLU)?.slope == 0.125)
        #expect(LayerRegistry.type(ofKind: "LeakyReLU") == LeakyReLU.self)
        // Unnamed in a chain: its declared stem.
        let chain = try Sequential([try LeakyReLU(), try LeakyReLU()])
        #expect(chain.layers.map(\.name) == ["relu1", "relu2"])
    }

    /// After a linear layer in training, it overwrites the linear layer's output (its declared
    /// in-place capability) with the values an out-of-place forward gives.
    @Test func runsInPlaceAfterALinearLayer() throws {
        var rng = RandomGenerator(seed: 5)
        let fc = try Linear(inFeatures: 3, outFeatures: 4, generator: &rng)
        let leaky = try LeakyReLU(slope: 0.5)
        let chain = try Sequential([fc, leaky])
        #expect(try Model(root: chain, inputShape: [3], title: "t").inferencePlan.steps.map(\.action) == [.alone, .inPlace(over: "fc1")])
        let x = try Tensor.randn([6, 3], seed: 6)
        let expected = try LeakyReLU(slope: 0.5).forward(try fc.forward(x).copy()).scalars(as: Float.self)
        let y = try chain.forward(x)
        #expect(y.scalars(as: Float.self) == expected)
        #expect(y.storage === fc.output?.storage)
    }
}
