#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Settings of a model-to-model comparison (`sim.layers`, `sim.pairwise`, `sim.over_time`).
public struct ModelComparisonOptions: Sendable {
    /// The measure (default SVCCA keeping 99% of the variance, the paper's choice). Only
    /// measures that stream work: CCA, SVCCA, PWCCA and linear CKA.
    public var measure: SimilarityMeasure = .svcca(.standard, epsilon: SimilarityMeasure.defaultEpsilon)
    /// How convolutional outputs become datapoints (SIMILARITY.md).
    public var convolution: ConvolutionLayout = .flatten
    /// Layers to compare; nil means every recordable layer (``Model/recordableLayers``).
    public var layers: [String]?
    /// Cap on datapoints per layer, applied with ``DatapointSampler``; nil keeps them all.
    public var maxDatapoints: Int?
    /// Seed of the datapoint subsampling.
    public var samplingSeed: UInt64 = 0
    /// Largest number of probe samples per forward pass. The probe is cut into equal batches
    /// of at most this size (the last one padded), so every forward pass has one shape and the
    /// models' layer buffers are reused; each compared model holds one batch of activations.
    public var batchSize = 64

    public init() {}
}

/// Compares models layer by layer on a probe set, the instrument of Blakeney, Yan & Zong (2020):
/// the same probe inputs go through each model (evaluation mode) batch by batch, and every
/// layer's activations are streamed into ``CovarianceAccumulator``s, so memory depends on the
/// batch and the layer widths, never on the probe size. The similarity of each layer then comes
/// from the accumulated statistics (``SimilarityMeasure/compute(from:)``), equal to the
/// full-matrix result on all the recorded activations.
///
/// The layers are those activation recording counts (``Model/recordableLayers``: convolutions,
/// BatchNorm outputs, ReLUs, poolings, residual additions, linear layers). Convolutional outputs
/// N×C×H×W give C neurons and N·H·W datapoints (``ConvolutionLayout/flatten``) or N
/// (``ConvolutionLayout/mean``).
public enum ModelComparison {
    /// One layer as compared: its name, neurons, datapoints per probe sample, and the subset of
    /// datapoints kept.
    struct LayerPlan {
        let name: String
        let neurons: Int
        let perSample: Int
        let isSpatial: Bool
        let total: Int
        let sampler: DatapointSampler?
        var datapoints: Int { sampler?.selected.count ?? total }
    }

    /// Similarity of each layer of `reference` with the same layer of each model in `models`
    /// (which must have the same layers with the same output shapes): `results[j][i]` compares
    /// layer `names[i]` of `reference` (first argument of the measure) with that of `models[j]`.
    /// One pass over the probe serves every model (the reference runs once per batch).
    public static func layers(_ reference: Model, _ models: [Model], probe: RecordingInput,
                              options: ModelComparisonOptions = ModelComparisonOptions()) throws -> (names: [String], results: [[SimilarityResult]]) {
        guard !models.isEmpty else { throw EngineError.invalid("models", expected: "at least one model to compare", given: "none") }
        let sample = try checkProbe(probe, options, [reference] + models)
        let names = options.layers ?? reference.recordableLayers
        let plans = try plan(names, reference, sample: sample, count: probe.count, options)
        for (j, other) in models.enumerated() {
            let which = models.count == 1 ? "the second model" : "model \(j + 1)"
            try checkSameLayers(reference, other, names: names, sample: sample, which: which, listAll: options.layers == nil)
            do {
                try reference.checkSameArchitecture(as: other, which)
            } catch let error as EngineError {
                throw EngineError("mismatched architectures: \(error.message)")
            }
        }
        try checkMemory(plans.reduce(0.0) { $0 + 4 * Double($1.neurons * $1.neurons) } * Double(models.count) * 8, what: "\(models.count) × \(plans.count) layer accumulators")
        let accumulators = models.map { _ in plans.map { _ in CovarianceAccumulator() } }
        // Two working copies run every forward pass: one of the reference and one that takes
        // each model's weights in turn. Memory for activations is that of two models whatever
        // the number of models, and the callers' models are left as they were.
        let base = try reference.clone()
        let work = try reference.clone()
        try work.removeMasks()
        let baseLayers = try resolve(names, in: base), workLayers = try resolve(names, in: work)
        try stream(probe, options, [base, work]) { batch, range in
            let x = try forward(base, batch, baseLayers, plans, range)
            for (j, model) in models.enumerated() {
                try load(model, into: work)
                let y = try forward(work, batch, workLayers, plans, range)
                for (i, plan) in plans.enumerated() where x[i].shape[1] > 0 {
                    try accumulators[j][i].add(LayerActivations(x[i], name: "\(plan.name) (reference)"),
                                               LayerActivations(y[i], name: "\(plan.name) (model \(j + 1))"))
                }
            }
        }
        let results = try accumulators.map { row in
            try zip(row, plans).map { accumulator, plan in
                var result = try options.measure.compute(from: accumulator)
                if plan.isSpatial { result.convolution = options.convolution }
                return result
            }
        }
        return (names, results)
    }

