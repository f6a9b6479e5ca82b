/// Model checkpoints in the safetensors format.
///
/// A checkpoint holds every parameter (`conv1.weight` …) and buffer (`bn1.running_mean` …) as
/// an F32 tensor under its model name — PyTorch's `state_dict` names, so Python's
/// `safetensors` package (and PyTorch) can read it — plus `<parameter>.mask` for each pruning
/// mask. The header metadata records how to rebuild the model:
///
/// - `format`: `prunelab.model`, `version`: `1`;
/// - `architecture`: the root layer's ``LayerSpec`` as JSON;
/// - `input`: the per-sample input shape as a JSON array (absent when undeclared);
/// - `title`: the model's description.
///
/// Files are written atomically. Loading validates the header (through ``Safetensors``), the
/// architecture, and that every expected tensor is present, F32, of the right shape, and that
/// no unexpected tensor is there.
extension Model {
    public static let checkpointFormat = "prunelab.model"
    public static let checkpointVersion = "1"

    /// Writes the model to `path` (atomically).
    public func save(_ path: String) throws {
        var tensors: [(name: String, tensor: Tensor)] = []
        for (name, p) in parameters {
            tensors.append((name, p.value))
            if let mask = p.mask { tensors.append((name + ".mask", mask)) }
        }
        tensors += buffers
        var metadata = ["format": Model.checkpointFormat, "version": Model.checkpointVersion,
                        "architecture": root.spec.json.text, "title": title]
        if let inputShape { metadata["input"] = JSON.array(inputShape.map { .integer($0) }).text }
        try Safetensors.write(path, tensors: tensors, metadata: metadata)
    }

    /// Rebuilds the model saved at `path` with its weights, masks and running statistics
    /// (in training mode).
    public static func load(_ path: String) throws -> Model {
        let header = try Safetensors.header(path)
        let meta = header.metadata
        guard meta["format"] == checkpointFormat else {
            throw EngineError.file(path, "not a prunelab model checkpoint (its safetensors metadata has no \"format\": \"\(checkpointFormat)\"; tensor.load reads plain safetensors files)")
        }
        guard meta["version"] == checkpointVersion else {
            throw EngineError.file(path, "checkpoint version \(meta["version"] ?? "?") is not supported (expected \(checkpointVersion))")
        }
        guard let architectureText = meta["architecture"] else { throw EngineError.file(path, "the checkpoint has no architecture") }
        let spec: LayerSpec
        let root: Layer
        do {
            spec = try LayerSpec(json: try JSON.parse(Array(architectureText.utf8)))
            // Every weight must be in the file: its elements bound what the architecture may allocate.
            let stored = header.entries.reduce(0) { total, entry in total.saturatingAdding(entry.shape.saturatingProduct) }
            root = try LayerFactory.build(spec, parameterBudget: stored)
        } catch let e as EngineError {
            throw EngineError.file(path, "bad architecture: \(e.message)")
        }
        var inputShape: [Int]?
        if let text = meta["input"] {
            guard case .array(let items) = try? JSON.parse(Array(text.utf8)),
                  case let sizes = items.compactMap(\.intValue), sizes.count == items.count, !sizes.isEmpty, sizes.allSatisfy({ $0 > 0 }) else {
                throw EngineError.file(path, "bad input shape \(text) in the metadata")
            }
            inputShape = sizes
        }
        let model: Model
        do {
            model = try Model(root: root, inputShape: inputShape, title: meta["title"] ?? spec.kind)
        } catch let e as EngineError {
            throw EngineError.file(path, "the architecture does not accept its input shape: \(e.message)")
        }
        // Every expected tensor present; every tensor expected (a mask being optional), F32,
        // and of the architecture's shape.
        let params = model.parameters
        var shapes: [String: [Int]] = [:]
        for (name, p) in params { shapes[name] = p.value.shape; shapes[name + ".mask"] = p.value.shape }
        for (name, b) in model.buffers { shapes[name] = b.shape }
        for entry in header.entries {
            guard let shape = shapes[entry.name] else {
                throw EngineError.file(path, "unexpected tensor '\(entry.name)' (the architecture has no such parameter or buffer)")
            }
            guard entry.type == .float32 else {
                throw EngineError.file(path, "tensor '\(entry.name)' is \(entry.type.rawValue); checkpoints store float32 (F32)")
            }
            guard entry.shape == shape else {
                throw EngineError.file(path, "tensor '\(entry.name)' has shape \(Shape.describe(entry.shape)); the architecture needs \(Shape.describe(shape))")
            }
        }
        let present = Set(header.entries.map(\.name))
        for name in params.map(\.name) + model.buffers.map(\.name) where !present.contains(name) {
            throw EngineError.file(path, "missing tensor '\(name)'")
        }
        let loaded = Dictionary(try Safetensors.read(path).tensors.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
        for (name, p) in model.parameters {
            guard let value = loaded[name] else { throw EngineError.file(path, "missing tensor '\(name)'") }
            try p.value.assign(from: value)
            if let mask = loaded[name + ".mask"] { try p.setMask(mask) }
        }
        for (name, buffer) in model.buffers {
            guard let value = loaded[name] else { throw EngineError.file(path, "missing tensor '\(name)'") }
            try buffer.assign(from: value)
        }
        return model
    }
}
