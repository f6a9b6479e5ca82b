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
/// - `title`: the model's description;
/// - what ``ModelProvenance`` knows: `training`, `normalization`, `metrics`, `interrupted` and
///   the user's `metadata` (JSON text each).
///
/// With ``CheckpointNaming/torchPrune`` a pruned parameter is stored as PyTorch's
/// `torch.nn.utils.prune` keeps it in a `state_dict`: `conv1.weight_orig` (the weights) and
/// `conv1.weight_mask` (the mask) instead of `conv1.weight` and `conv1.weight.mask`. Loading
/// accepts both namings.
///
/// Files are written atomically. Loading validates the header (through ``Safetensors``), the
/// architecture, and that every expected tensor is present, F32, of the right shape, and that
/// no unexpected tensor is there.
extension Model {
    public static let checkpointFormat = "prunelab.model"
    public static let checkpointVersion = "1"

    /// How pruned parameters are named in a checkpoint.
    public enum CheckpointNaming: String, Sendable, CaseIterable {
        /// `conv1.weight` and `conv1.weight.mask`.
        case prunelab
        /// `conv1.weight_orig` and `conv1.weight_mask`, as `torch.nn.utils.prune` names them.
        case torchPrune = "torch-prune"
    }

    /// Writes the model to `path` (atomically). `userMetadata` (a JSON object) replaces the
    /// model's ``ModelProvenance/user`` metadata in the file when given.
    public func save(_ path: String, naming: CheckpointNaming = .prunelab, userMetadata: JSON? = nil) throws {
        var tensors: [(name: String, tensor: Tensor)] = []
        for (name, p) in parameters {
            if let mask = p.mask {
                switch naming {
                case .prunelab: tensors += [(name, p.value), (name + ".mask", mask)]
                case .torchPrune: tensors += [(name + "_orig", p.value), (name + "_mask", mask)]
                }
            } else {
                tensors.append((name, p.value))
            }
        }
        tensors += buffers
        var record = provenance
        if let userMetadata { record.user = userMetadata }
        var metadata = record.metadata
        metadata.merge(["format": Model.checkpointFormat, "version": Model.checkpointVersion,
                        "architecture": root.spec.json.text, "title": title, "names": naming.rawValue]) { _, fixed in fixed }
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
        // torch.nn.utils.prune's names: p_orig is the parameter p, p_mask its mask.
        func canonical(_ name: String) -> String {
            if shapes[name] != nil { return name }
            if name.hasSuffix("_orig"), case let base = String(name.dropLast(5)), params.contains(where: { $0.name == base }) { return base }
            if name.hasSuffix("_mask"), case let base = String(name.dropLast(5)), params.contains(where: { $0.name == base }) { return base + ".mask" }
            return name
        }
        for entry in header.entries {
            guard let shape = shapes[canonical(entry.name)] else {
                throw EngineError.file(path, "unexpected tensor '\(entry.name)' (the architecture has no such parameter or buffer)")
            }
            guard entry.type == .float32 else {
                throw EngineError.file(path, "tensor '\(entry.name)' is \(entry.type.rawValue); checkpoints store float32 (F32)")
            }
            guard entry.shape == shape else {
                throw EngineError.file(path, "tensor '\(entry.name)' has shape \(Shape.describe(entry.shape)); the architecture needs \(Shape.describe(shape))")
            }
        }
        let present = Set(header.entries.map { canonical($0.name) })
        for name in params.map(\.name) + model.buffers.map(\.name) where !present.contains(name) {
            throw EngineError.file(path, "missing tensor '\(name)'")
        }
        let loaded = Dictionary(try Safetensors.read(path).tensors.map { (canonical($0.name), $0.tensor) }, uniquingKeysWith: { a, _ in a })
        for (name, p) in model.parameters {
            guard let value = loaded[name] else { throw EngineError.file(path, "missing tensor '\(name)'") }
            try p.value.assign(from: value)
            if let mask = loaded[name + ".mask"] { try p.setMask(mask) }
        }
        for (name, buffer) in model.buffers {
            guard let value = loaded[name] else { throw EngineError.file(path, "missing tensor '\(name)'") }
            try buffer.assign(from: value)
        }
        do {
            model.provenance = try ModelProvenance(metadata: meta)
        } catch let e as EngineError {
            throw EngineError.file(path, e.message)
        }
        return model
    }
}