    /// The layer × layer similarities of `a` and `b` (any two models taking the same inputs):
    /// `results[i][j]` compares layer `rows[i]` of `a` with layer `columns[j]` of `b`. All
    /// compared layers must have the same number of datapoints, so with
    /// ``ConvolutionLayout/flatten`` they must share one spatial size (use
    /// ``ConvolutionLayout/mean`` to compare layers of different sizes). The statistics of all
    /// layers of both models are streamed into one joint covariance, from which every pair's
    /// blocks are taken.
    public static func pairwise(_ a: Model, _ b: Model, probe: RecordingInput,
                                options: ModelComparisonOptions = ModelComparisonOptions()) throws -> (rows: [String], columns: [String], results: [[SimilarityResult]]) {
        let sample = try checkProbe(probe, options, [a, b])
        let rowNames = options.layers ?? a.recordableLayers
        let columnNames = options.layers ?? b.recordableLayers
        let rowPlans = try plan(rowNames, a, sample: sample, count: probe.count, options, model: "the first model")
        let columnPlans = try plan(columnNames, b, sample: sample, count: probe.count, options, model: "the second model")
        let all = rowPlans + columnPlans
        if let first = all.first, let odd = all.first(where: { $0.total != first.total }) {
            throw EngineError("conv = \"\(options.convolution.rawValue)\" gives \(first.name) \(first.total) datapoints but \(odd.name) \(odd.total): a layer × layer matrix needs one datapoint count for every layer; use conv = \"mean\" (one datapoint per probe sample) or choose layers of one spatial size")
        }
        let n1 = rowPlans.reduce(0) { $0 + $1.neurons }, n2 = columnPlans.reduce(0) { $0 + $1.neurons }
        try checkMemory(3 * Double((n1 + n2) * (n1 + n2)) * 8, what: "the joint covariance of \(n1 + n2) neurons")
        let accumulator = CovarianceAccumulator()
        // Working copies, so that the callers' models keep no activation buffers.
        let same = a === b
        let a = try a.clone()
        let b = same ? a : try b.clone()
        let rowLayers = try resolve(rowNames, in: a), columnLayers = try resolve(columnNames, in: b)
        try stream(probe, options, [a, b]) { batch, range in
            let x = try forward(a, batch, rowLayers, rowPlans, range)
            let y = try forward(b, batch, columnLayers, columnPlans, range)
            guard let width = x.first?.shape[1], width > 0 else { return }
            try accumulator.add(LayerActivations(stack(x, width: width), name: "the first model's layers"),
                                LayerActivations(stack(y, width: width), name: "the second model's layers"))
        }
        let statistics = try accumulator.statistics()
        func offsets(_ plans: [LayerPlan]) -> [Range<Int>] {
            var start = 0
            return plans.map { p in defer { start += p.neurons }; return start..<(start + p.neurons) }
        }
        let rowRanges = offsets(rowPlans), columnRanges = offsets(columnPlans)
        var results: [[SimilarityResult]] = []
        for (ri, r) in rowRanges.enumerated() {
            var row: [SimilarityResult] = []
            let rows = Array(r)
            let sxx = statistics.scatterXX.selecting(rows: rows, columns: rows)
            for (ci, c) in columnRanges.enumerated() {
                try Cancellation.check()
                let columns = Array(c)
                let pair = JointStatistics(count: statistics.count, mean1: Array(statistics.mean1[r]), mean2: Array(statistics.mean2[c]),
                                           scatterXX: sxx, scatterYY: statistics.scatterYY.selecting(rows: columns, columns: columns),
                                           scatterXY: statistics.scatterXY.selecting(rows: rows, columns: columns))
                var result = try options.measure.compute(from: pair)
                if rowPlans[ri].isSpatial || columnPlans[ci].isSpatial {
                    result.convolution = options.convolution
                }
                row.append(result)
            }
            results.append(row)
        }
        return (rowNames, columnNames, results)
    }

