/// Tensors of any stored type for ``Safetensors/write(_:payloads:metadata:)``: a float tensor
/// as it is (F32 or F64), or raw little-endian bytes with their dtype and shape (how sparse
/// checkpoints store packed bit masks as U8).
extension Safetensors {
    /// What one named entry of a file holds.
    public enum Payload: Sendable {
        /// A float32 or float64 tensor, stored as F32 or F64.
        case tensor(Tensor)
        /// Raw little-endian bytes of `type`, `shape`; `bytes.count` must be the shape's element
        /// count times the type's size.
        case bytes(StoredElementType, shape: [Int], [UInt8])
    }

    /// Writes `payloads` (names unique, non-empty, not `__metadata__`) and `metadata` to `path`
    /// atomically, in the given order, with the header padded to a multiple of 8 bytes.
    public static func write(_ path: String, payloads: [(name: String, payload: Payload)], metadata: [String: String] = [:]) throws {
        var seen = Set<String>()
        for (name, _) in payloads {
            guard !name.isEmpty, name != "__metadata__" else {
                throw EngineError.invalid("safetensors name", expected: "a non-empty name other than __metadata__", given: "\"\(name)\"")
            }
            guard seen.insert(name).inserted else { throw EngineError.invalid("safetensors name", expected: "unique names", given: "'\(name)' twice") }
        }
        // Contiguous copies of the tensors (kept alive while written).
        var contiguous: [Tensor?] = []
        for (name, payload) in payloads {
            switch payload {
            case .tensor(let t): contiguous.append(try t.contiguous())
            case .bytes(let type, let shape, let bytes):
                guard (try? Shape.validatedCount(shape)).map({ $0 * type.byteSize == bytes.count }) == true else {
                    throw EngineError.invalid("safetensors entry '\(name)'", expected: "bytes matching its shape and dtype", given: "\(bytes.count) bytes for \(Shape.describe(shape)) \(type.safetensorsName)")
                }
                contiguous.append(nil)
            }
        }
        var pairs: [(key: String, value: JSON)] = []
        if !metadata.isEmpty {
            pairs.append(("__metadata__", .object(metadata.keys.sorted().map { ($0, JSON.string(metadata[$0] ?? "")) })))
        }
        var offset = 0
        for (i, (name, payload)) in payloads.enumerated() {
            let type: StoredElementType, shape: [Int], bytes: Int
            switch payload {
            case .tensor(let t):
                type = StoredElementType.exact(t.dtype); shape = t.shape
                bytes = (contiguous[i]?.count ?? 0) * t.dtype.byteSize
            case .bytes(let stored, let s, let data):
                type = stored; shape = s; bytes = data.count
            }
            pairs.append((name, .object([
                ("dtype", .string(type.safetensorsName)),
                ("shape", .array(shape.map { .integer($0) })),
                ("data_offsets", .array([.integer(offset), .integer(offset + bytes)])),
            ])))
            offset += bytes
        }
        var json = Array(JSON.object(pairs).text.utf8)
        json += [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8)
        var prefix: [UInt8] = []
        ZipArchive.put64(&prefix, UInt64(json.count))
        try withExtendedLifetime(contiguous) {
            try FileIO.writeAtomically(path) { write in
                try (prefix + json).withUnsafeBytes { try write($0) }
                for (i, (_, payload)) in payloads.enumerated() {
                    switch payload {
                    case .tensor:
                        if let t = contiguous[i], t.count > 0 {
                            try write(UnsafeRawBufferPointer(start: t.firstElementAddress, count: t.count * t.dtype.byteSize))
                        }
                    case .bytes(_, _, let data):
                        if !data.isEmpty { try data.withUnsafeBytes { try write($0) } }
                    }
                }
            }
        }
    }

    /// The raw bytes of `entry` (as stored: little-endian, no conversion) in the file at `path`
    /// whose validated header is `header`.
    public static func rawBytes(_ entry: Entry, header: Header, file: ReadableFile) throws -> [UInt8] {
        try file.bytes(at: header.dataStart + entry.dataRange.lowerBound, count: entry.dataRange.count, what: "data of tensor '\(entry.name)'")
    }

    /// The tensor of `entry` (converted as ``read(_:)`` does) from `file` with validated `header`.
    public static func tensor(_ entry: Entry, header: Header, file: ReadableFile) throws -> Tensor {
        try load(entry, header, file)
    }

    /// The validated header of an open file.
    public static func header(of file: ReadableFile) throws -> Header { try header(file) }
}
