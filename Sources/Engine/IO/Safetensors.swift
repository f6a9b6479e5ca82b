/// The safetensors format (Hugging Face): an 8-byte little-endian header length N, N bytes of
/// JSON, then the raw data of every tensor.
///
/// The JSON maps each tensor name to `{"dtype": "F32", "shape": [2, 3], "data_offsets": [begin,
/// end]}` (offsets relative to the end of the header) and may hold `"__metadata__"`, a map of
/// strings to strings. prunelab uses it for checkpoints (the architecture goes in the metadata),
/// so loading one can never execute code.
///
/// Reading accepts every numeric dtype (F16, BF16, F32, F64, I8–I64, U8–U64, BOOL; see
/// ``StoredElementType`` for the conversions) and validates before trusting anything: the header
/// length (at most 100 MB, within the file), the JSON, each dtype and shape, that each tensor's
/// byte range matches its shape, and that the ranges tile the data exactly (no gap, overlap or
/// trailing bytes), as the reference implementation does. Writing stores float32 as F32 and
/// float64 as F64, in the given order, with the header padded to a multiple of 8 bytes.
public enum Safetensors {
    /// One tensor as the header describes it.
    public struct Entry: Sendable {
        /// Tensor name.
        public let name: String
        /// Stored element type.
        public let type: StoredElementType
        /// Tensor shape.
        public let shape: [Int]
        /// Byte range relative to the start of the data.
        public let dataRange: Range<Int>
    }

    /// A validated header.
    public struct Header: Sendable {
        /// The tensors, in the order of their data in the file.
        public let entries: [Entry]
        /// The `__metadata__` map (empty when absent).
        public let metadata: [String: String]
        /// File offset of the data.
        public let dataStart: Int
    }

    /// Largest header accepted (the reference implementation's limit).
    public static let maxHeaderLength = 100_000_000

    /// Every tensor (in file order) and the metadata of the file at `path`.
    public static func read(_ path: String) throws -> (tensors: [(name: String, tensor: Tensor)], metadata: [String: String]) {
        let file = try ReadableFile(path)
        let header = try self.header(file)
        let tensors = try header.entries.map { ($0.name, try load($0, header, file)) }
        return (tensors, header.metadata)
    }

    /// The tensor named `key` in the file at `path`.
    public static func read(_ path: String, key: String) throws -> Tensor {
        let file = try ReadableFile(path)
        let header = try self.header(file)
        guard let entry = header.entries.first(where: { $0.name == key }) else {
            let known = header.entries.map { "'\($0.name)'" }
            throw EngineError.file(path, "no tensor '\(key)' (keys: \(known.isEmpty ? "none" : known.joined(separator: ", ")))")
        }
        return try load(entry, header, file)
    }

    /// The validated header of the file at `path` (reads no tensor data).
    public static func header(_ path: String) throws -> Header {
        try header(ReadableFile(path))
    }