    // MARK: checks

    /// Validates the options and the probe against every model; returns the sample shape.
    static func checkProbe(_ probe: RecordingInput, _ options: ModelComparisonOptions, _ models: [Model]) throws -> [Int] {
        try options.measure.validate()
        if case .cka(let kernel, let debiased) = options.measure, kernel != .linear || debiased {
            throw EngineError("\(options.measure.name) needs every activation at once; comparing models streams them, so only linear CKA is available (or record the layers with m:record and use sim.cka)")
        }
        guard options.batchSize > 0 else { throw EngineError.invalid("option 'batch'", expected: "a positive batch size", given: "\(options.batchSize)") }
        if let k = options.maxDatapoints, k < 2 {
            throw EngineError.invalid("option 'max_datapoints'", expected: "at least 2 datapoints", given: "\(k)")
        }
        if case .tensor(let t) = probe, t.rank < 2 {
            throw EngineError.invalid("probe", expected: "a batch of samples (N×…) or a dataset", given: "a tensor of shape \(Shape.describe(t.shape))")
        }
        guard probe.count > 0 else { throw EngineError.invalid("probe", expected: "at least one sample", given: "an empty probe") }
        let sample = probe.sampleShape
        for (i, m) in models.enumerated() {
            if let shape = m.inputShape, shape != sample {
                throw EngineError.invalid("probe", expected: "samples of shape \(Shape.describe(shape)) (the input of model \(i + 1), \(m.title))", given: "samples of shape \(Shape.describe(sample))")
            }
            _ = try m.root.outputShape(for: sample)
        }
        return sample
    }

    /// Works out neurons and datapoints of each named layer of `model`.
    static func plan(_ names: [String], _ model: Model, sample: [Int], count: Int, _ options: ModelComparisonOptions,
                     model which: String = "the first model") throws -> [LayerPlan] {
        guard !names.isEmpty else { throw EngineError.invalid("option 'layers'", expected: "at least one layer name", given: "an empty list") }
        let shapes = outputShapes(model, sample: sample)
        var seen = Set<String>()
        return try names.map { name in
            guard let shape = shapes[name] else {
                let known = model.recordableLayers
                throw EngineError.invalid("layer \"\(name)\"", expected: "a layer of \(which) (\(known.prefix(4).joined(separator: ", ")), … — see m:layers())", given: "no such layer")
            }
            guard seen.insert(name).inserted else { throw EngineError.invalid("option 'layers'", expected: "each layer once", given: "\(name) twice") }
            let spatial = shape.count == 3
            let neurons = spatial ? shape[0] : shape.reduce(1, *)
            let perSample = spatial && options.convolution == .flatten ? shape[1] * shape[2] : 1
            let total = count * perSample
            let sampler = options.maxDatapoints.flatMap { $0 < total ? DatapointSampler(total: total, keep: $0, seed: options.samplingSeed) : nil }
            let p = LayerPlan(name: name, neurons: neurons, perSample: perSample, isSpatial: spatial, total: total, sampler: sampler)
            if p.datapoints < 2 {
                throw EngineError("layer \(name) gets only \(p.datapoints) datapoint from the probe: a similarity needs at least 2 (use more probe samples)")
            }
            if options.measure.usesCCA, p.datapoints < neurons {
                throw EngineError("layer \(name) has \(neurons) neurons but only \(p.datapoints) datapoints\(p.sampler != nil ? " (max_datapoints)" : "") from \(count) probe sample\(count == 1 ? "" : "s"): \(options.measure.family) needs at least as many datapoints as neurons (5× as many for unbiased values); use a larger probe\(p.sampler != nil ? " or a larger max_datapoints" : "")")
            }
            return p
        }
    }

