import Testing
@testable import Engine

/// Activation recording: shapes, the flatten/mean conventions, and ResNet's BatchNorm and
/// residual-add outputs.
@Suite struct RecordingTests {
    @Test func resnet18RecordsBatchNormAndResidualAdds() throws {
        // ResNet-18 at width 1/16 on 3×8×8 inputs: stages at 8×8, 4×4, 2×2, 1×1.
        let m = try Model.resnet(depth: 18, input: [3, 8, 8], classes: 10, width: 1.0 / 16, seed: 1)
        let x = try Tensor.randn([5, 3, 8, 8], seed: 2)
        let names = ["bn1", "layer1.0.bn2", "layer1.0.add", "layer2.0.downsample.1", "layer2.0.add", "layer3.1.add", "layer4.1.relu2", "avgpool", "fc"]
        let recorded = try m.record(.tensor(x), layers: names, batchSize: 2)
        let shapes = Dictionary(uniqueKeysWithValues: recorded.map { ($0.name, $0.activations.shape) })
        #expect(recorded.map(\.name) == names)
        #expect(shapes["bn1"] == [4, 5 * 64])
        #expect(shapes["layer1.0.bn2"] == [4, 5 * 64])
        #expect(shapes["layer1.0.add"] == [4, 5 * 64])
        #expect(shapes["layer2.0.downsample.1"] == [8, 5 * 16])
        #expect(shapes["layer2.0.add"] == [8, 5 * 16])
        #expect(shapes["layer3.1.add"] == [16, 5 * 4])
        #expect(shapes["layer4.1.relu2"] == [32, 5])
        #expect(shapes["avgpool"] == [32, 5])
        #expect(shapes["fc"] == [10, 5])
        // Every default layer: 67 entries, including 8 residual additions and 20 BatchNorms.
        let all = try m.record(.tensor(x), convolution: .mean)
        #expect(all.count == 67)
        #expect(all.filter { $0.name.hasSuffix(".add") }.count == 8)
        #expect(all.filter { $0.name.contains("bn") || $0.name.hasSuffix("downsample.1") }.count == 20)
        #expect(all.allSatisfy { $0.activations.shape[1] == 5 })
    }

    @Test func flattenColumnsAndMeansMatchTheForwardPass() throws {
        let m = try Model.resnet(depth: 18, input: [3, 8, 8], classes: 10, width: 1.0 / 16, seed: 3)
        let x = try Tensor.randn([3, 3, 8, 8], seed: 4)
        m.setTraining(true)
        let flat = try m.record(.tensor(x), layers: ["layer1.0.add", "fc"], batchSize: 2)
        let means = try m.record(.tensor(x), layers: ["layer1.0.add"], convolution: .mean, batchSize: 3)
        #expect(m.isTraining)  // recording ran in evaluation mode and restored the mode
        m.setTraining(false)
        let logits = try m.forward(x).copy()
        let add = try #require(m.layer(named: "layer1.0.add")?.output).copy()  // 3×4×8×8
        let a = flat[0].activations, f = flat[1].activations
        let (h, w) = (8, 8)
        for c in 0..<4 { for n in 0..<3 { for i in 0..<h { for j in 0..<w {
            #expect(try a.element([c, (n * h + i) * w + j]) == add.element([n, c, i, j]))
        } } } }
        // (sgemm may round differently for a batch of 2 than of 3: compare to 1e-5.)
        for n in 0..<3 { for k in 0..<10 { #expect(abs(try f.element([k, n]) - logits.element([n, k])) < 1e-5) } }
        for c in 0..<4 { for n in 0..<3 {
            var total = 0.0
            for i in 0..<h { for j in 0..<w { total += try add.element([n, c, i, j]) } }
            #expect(abs(try means[0].activations.element([c, n]) - total / 64) < 1e-5)
        } }
    }

    @Test func badRequestsAreErrors() throws {
        let m = try Model.convnet(input: [1, 28, 28], classes: 10, seed: 1)
        let x = try Tensor.zeros([2, 1, 28, 28])
        #expect(throws: EngineError.self) { try m.record(.tensor(x), layers: ["conv9"]) }
        #expect(throws: EngineError.self) { try m.record(.tensor(try Tensor.zeros([2, 3, 28, 28]))) }
        #expect(throws: EngineError.self) { try m.record(.tensor(x), batchSize: 0) }
        // Too much memory is refused before anything runs.
        let huge = try Tensor(shape: [1, 1, 28, 28], dtype: .float32, zeroed: true).expanded(to: [40_000_000, 1, 28, 28])
        #expect(throws: EngineError.self) { try m.record(.tensor(huge)) }
        #expect(m.recordableLayers == ["conv1", "relu1", "pool1", "conv2", "relu2", "pool2", "fc1", "relu3", "fc2", "relu4", "fc3"])
    }
}
