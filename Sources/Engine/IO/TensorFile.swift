/// One way for all of prunelab to read and write tensors, whatever the file: `.npy`, `.npz`
/// (a member chosen by key) and `.safetensors` (a tensor chosen by name).
///
/// The format comes from the extension (case-insensitive); a file with another extension is
/// recognised by its first bytes. A reference `file.npz:key` or `file.safetensors:name` (see
/// ``splitReference(_:)``) names one tensor in a container; a container holding exactly one
/// tensor needs no key.
public enum TensorFile {
    /// The tensor file formats prunelab reads and writes.
    public enum Format: String, Sendable {
        case npy, npz, safetensors
    }

    /// The key under which a single tensor is saved to a container (NumPy's name for the first
    /// positional array of `np.savez`).
    public static let defaultKey = "arr_0"

    /// The format of `path`, from its extension or else its first bytes.
    public static func format(of path: String) throws -> Format {
        let lower = path.lowercased()
        if lower.hasSuffix(".npy") { return .npy }
        if lower.hasSuffix(".npz") { return .npz }
        if lower.hasSuffix(".safetensors") { return .safetensors }
        let file = try ReadableFile(path)
        let head = try file.bytes(at: 0, count: Swift.min(file.size, 8), what: "signature")
        if head.starts(with: NPY.magic) { return .npy }
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) || head.starts(with: [0x50, 0x4B, 0x05, 0x06]) { return .npz }
        if head.count == 8, ZipArchive.le64(head, 0) < UInt64(Safetensors.maxHeaderLength),
           let brace = try? file.bytes(at: 8, count: 1, what: "header"), brace == [UInt8(ascii: "{")] {
            return .safetensors
        }
        throw EngineError.file(path, "unknown tensor file format (expected .npy, .npz or .safetensors)")
    }

    /// Splits `file.npz:key` / `file.safetensors:name` into path and key; any other text is a
    /// path without a key. The split is at the first `:` right after a `.npz` or `.safetensors`
    /// extension, so keys may themselves contain `:` and `.`.
    public static func splitReference(_ reference: String) -> (path: String, key: String?) {
        let bytes = Array(reference.utf8)
        let lowered = bytes.map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }
        let patterns = [Array(".npz:".utf8), Array(".safetensors:".utf8)]
        for i in bytes.indices {
            for p in patterns where lowered[i...].starts(with: p) {
                let colon = i + p.count - 1
                return (String(decoding: bytes[..<colon], as: UTF8.self), String(decoding: bytes[(colon + 1)...], as: UTF8.self))
            }
        }
        return (reference, nil)
    }

    /// Loads the tensor `key` of `path` (nil: the file's only tensor).
    public static func load(_ path: String, key: String? = nil) throws -> Tensor {
        switch try format(of: path) {
        case .npy:
            if let key { throw EngineError.file(path, "a .npy file holds one array; cannot select key '\(key)'") }
            return try NPY.load(path)
        case .npz:
            if let key { return try NPZ.load(path, key: key) }
            let keys = try NPZ.keys(path)
            guard keys.count == 1 else { throw ambiguity(path, keys) }
            return try NPZ.load(path, key: keys[0])
        case .safetensors:
            if let key { return try Safetensors.read(path, key: key) }
            let entries = try Safetensors.header(path).entries
            guard entries.count == 1 else { throw ambiguity(path, entries.map(\.name)) }
            return try Safetensors.read(path, key: entries[0].name)
        }
    }

    /// Loads `file.npz:key`, `file.safetensors:name` or a plain path (see ``splitReference(_:)``).
    /// An existing file whose name contains such a colon is read as a plain path.
    public static func load(reference: String) throws -> Tensor {
        if FileIO.exists(reference) { return try load(reference) }
        let (path, key) = splitReference(reference)
        return try load(path, key: key)
    }

    /// The keys of `path` in file order (a .npy file has the single key ``defaultKey``).
    public static func keys(_ path: String) throws -> [String] {
        switch try format(of: path) {
        case .npy: _ = try ReadableFile(path); return [defaultKey]
        case .npz: return try NPZ.keys(path)
        case .safetensors: return try Safetensors.header(path).entries.map(\.name)
        }
    }

    /// Every tensor of `path` with its key, in file order.
    public static func loadAll(_ path: String) throws -> [(name: String, tensor: Tensor)] {
        switch try format(of: path) {
        case .npy: return [(defaultKey, try NPY.load(path))]
        case .npz: return try NPZ.loadAll(path)
        case .safetensors: return try Safetensors.read(path).tensors
        }
    }

    /// Saves one tensor to `path`, in the format its extension names (required here); in a
    /// container it is stored under ``defaultKey``.
    public static func save(_ tensor: Tensor, to path: String, compressed: Bool = false) throws {
        switch try writeFormat(path) {
        case .npy: try NPY.save(tensor, to: path)
        case .npz: try NPZ.save(path, tensors: [(defaultKey, tensor)], compressed: compressed)
        case .safetensors: try Safetensors.write(path, tensors: [(defaultKey, tensor)])
        }
    }

    /// Saves named tensors to a `.npz` (deflated when `compressed`) or `.safetensors` file (with
    /// `metadata`, which .npz cannot hold).
    public static func save(_ tensors: [(name: String, tensor: Tensor)], to path: String, metadata: [String: String] = [:], compressed: Bool = false) throws {
        switch try writeFormat(path) {
        case .npy:
            throw EngineError.file(path, "a .npy file holds one array; save several tensors to .npz or .safetensors")
        case .npz:
            guard metadata.isEmpty else { throw EngineError.file(path, ".npz files cannot hold metadata; use .safetensors") }
            try NPZ.save(path, tensors: tensors, compressed: compressed)
        case .safetensors:
            try Safetensors.write(path, tensors: tensors, metadata: metadata)
        }
    }

    private static func writeFormat(_ path: String) throws -> Format {
        let lower = path.lowercased()
        if lower.hasSuffix(".npy") { return .npy }
        if lower.hasSuffix(".npz") { return .npz }
        if lower.hasSuffix(".safetensors") { return .safetensors }
        throw EngineError.file(path, "cannot tell the format to write from the extension (use .npy, .npz or .safetensors)")
    }

    private static func ambiguity(_ path: String, _ keys: [String]) -> EngineError {
        EngineError.file(path, keys.isEmpty ? "holds no tensors"
            : "holds \(keys.count) tensors; choose one with a key (\(keys.prefix(20).map { "'\($0)'" }.joined(separator: ", "))\(keys.count > 20 ? ", …" : ""))")
    }
}