    /// Per-sample output shape of every layer of `model`.
    static func outputShapes(_ model: Model, sample: [Int]) -> [String: [Int]] {
        var shapes: [String: [Int]] = [:]
        for row in model.layerSummaries(inputShape: sample) { if let s = row.outputShape, shapes[row.name] == nil { shapes[row.name] = s } }
        return shapes
    }

    /// The models must have the named layers with the same output shapes.
    static func checkSameLayers(_ a: Model, _ b: Model, names: [String], sample: [Int], which: String, listAll: Bool) throws {
        if listAll, a.recordableLayers != b.recordableLayers {
            let other = Set(b.recordableLayers), mine = Set(a.recordableLayers)
            let difference = a.recordableLayers.first { !other.contains($0) }.map { "it has no layer \($0)" }
                ?? b.recordableLayers.first { !mine.contains($0) }.map { "it has a layer \($0) the first lacks" } ?? "its layers come in another order"
            throw EngineError("mismatched architectures: \(which) (\(b.title)) does not have the layers of the first (\(a.title)): \(difference)")
        }
        let sa = outputShapes(a, sample: sample), sb = outputShapes(b, sample: sample)
        for name in names {
            guard let y = sb[name] else {
                throw EngineError("mismatched architectures: \(which) (\(b.title)) has no layer \(name)")
            }
            if let x = sa[name], x != y {
                throw EngineError("mismatched architectures: layer \(name) gives \(Shape.describe(x)) per sample in the first model but \(Shape.describe(y)) in \(which)")
            }
        }
    }

    /// Refuses work whose accumulators would not fit comfortably in memory.
    static func checkMemory(_ bytes: Double, what: String) throws {
        let physical = Double(sysconf(Int32(_SC_PHYS_PAGES))) * Double(sysconf(Int32(_SC_PAGESIZE)))
        if physical > 0, bytes > 0.5 * physical {
            throw EngineError("\(what) would need \(Format.metric(bytes))B, more than half of this machine's memory: compare fewer layers (option 'layers')")
        }
    }

    // MARK: streaming

    /// The layer objects called `names` in `model`.
    static func resolve(_ names: [String], in model: Model) throws -> [Layer] {
        let all = Dictionary(model.layers.map { ($0.name, $0.layer) }, uniquingKeysWith: { a, _ in a })
        return try names.map { name in
            guard let layer = all[name] else { throw EngineError.invalid("layer \"\(name)\"", expected: "a layer of \(model.title)", given: "no such layer") }
            return layer
        }
    }

    /// Runs `body` on each probe batch with every model in evaluation mode (modes restored
    /// afterwards), polling Ctrl-C between batches. The N probe samples are cut into
    /// ⌈N / batchSize⌉ batches of one size, ⌈N / batches⌉; the last batch is padded with copies
    /// of its last sample, so that every forward pass has the same shape (layer buffers are
    /// reused instead of reallocated). Padding rows never reach the statistics: `body` gets the
    /// range of real samples, and in evaluation mode a sample's activations do not depend on the
    /// others in its batch.
    static func stream(_ probe: RecordingInput, _ options: ModelComparisonOptions, _ models: [Model],
                       _ body: (Tensor, Range<Int>) throws -> Void) throws {
        let modes = models.map(\.isTraining)
        for m in models { m.setTraining(false) }
        defer { for (m, mode) in zip(models, modes) { m.setTraining(mode) } }
        let n = probe.count
        let batches = (n + options.batchSize - 1) / options.batchSize
        let size = (n + batches - 1) / batches
        var start = 0
        while start < n {
            try Cancellation.check()
            let end = min(n, start + size)
            var batch = try probe.batch(start..<end).converted(to: .float32).contiguous()
            if end - start < size { batch = try padded(batch, to: size) }
            try body(batch, start..<end)
            start = end
        }
    }

    /// Copies `model`'s parameters and buffers into `work` (same architecture, checked).
    static func load(_ model: Model, into work: Model) throws {
        for ((_, p), (_, q)) in zip(work.parameters, model.parameters) { try p.value.assign(from: q.value) }
        for ((_, b), (_, c)) in zip(work.buffers, model.buffers) { try b.assign(from: c) }
    }

