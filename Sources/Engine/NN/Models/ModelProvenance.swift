/// What is known about how a model came to be, kept with the model and written into its
/// checkpoints' header metadata (each as JSON text): the settings of its last training run
/// (optimizer, lr, epochs asked and finished, batch, data seed, …), the normalisation of the
/// data it was trained on, the metrics of its last finished epoch, whether that run was
/// interrupted by Ctrl-C, and free-form user metadata (`m:save(path, {metadata = {…}})`).
public struct ModelProvenance: Sendable, Equatable {
    /// Settings of the last training run, as a JSON object (nil when never trained here).
    public var training: JSON?
    /// The per-channel normalisation of the training data.
    public var normalization: Normalization?
    /// The last finished epoch's loss, accuracy and validation metrics, as a JSON object.
    public var metrics: JSON?
    /// Whether the last training run was stopped by Ctrl-C before its last epoch.
    public var interrupted = false
    /// The user's metadata, as a JSON object.
    public var user: JSON?

    public init() {}

    /// The checkpoint metadata entries (string → JSON text) for what is known.
    public var metadata: [String: String] {
        var entries: [String: String] = [:]
        if let training { entries["training"] = training.text }
        if let normalization {
            entries["normalization"] = JSON.object([("mean", .array(normalization.mean.map { .number($0) })),
                                                    ("std", .array(normalization.std.map { .number($0) }))]).text
        }
        if let metrics { entries["metrics"] = metrics.text }
        if interrupted { entries["interrupted"] = "true" }
        if let user { entries["metadata"] = user.text }
        return entries
    }

    /// Reads the entries ``metadata`` writes (unknown or malformed entries are errors naming
    /// the entry; absent ones stay nil).
    public init(metadata: [String: String]) throws {
        func object(_ key: String) throws -> JSON? {
            guard let text = metadata[key] else { return nil }
            guard let value = try? JSON.parse(Array(text.utf8)), case .object = value else {
                throw EngineError.invalid("checkpoint metadata '\(key)'", expected: "a JSON object", given: String(text.prefix(80)))
            }
            return value
        }
        training = try object("training")
        metrics = try object("metrics")
        user = try object("metadata")
        interrupted = metadata["interrupted"] == "true"
        if let n = try object("normalization") {
            func numbers(_ key: String) -> [Double]? {
                guard case .array(let items)? = n[key] else { return nil }
                let values = items.compactMap { item -> Double? in
                    switch item {
                    case .number(let d): return d
                    case .integer(let i): return Double(i)
                    default: return nil
                    }
                }
                return values.count == items.count ? values : nil
            }
            guard let mean = numbers("mean"), let std = numbers("std") else {
                throw EngineError.invalid("checkpoint metadata 'normalization'", expected: "{\"mean\": […], \"std\": […]}", given: n.text)
            }
            normalization = try Normalization(mean: mean, std: std, channels: mean.count)
        }
    }
}

extension TrainingOptions {
    /// The settings as a JSON object (the optimizer's own options only), plus `epochs_done`.
    public func json(epochsDone: Int) -> JSON {
        var pairs: [(key: String, value: JSON)] = [("optimizer", .string(optimizer.rawValue)), ("lr", .number(learningRate))]
        if optimizer == .sgd {
            pairs += [("momentum", .number(momentum)), ("nesterov", .bool(nesterov))]
        } else {
            pairs += [("betas", .array([.number(beta1), .number(beta2)])), ("eps", .number(epsilon))]
        }
        pairs += [("weight_decay", .number(weightDecay)), ("batch", .integer(batchSize)), ("epochs", .integer(epochs)),
                  ("epochs_done", .integer(epochsDone))]
        switch schedule {
        case .constant: pairs.append(("schedule", .string("constant")))
        case .cosine: pairs.append(("schedule", .string("cosine")))
        case .step(let milestones, let gamma):
            pairs += [("schedule", .string("step")), ("milestones", .array(milestones.map { .integer($0) })), ("gamma", .number(gamma))]
        }
        if warmup > 0 { pairs.append(("warmup", .number(warmup))) }
        pairs += [("seed", .integer(Int(Int64(bitPattern: seed)))), ("augment", .bool(augment))]
        return .object(pairs)
    }
}
