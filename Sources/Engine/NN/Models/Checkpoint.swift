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
    ///
    /// `sparse` stores every masked parameter as ``SparseCheckpoint`` describes (packed mask +
    /// kept values, layout in the `sparse` metadata entry); parameters without a mask (and
    /// buffers) stay dense, so a model with no mask gives the same file as a dense save. It needs
    /// the prunelab naming (the torch-prune naming is for PyTorch, which reads only dense files).
    public func save(_ path: String, naming: CheckpointNaming = .prunelab, userMetadata: JSON? = nil, sparse: Bool = false) throws {
        if sparse && naming != .prunelab {
            throw EngineError.invalid("Model.save", expected: "sparse storage with the prunelab naming (torch-prune files are dense, for PyTorch)", given: "sparse with naming \(naming.rawValue)")
        }
        var tensors: [(name: String, payload: Safetensors.Payload)] = []
        var sparseNames: [String] = []
        for (name, p) in parameters {
            if sparse, let mask = p.mask, let encoded = try SparseCheckpoint.encode(value: p.value, mask: mask) {
                tensors += [(SparseCheckpoint.bitsName(name), .bytes(.uint8, shape: [encoded.bits.count], encoded.bits)),
                            (SparseCheckpoint.valuesName(name), .tensor(encoded.values))]
                sparseNames.append(name)
            } else if let mask = p.mask {
                switch naming {
                case .prunelab: tensors += [(name, .tensor(p.value)), (name + ".mask", .tensor(mask))]
                case .torchPrune: tensors += [(name + "_orig", .tensor(p.value)), (name + "_mask", .tensor(mask))]
                }
            } else {
                tensors.append((name, .tensor(p.value)))
            }
        }
        tensors += buffers.map { (name: $0.name, payload: Safetensors.Payload.tensor($0.tensor)) }
        var record = provenance
        if let userMetadata { record.user = userMetadata }
        var metadata = record.metadata
        metadata.merge(["format": Model.checkpointFormat, "version": Model.checkpointVersion,
                        "architecture": root.spec.json.text, "title": title, "names": naming.rawValue]) { _, fixed in fixed }
        if let inputShape { metadata["input"] = JSON.array(inputShape.map { .integer($0) }).text }
        if !sparseNames.isEmpty { metadata[SparseCheckpoint.metadataKey] = SparseCheckpoint.metadata(names: sparseNames) }
        try Safetensors.write(path, payloads: tensors, metadata: metadata)
    }

    /// Rebuilds the model saved at `path` with its weights, masks and running statistics
    /// (in training mode).
    public static func load(_ path: String) throws -> Model {
        let file = try ReadableFile(path)
        let header = try Safetensors.header(of: file)
        let meta = header.metadata
        let sparseNames = try SparseCheckpoint.names(inMetadata: meta, path: path)
        let sparseEntries = Set(sparseNames.flatMap { [SparseCheckpoint.bitsName($0), SparseCheckpoint.valuesName($0)] })
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
            // (A packed sparse mask byte stands for 8 weights.)
            let stored = header.entries.reduce(0) { total, entry in
                total.saturatingAdding(entry.shape.saturatingProduct.saturatingMultiplied(by: entry.name.hasSuffix(".bits") && sparseEntries.contains(entry.name) ? 8 : 1))
            }
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
        let sparse = try sparseLayout(sparseNames, header: header, parameters: params, canonical: canonical, path: path)
        for entry in header.entries where !sparseEntries.contains(entry.name) {
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
        let present = Set(header.entries.map { canonical($0.name) }).union(sparseNames)
        for name in params.map(\.name) + model.buffers.map(\.name) where !present.contains(name) {
            throw EngineError.file(path, "missing tensor '\(name)'")
        }
        var loaded: [String: Tensor] = [:]
        for entry in header.entries where !sparseEntries.contains(entry.name) {
            let name = canonical(entry.name)
            if loaded[name] == nil { loaded[name] = try Safetensors.tensor(entry, header: header, file: file) }
        }
        for (name, stored) in sparse {
            let bits = try Safetensors.rawBytes(stored.bits, header: header, file: file)
            let values = try Safetensors.tensor(stored.values, header: header, file: file)
            do {
                let decoded = try SparseCheckpoint.decode(bits: bits, values: values, shape: stored.shape, name: name)
                loaded[name] = decoded.value
                loaded[name + ".mask"] = decoded.mask
            } catch let e as EngineError {
                throw EngineError.file(path, e.message)
            }
        }
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

    /// The entries of each parameter a sparse checkpoint lists (``SparseCheckpoint``), checked:
    /// a real parameter, its `.bits` entry U8 of ⌈n/8⌉ bytes, its `.values` entry F32 with at
    /// most n values, and no dense copy of it or its mask beside them.
    private static func sparseLayout(_ names: [String], header: Safetensors.Header, parameters: [(name: String, parameter: Parameter)],
                                     canonical: (String) -> String, path: String) throws -> [(name: String, (bits: Safetensors.Entry, values: Safetensors.Entry, shape: [Int]))] {
        guard !names.isEmpty else { return [] }
        let byName = Dictionary(header.entries.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let dense = Set(header.entries.map { canonical($0.name) })
        var result: [(name: String, (bits: Safetensors.Entry, values: Safetensors.Entry, shape: [Int]))] = []
        for name in names {
            guard let p = parameters.first(where: { $0.name == name })?.parameter else {
                throw EngineError.file(path, "the sparse layout lists '\(name)', which is not a parameter of the architecture")
            }
            let n = p.count, bytes = n / 8 + (n % 8 == 0 ? 0 : 1)
            let bitsName = SparseCheckpoint.bitsName(name), valuesName = SparseCheckpoint.valuesName(name)
            guard let bits = byName[bitsName] else { throw EngineError.file(path, "sparse tensor '\(name)' has no '\(bitsName)' entry (its packed mask)") }
            guard let values = byName[valuesName] else { throw EngineError.file(path, "sparse tensor '\(name)' has no '\(valuesName)' entry (its kept values)") }
            guard bits.type == .uint8, bits.shape == [bytes] else {
                throw EngineError.file(path, "tensor '\(bitsName)' is \(bits.type.safetensorsName) \(Shape.describe(bits.shape)); the packed mask of \(n) weights is U8 [\(bytes)]")
            }
            guard values.type == .float32, values.shape.count == 1, values.shape[0] <= n else {
                throw EngineError.file(path, "tensor '\(valuesName)' is \(values.type.safetensorsName) \(Shape.describe(values.shape)); the kept values of \(n) weights are F32 [k] with k ≤ \(n)")
            }
            guard !dense.contains(name), !dense.contains(name + ".mask") else {
                throw EngineError.file(path, "tensor '\(name)' is stored both sparse and dense")
            }
            result.append((name, (bits, values, p.value.shape)))
        }
        return result
    }
}