    /// `batch` (B × …) extended to `size` samples by repeating its last sample.
    static func padded(_ batch: Tensor, to size: Int) throws -> Tensor {
        let b = batch.shape[0], per = batch.count / max(1, b)
        let result = try Tensor(shape: [size] + Array(batch.shape.dropFirst()), dtype: .float32, zeroed: false)
        let src = batch.mutablePointer(as: Float.self), dst = result.mutablePointer(as: Float.self)
        dst.update(from: src, count: b * per)
        for j in b..<size { (dst + j * per).update(from: src + (b - 1) * per, count: per) }
        return result
    }

    /// Forwards `batch` (probe samples `range`) through `model` and returns each planned layer's
    /// activations as a neurons × (kept datapoints of this batch) Float32 matrix.
    static func forward(_ model: Model, _ batch: Tensor, _ layers: [Layer], _ plans: [LayerPlan],
                        _ range: Range<Int>) throws -> [Tensor] {
        _ = try model.forward(batch)
        return try zip(layers, plans).map { layer, plan in
            guard let out = layer.output else { throw EngineError("layer \(plan.name) produced no output") }
            return try matrix(try out.contiguous(), plan, range)
        }
    }

    /// One batch of a layer's output (`B × …`, contiguous Float32) as neurons × datapoints,
    /// keeping only the sampled columns.
    static func matrix(_ out: Tensor, _ plan: LayerPlan, _ range: Range<Int>) throws -> Tensor {
        let b = range.count, n = plan.neurons, per = plan.perSample
        let globalRange = (range.lowerBound * per)..<(range.upperBound * per)
        let columns = plan.sampler?.columns(in: globalRange)
        let width = columns?.count ?? b * per
        let result = try Tensor(shape: [n, width], dtype: .float32, zeroed: false)
        let src = out.mutablePointer(as: Float.self), dst = result.mutablePointer(as: Float.self)
        let first = globalRange.lowerBound
        if plan.isSpatial {
            let plane = out.shape[2] * out.shape[3]
            if per == 1 {
                // Spatial means: C × B.
                let means = UnsafeMutablePointer<Float>.allocate(capacity: b * n)
                defer { means.deallocate() }
                for j in 0..<b { for c in 0..<n { means[j * n + c] = VectorOps.sum(src + (j * n + c) * plane, plane) / Float(plane) } }
                fill(dst, n: n, width: width, columns: columns, first: first) { c, column in means[column * n + c] }
            } else if columns == nil {
                // Every position a datapoint: column (sample·H + h)·W + w; whole planes at once.
                for c in 0..<n {
                    for j in 0..<b { (dst + c * width + j * plane).update(from: src + (j * n + c) * plane, count: plane) }
                }
            } else if let columns {
                // Sampled positions of column (sample·H + h)·W + w.
                for (k, g) in columns.enumerated() {
                    let local = g - first
                    let base = src + (local / plane) * n * plane + local % plane
                    for c in 0..<n { dst[c * width + k] = base[c * plane] }
                }
            }
        } else {
            fill(dst, n: n, width: width, columns: columns, first: first) { c, column in src[column * n + c] }
        }
        return result
    }

    /// Fills the n × width matrix `dst` with `value(neuron, local column)`, for every local
    /// column (columns nil) or the sampled ones (global indices, `first` subtracted).
    @inline(__always)
    private static func fill(_ dst: UnsafeMutablePointer<Float>, n: Int, width: Int, columns: ArraySlice<Int>?, first: Int,
                             _ value: (Int, Int) -> Float) {
        if let columns {
            for (k, g) in columns.enumerated() {
                let local = g - first
                for c in 0..<n { dst[c * width + k] = value(c, local) }
            }
        } else {
            for k in 0..<width { for c in 0..<n { dst[c * width + k] = value(c, k) } }
        }
    }

    /// Stacks matrices with `width` columns on top of each other.
    static func stack(_ matrices: [Tensor], width: Int) throws -> Tensor {
        let rows = matrices.reduce(0) { $0 + $1.shape[0] }
        let result = try Tensor(shape: [rows, width], dtype: .float32, zeroed: false)
        var dst = result.mutablePointer(as: Float.self)
        for m in matrices {
            dst.update(from: m.mutablePointer(as: Float.self), count: m.count)
            dst += m.count
        }
        return result
    }
}

extension RecordingInput {
    /// Number of samples (public for callers that report probe sizes).
    public var sampleCount: Int { count }
}
