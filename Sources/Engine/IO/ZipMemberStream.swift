/// One zip member read front to back (``ByteStream``): a stored member straight from the file
/// (`pread` into the caller's buffer), a deflated one inflated from its compressed bytes into
/// the caller's buffer. The CRC-32 is computed over the bytes as they pass, and
/// ``finish(expected:)`` checks it and the announced size. Validates the local header, the
/// method and the sizes before any data is read.
final class ZipMemberStream: ByteStream {
    let name: String
    var knownSize: Int? { entry.uncompressedSize }
    private let entry: ZipArchive.Entry
    private let file: ReadableFile
    private let dataStart: Int
    private let inflater: InflateStream?
    private var position = 0
    private var crc: UInt32 = 0

    init(_ entry: ZipArchive.Entry, in file: ReadableFile) throws {
        let name = "\(file.path):\(entry.name)"
        self.name = name
        self.entry = entry
        self.file = file
        guard entry.flags & 1 == 0 else { throw EngineError.file(name, "encrypted zip members are not supported") }
        let local = try file.bytes(at: entry.localHeaderOffset, count: 30, what: "local header of member '\(entry.name)'")
        guard ZipArchive.le32(local, 0) == 0x0403_4B50 else {
            throw EngineError.file(name, "corrupt zip archive: bad local header signature at offset \(entry.localHeaderOffset)")
        }
        // The offset is within the file (read above), so this sum cannot overflow.
        dataStart = entry.localHeaderOffset + 30 + Int(ZipArchive.le16(local, 26)) + Int(ZipArchive.le16(local, 28))
        switch entry.method {
        case 0:
            guard entry.compressedSize == entry.uncompressedSize else {
                throw EngineError.file(name, "corrupt zip archive: stored member sizes disagree (\(entry.compressedSize) vs \(entry.uncompressedSize))")
            }
            guard dataStart <= file.size, entry.compressedSize <= file.size - dataStart else {
                throw EngineError.file(name, "truncated: the data of member '\(entry.name)' needs bytes \(dataStart)..<\(dataStart &+ entry.compressedSize) but the file has \(file.size) bytes")
            }
            inflater = nil
        case 8:
            guard entry.compressedSize <= ZipArchive.maxCompressedMember, entry.uncompressedSize <= ZipArchive.maxCompressedMember else {
                throw EngineError.file(name, "compressed member larger than 4 GiB is not supported")
            }
            // Deflate expands at most 1032:1, so a larger claim is a lie; refusing it up front
            // avoids allocating what the claim says.
            guard entry.uncompressedSize <= entry.compressedSize * 1032 + 1024 else {
                throw EngineError.file(name, "corrupt zip member: \(entry.compressedSize) compressed bytes cannot hold the \(entry.uncompressedSize) bytes it claims")
            }
            let packed = try file.bytes(at: dataStart, count: entry.compressedSize, what: "data of member '\(entry.name)'")
            inflater = try InflateStream(packed, format: .raw, expectedSize: entry.uncompressedSize, name: name)
        default:
            throw EngineError.file(name, "zip compression method \(entry.method) is not supported (only stored and deflate)")
        }
    }

    func read(into destination: UnsafeMutableRawPointer, count: Int, what: String) throws {
        guard count >= 0, count <= entry.uncompressedSize - position else {
            throw EngineError.file(name, "truncated: the member ends after \(entry.uncompressedSize) bytes, before the end of the \(what)")
        }
        if let inflater {
            try inflater.read(into: destination, count: count, what: what)
        } else {
            try file.read(at: dataStart + position, count: count, into: destination, what: what)
        }
        crc = ZipArchive.update(crc, UnsafeRawBufferPointer(start: destination, count: count))
        position += count
    }

    func finish(expected: String) throws {
        // Bytes the reader did not ask for still count towards the checksum.
        var scratch = [UInt8](repeating: 0, count: Swift.min(entry.uncompressedSize - position, 1 << 16))
        while position < entry.uncompressedSize {
            let n = Swift.min(scratch.count, entry.uncompressedSize - position)
            try scratch.withUnsafeMutableBytes { try read(into: $0.baseAddress!, count: n, what: "member") }
        }
        try inflater?.finish(expected: expected)
        guard crc == entry.crc32 else {
            throw EngineError.file(name, "CRC-32 mismatch (corrupt member: computed \(hex(crc)), recorded \(hex(entry.crc32)))")
        }
    }

    private func hex(_ v: UInt32) -> String { "0x" + String(v, radix: 16) }
}
