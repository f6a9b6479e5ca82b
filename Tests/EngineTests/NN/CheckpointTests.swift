#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import Engine

/// Checkpoints: bit-exact round trips and a corpus of malformed files that must all fail.
@Suite struct CheckpointTests {
    static func scratch(_ name: String) -> String { "/tmp/prunelab-nn-ckpt-\(getpid())-\(name)" }

    static func weights(_ m: Model) -> [[Float]] {
        m.parameters.map { $0.parameter.value.scalars(as: Float.self) } + m.buffers.map { $0.tensor.scalars(as: Float.self) }
    }

    @Test func roundTripsBitExactly() throws {
        var rng = RandomGenerator(seed: 1)
        let custom = try Model(root: Sequential([
            Conv2d(inChannels: 1, outChannels: 3, kernel: (3, 2), stride: (2, 1), padding: (1, 0), generator: &rng),
            BatchNorm2d(features: 3, eps: 1e-3, momentum: 0.2), ReLU(), AvgPool2d(kernel: (2, 2), stride: (1, 1)), Flatten(),
            Linear(inFeatures: 3 * 2 * 4, outFeatures: 5, bias: false, generator: &rng), BatchNorm1d(features: 5),
            Dropout(probability: 0.25, seed: 3), Linear(name: "out", inFeatures: 5, outFeatures: 2, generator: &rng),
        ]), inputShape: [1, 6, 6], title: "custom")
        let models = [
            custom,
            try Model.resnet(depth: 18, input: [3, 8, 8], classes: 4, width: 1.0 / 16, seed: 2),
            try Model.vgg(depth: 11, input: [3, 32, 32], classes: 3, width: 1.0 / 16, batchNorm: true, seed: 3),
            try Model.convnet(input: [1, 12, 12], classes: 10, seed: 4),
            try Model.mlp(input: [7], hidden: [4, 3], classes: 2, seed: 5),
        ]
        for (k, m) in models.enumerated() {
            // Non-trivial running statistics and a mask.
            let x = try Tensor.randn([4] + (m.inputShape ?? []), seed: 9)
            _ = try m.forward(x)
            let first = m.parameters[0].parameter
            try first.setMask(try Tensor.rand(first.value.shape, seed: 7).converted(to: .float32))
            let path = Self.scratch("rt\(k).safetensors")
            defer { unlink(path) }
            try m.save(path)
            let loaded = try Model.load(path)
            #expect(loaded.title == m.title)
            #expect(loaded.inputShape == m.inputShape)
            #expect(loaded.layers.map(\.name) == m.layers.map(\.name))
            #expect(loaded.root.spec == m.root.spec)
            #expect(Self.weights(loaded) == Self.weights(m))
            #expect(loaded.parameters[0].parameter.mask?.scalars(as: Float.self) == first.mask?.scalars(as: Float.self))
            m.setTraining(false); loaded.setTraining(false)
            #expect(try loaded.forward(x).scalars(as: Float.self) == m.forward(x).scalars(as: Float.self))
        }
    }

    @Test func malformedFilesAreErrors() throws {
        let m = try Model.convnet(input: [1, 12, 12], classes: 3, seed: 1)
        let good = Self.scratch("good.safetensors")
        try m.save(good)
        defer { unlink(good) }
        let bytes = try FileIO.read(good)
        let header = try Safetensors.header(good)
        var corpus: [(String, [UInt8])] = []
        corpus.append(("truncated", Array(bytes.dropLast(10))))
        corpus.append(("header only", Array(bytes.prefix(header.dataStart))))
        corpus.append(("empty", []))
        corpus.append(("seven bytes", Array(bytes.prefix(7))))
        var long = bytes
        long[0] = long[0] &+ 16  // header length beyond its JSON
        corpus.append(("wrong header length (longer)", long))
        var short = bytes
        short[0] = short[0] &- 16
        corpus.append(("wrong header length (shorter)", short))
        var huge = bytes
        huge[5] = 0x7F
        corpus.append(("absurd header length", huge))
        var garbage = bytes
        for i in 8..<40 { garbage[i] = UInt8(ascii: "#") }
        corpus.append(("corrupt JSON", garbage))
        for (label, data) in corpus {
            let path = Self.scratch("bad.safetensors")
            try FileIO.writeAtomically(path, data)
            defer { unlink(path) }
            #expect(throws: EngineError.self, "\(label)") { try Model.load(path) }
        }

        // Files with a valid safetensors layout but the wrong contents.
        let tensors = m.parameters.map { ($0.name, $0.parameter.value) } + m.buffers
        let metadata = try Safetensors.read(good).metadata
        func expectFailure(_ label: String, _ fragment: String, tensors: [(name: String, tensor: Tensor)], metadata: [String: String]) throws {
            let path = Self.scratch("bad-\(label).safetensors")
            try Safetensors.write(path, tensors: tensors, metadata: metadata)
            defer { unlink(path) }
            do {
                _ = try Model.load(path)
                Issue.record("\(label): loading should fail")
            } catch let e as EngineError {
                #expect(e.message.contains(fragment), "\(label): \(e.message)")
                #expect(e.message.contains(path), "\(label): names the file")
            }
        }
        var wrongType = tensors
        wrongType[0].1 = try wrongType[0].1.converted(to: .float64)
        try expectFailure("dtype", "is float64; checkpoints store float32 (F32)", tensors: wrongType, metadata: metadata)
        try expectFailure("missing", "missing tensor 'fc3.bias'", tensors: tensors.filter { $0.0 != "fc3.bias" }, metadata: metadata)
        try expectFailure("extra", "unexpected tensor 'fc9.weight'", tensors: tensors + [("fc9.weight", try Tensor.zeros([2]))], metadata: metadata)
        var wrongShape = tensors
        wrongShape[1].1 = try Tensor.zeros([7])
        try expectFailure("shape", "has shape 7; the architecture needs 64", tensors: wrongShape, metadata: metadata)
        var noFormat = metadata
        noFormat["format"] = nil
        try expectFailure("format", "not a prunelab model checkpoint", tensors: tensors, metadata: noFormat)
        var badArchitecture = metadata
        badArchitecture["architecture"] = "{\"kind\": \"Conv3d\", \"name\": \"x\"}"
        try expectFailure("architecture", "unknown layer kind \"Conv3d\"", tensors: tensors, metadata: badArchitecture)
        badArchitecture["architecture"] = "{\"kind\": \"Linear\", \"name\": \"x\", \"int\": {\"in\": -3, \"out\": 2}, \"flag\": {\"bias\": true}}"
        try expectFailure("negative size", "positive input and output sizes", tensors: tensors, metadata: badArchitecture)
        badArchitecture["architecture"] = "[1, 2"
        try expectFailure("architecture json", "bad architecture", tensors: tensors, metadata: badArchitecture)
        var version = metadata
        version["version"] = "99"
        try expectFailure("version", "version 99 is not supported", tensors: tensors, metadata: version)
        var input = metadata
        input["input"] = "[1, -12, 12]"
        try expectFailure("input", "bad input shape", tensors: tensors, metadata: input)
        #expect(throws: EngineError.self) { try Model.load(Self.scratch("does-not-exist.safetensors")) }
    }
}
