/// NumPy's `.npz` archives: a zip of `.npy` members, one per array (`np.savez`, stored, and
/// `np.savez_compressed`, deflated). A key names the member without its `.npy` suffix, as
/// `np.load(path)[key]` does.
public enum NPZ {
    /// The keys of the archive at `path`, in archive order.
    public static func keys(_ path: String) throws -> [String] {
        try ZipArchive.entries(ReadableFile(path)).map { key(of: $0.name) }
    }

    /// The tensor stored under `key`.
    public static func load(_ path: String, key: String) throws -> Tensor {
        let file = try ReadableFile(path)
        let entries = try ZipArchive.entries(file)
        guard let entry = entries.first(where: { $0.name == key + ".npy" }) ?? entries.first(where: { $0.name == key }) else {
            let known = entries.map { "'\(NPZ.key(of: $0.name))'" }
            throw EngineError.file(path, "no array '\(key)' (keys: \(known.isEmpty ? "none" : known.joined(separator: ", ")))")
        }
        return try decode(entry, file)
    }

    /// Every tensor, with its key, in archive order.
    public static func loadAll(_ path: String) throws -> [(name: String, tensor: Tensor)] {
        let file = try ReadableFile(path)
        return try ZipArchive.entries(file).map { (key(of: $0.name), try decode($0, file)) }
    }

    /// Writes `tensors` to `path` (atomically) as members `name.npy`; deflated when `compressed`.
    /// Names must be unique and non-empty.
    public static func save(_ path: String, tensors: [(name: String, tensor: Tensor)], compressed: Bool = false) throws {
        try save(path, tensors: tensors, compressed: compressed, forceZip64: false)
    }

    /// As ``save(_:tensors:compressed:)``, with every zip64 record forced (for tests).
    static func save(_ path: String, tensors: [(name: String, tensor: Tensor)], compressed: Bool, forceZip64: Bool) throws {
        var seen = Set<String>()
        for (name, _) in tensors {
            guard !name.isEmpty else { throw EngineError.invalid("npz key", expected: "a non-empty name", given: "\"\"") }
            guard seen.insert(name).inserted else { throw EngineError.invalid("npz key", expected: "unique names", given: "'\(name)' twice") }
        }
        let contiguous = try tensors.map { try $0.tensor.contiguous() }
        // All headers in one buffer, so every member's chunks are valid at once.
        var headers: [UInt8] = []
        var ranges: [Range<Int>] = []
        for (_, tensor) in tensors {
            let h = NPY.encodeHeader(shape: tensor.shape, type: .exact(tensor.dtype))
            ranges.append(headers.count..<(headers.count + h.count))
            headers += h
        }
        try withExtendedLifetime(contiguous) {
            try headers.withUnsafeBytes { all in
                let members = tensors.indices.map { i in
                    ZipArchive.Member(name: tensors[i].name + ".npy", chunks: [
                        UnsafeRawBufferPointer(rebasing: all[ranges[i]]),
                        UnsafeRawBufferPointer(start: contiguous[i].firstElementAddress, count: contiguous[i].count * contiguous[i].dtype.byteSize),
                    ])
                }
                try ZipArchive.write(path, members: members, compressed: compressed, forceZip64: forceZip64)
            }
        }
    }

    private static func key(of memberName: String) -> String {
        memberName.hasSuffix(".npy") ? String(memberName.dropLast(4)) : memberName
    }

    private static func decode(_ entry: ZipArchive.Entry, _ file: ReadableFile) throws -> Tensor {
        try NPY.decode(ZipMemberStream(entry, in: file))
    }
}
