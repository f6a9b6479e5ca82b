#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// How convolutional (N×C×H×W) activations become neurons × datapoints matrices.
public enum ConvolutionReduction: String, Sendable, CaseIterable {
    /// Every spatial position is a datapoint: C × (N·H·W), column `(n·H + h)·W + w`
    /// (the SVCCA authors' treatment of conv layers).
    case flatten
    /// Spatial average: C × N.
    case mean
}

/// Where recorded inputs come from.
public enum RecordingInput {
    /// A batch-first tensor of samples.
    case tensor(Tensor)
    /// Every sample of a dataset, in order, without augmentation.
    case dataset(any Dataset)

    var count: Int {
        switch self {
        case .tensor(let t): t.rank == 0 ? 0 : t.shape[0]
        case .dataset(let d): d.count
        }
    }

    var sampleShape: [Int] {
        switch self {
        case .tensor(let t): Array(t.shape.dropFirst())
        case .dataset(let d): d.sampleShape
        }
    }

    func batch(_ range: Range<Int>) throws -> Tensor {
        switch self {
        case .tensor(let t): return try t.narrowed(0, start: range.lowerBound, length: range.count)
        case .dataset(let d):
            var none: RandomGenerator? = nil
            return try d.batch(Array(range), augmentation: &none).inputs
        }
    }
}

extension Model {
    /// The layers recorded by default: every layer of ``layers`` except those declared
    /// ``LayerCapabilities/identityInEvaluation`` (Flatten, Dropout), whose outputs repeat
    /// their inputs in evaluation mode.
    public var recordableLayers: [String] {
        layers.filter { !$0.layer.capabilities.contains(.identityInEvaluation) }.map(\.name)
    }

    /// Records layer outputs for every sample of `input`, in evaluation mode, `batchSize`
    /// samples at a time (the model's mode is restored afterwards).
    ///
    /// Each result is a Float32 matrix **neurons × datapoints** (the SVCCA convention):
    /// `N × F` outputs give `F × N`; `N × C × H × W` outputs give `C × (N·H·W)` with column
    /// `(n·H + h)·W + w` (``ConvolutionReduction/flatten``) or `C × N` spatial means
    /// (``ConvolutionReduction/mean``). `layers` nil means ``recordableLayers``.
    /// Polls ``Cancellation`` between batches.
    public func record(_ input: RecordingInput, layers names: [String]? = nil, convolution: ConvolutionReduction = .flatten,
                       batchSize: Int = 256) throws -> [(name: String, activations: Tensor)] {
        guard batchSize > 0 else { throw EngineError.invalid("batch", expected: "a positive batch size", given: "\(batchSize)") }
        let n = input.count
        guard n > 0 else { throw EngineError.invalid("recording input", expected: "at least one sample", given: "none") }
        if case .tensor(let t) = input, t.rank < 2 {
            throw EngineError.invalid("recording input", expected: "a batch of samples (N×…)", given: "a tensor of shape \(Shape.describe(t.shape))")
        }
        let sample = input.sampleShape
        if let inputShape, inputShape != sample {
            throw EngineError.invalid("recording input", expected: "samples of shape \(Shape.describe(inputShape))", given: "samples of shape \(Shape.describe(sample))")
        }
        _ = try root.outputShape(for: sample)
        let wanted = names ?? recordableLayers
        guard !wanted.isEmpty else { throw EngineError.invalid("layers", expected: "at least one layer name", given: "an empty list") }
        let rows = Dictionary(layerSummaries(inputShape: sample).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let known = self.layers
        var targets: [(name: String, layer: Layer, shape: [Int])] = []
        for name in wanted {
            guard let entry = known.first(where: { $0.name == name }), let shape = rows[name]?.outputShape else {
                throw EngineError.invalid("layer \"\(name)\"", expected: "one of the model's layers (\(known.prefix(4).map(\.name).joined(separator: ", ")), … — see m:layers())", given: "no such layer")
            }
            if targets.contains(where: { $0.name == name }) { continue }
            targets.append((name, entry.layer, shape))
        }
        // Result sizes, checked against memory before anything runs.
        func neurons(_ shape: [Int]) -> Int { shape.count == 3 ? shape[0] : shape.reduce(1, *) }
        func perSample(_ shape: [Int]) -> Int { shape.count == 3 && convolution == .flatten ? shape[1] * shape[2] : 1 }
        var totalBytes = 0.0
        for t in targets { totalBytes += Double(neurons(t.shape)) * Double(perSample(t.shape)) * Double(n) * 4 }
        let physical = Double(sysconf(Int32(_SC_PHYS_PAGES))) * Double(sysconf(Int32(_SC_PAGESIZE)))
        if physical > 0, totalBytes > 0.75 * physical {
            throw EngineError.invalid("recording", expected: "activations that fit in memory (at most \(Format.metric(0.75 * physical))B here)",
                                      given: "\(Format.metric(totalBytes))B for \(targets.count) layers × \(n) samples (record fewer layers or samples, or use conv = \"mean\")")
        }
        let results = try targets.map { t in
            try Tensor(shape: [neurons(t.shape), perSample(t.shape) * n], dtype: .float32, zeroed: false)
        }
        let wasTraining = isTraining
        setTraining(false)
        root.setPreservesOutputs(true)
        defer {
            root.setPreservesOutputs(false)
            setTraining(wasTraining)
        }
        var start = 0
        while start < n {
            try Cancellation.check()
            let end = min(n, start + batchSize)
            _ = try forward(try input.batch(start..<end))
            for (k, t) in targets.enumerated() {
                guard let out = t.layer.output else { throw EngineError("recording: layer \(t.name) produced no output") }
                try ActivationRecording.store(try out.contiguous(), into: results[k], first: start, reduction: convolution)
            }
            start = end
        }
        return zip(targets, results).map { ($0.name, $1) }
    }

}

/// Copies one batch of a layer's output into a neurons × datapoints matrix.
enum ActivationRecording {
    /// `out` is the batch's output (`B × …`, contiguous), `first` the index of its first sample.
    static func store(_ out: Tensor, into result: Tensor, first: Int, reduction: ConvolutionReduction) throws {
        let b = out.shape[0]
        let columns = result.shape[1]
        let src = out.mutablePointer(as: Float.self), dst = result.mutablePointer(as: Float.self)
        if out.rank == 4 {
            let c = out.shape[1], plane = out.shape[2] * out.shape[3]
            ParallelLoops.forEach(c, minimumCount: 2) { ch in
                let row = dst + ch * columns
                for j in 0..<b {
                    let p = src + (j * c + ch) * plane
                    switch reduction {
                    case .flatten: (row + (first + j) * plane).update(from: p, count: plane)
                    case .mean: row[first + j] = VectorOps.sum(p, plane) / Float(plane)
                    }
                }
            }
        } else {
            let f = out.count / max(b, 1)
            for j in 0..<b {
                let p = src + j * f
                for i in 0..<f { dst[i * columns + first + j] = p[i] }
            }
        }
    }
}