    /// Writes `tensors` (names unique, non-empty, not `__metadata__`) and `metadata` to `path`
    /// atomically.
    public static func write(_ path: String, tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:]) throws {
        try write(path, payloads: tensors.map { (name: $0.name, payload: Payload.tensor($0.tensor)) }, metadata: metadata)
    }

    // MARK: reading

    static func header(_ file: ReadableFile) throws -> Header {
        let path = file.path
        guard file.size >= 8 else {
            throw EngineError.file(path, "truncated: \(file.size) bytes is too short for a safetensors header")
        }
        let lengthBytes = try file.bytes(at: 0, count: 8, what: "header length")
        let declared = ZipArchive.le64(lengthBytes, 0)
        guard declared <= UInt64(maxHeaderLength) else {
            throw EngineError.file(path, "not a safetensors file or corrupt: header length \(declared) exceeds the \(maxHeaderLength)-byte limit")
        }
        let length = Int(declared)
        guard length <= file.size - 8 else {
            throw EngineError.file(path, "truncated: the safetensors header declares \(length) bytes but only \(file.size - 8) follow")
        }
        let text = try file.bytes(at: 8, count: length, what: "header")
        guard text.first == UInt8(ascii: "{") else {
            throw EngineError.file(path, "malformed safetensors header: it must start with '{'")
        }
        let json: JSON
        do { json = try JSON.parse(text) } catch let e as EngineError {
            throw EngineError.file(path, "malformed safetensors header: \(e.message)")
        }
        guard case .object(let pairs) = json else { throw EngineError.file(path, "malformed safetensors header: not a JSON object") }
        func bad(_ message: String) -> EngineError { EngineError.file(path, "malformed safetensors header: \(message)") }

        var metadata: [String: String] = [:]
        var entries: [Entry] = []
        var names = Set<String>()
        for (name, value) in pairs {
            guard names.insert(name).inserted else { throw bad("'\(name)' appears twice") }
            if name == "__metadata__" {
                guard case .object(let items) = value else { throw bad("__metadata__ must be an object of strings") }
                for (k, v) in items {
                    guard let s = v.stringValue else { throw bad("__metadata__ value of '\(k)' must be a string") }
                    metadata[k] = s
                }
                continue
            }
            guard case .object = value else { throw bad("tensor '\(name)' must be an object") }
            guard let dtypeName = value["dtype"]?.stringValue else { throw bad("tensor '\(name)' has no dtype string") }
            guard let type = StoredElementType.fromSafetensors(dtypeName) else {
                throw bad("tensor '\(name)' has unsupported dtype '\(dtypeName)' (supported: \(StoredElementType.allCases.map(\.safetensorsName).joined(separator: ", ")))")
            }
            guard case .array(let shapeItems)? = value["shape"] else { throw bad("tensor '\(name)' has no shape array") }
            let shape = shapeItems.compactMap { $0.intValue }
            guard shape.count == shapeItems.count, shape.allSatisfy({ $0 >= 0 }) else {
                throw bad("tensor '\(name)' shape must hold non-negative integers")
            }
            guard case .array(let offsetItems)? = value["data_offsets"], offsetItems.count == 2,
                  let begin = offsetItems[0].intValue, let end = offsetItems[1].intValue, begin >= 0, end >= begin else {
                throw bad("tensor '\(name)' data_offsets must be two integers [begin, end] with 0 ≤ begin ≤ end")
            }
            let count: Int
            do { count = try Shape.validatedCount(shape) } catch let e as EngineError { throw bad("tensor '\(name)': \(e.message)") }
            guard count * type.byteSize == end - begin else {
                throw bad("tensor '\(name)' of shape \(Shape.describe(shape)) and dtype \(dtypeName) needs \(count * type.byteSize) bytes, but its data_offsets [\(begin), \(end)] span \(end - begin)")
            }
            entries.append(Entry(name: name, type: type, shape: shape, dataRange: begin..<end))
        }
        entries.sort { ($0.dataRange.lowerBound, $0.dataRange.upperBound) < ($1.dataRange.lowerBound, $1.dataRange.upperBound) }
        var expected = 0
        for e in entries {
            guard e.dataRange.lowerBound == expected else {
                throw bad(e.dataRange.lowerBound < expected
                          ? "tensor '\(e.name)' data_offsets [\(e.dataRange.lowerBound), \(e.dataRange.upperBound)] overlap the previous tensor (which ends at \(expected))"
                          : "tensor '\(e.name)' data_offsets [\(e.dataRange.lowerBound), \(e.dataRange.upperBound)] leave a gap after byte \(expected)")
            }
            expected = e.dataRange.upperBound
        }
        let dataStart = 8 + length
        let available = file.size - dataStart
        if expected > available {
            throw EngineError.file(path, "truncated: the tensors need \(expected) data bytes but the file has \(available)")
        }
        if expected < available {
            throw EngineError.file(path, "corrupt safetensors file: \(available - expected) bytes after the last tensor's data")
        }
        return Header(entries: entries, metadata: metadata, dataStart: dataStart)
    }

    static func load(_ entry: Entry, _ header: Header, _ file: ReadableFile) throws -> Tensor {
        let tensor = try Tensor(shape: entry.shape, dtype: entry.type.tensorType, zeroed: false)
        let offset = header.dataStart + entry.dataRange.lowerBound
        if entry.type == .float32 || entry.type == .float64 {
            try file.read(at: offset, count: entry.dataRange.count, into: tensor.storage.raw, what: "data of tensor '\(entry.name)'")
        } else {
            let staged = try file.bytes(at: offset, count: entry.dataRange.count, what: "data of tensor '\(entry.name)'")
            try staged.withUnsafeBytes { raw in
                guard let base = raw.baseAddress else { return }
                try entry.type.decode(base, count: tensor.count, into: tensor, name: "\(file.path):\(entry.name)")
            }
        }
        return tensor
    }
}
