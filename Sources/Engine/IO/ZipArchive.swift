import CZlib

/// The subset of the ZIP format (PKWARE APPNOTE 6.3) that `.npz` files use.
///
/// Reading: the end-of-central-directory record (and its zip64 form), central-directory entries
/// (with zip64 extra fields), stored (method 0) and deflated (method 8) members, CRC-32 checked.
/// Encrypted, multi-disk and other-method archives are refused with a message saying so.
/// Writing: stored or deflated members with sizes in the local headers (no data descriptors),
/// zip64 records only when a size or offset needs them, and a fixed timestamp (1980-01-01) so
/// that the same tensors always give the same bytes.
public enum ZipArchive {
    /// One member, as the central directory describes it.
    public struct Entry: Sendable {
        /// Member name (path inside the archive).
        public let name: String
        /// Compression method (0 stored, 8 deflate).
        public let method: UInt16
        /// CRC-32 of the uncompressed bytes.
        public let crc32: UInt32
        /// Bytes stored in the archive.
        public let compressedSize: Int
        /// Bytes after decompression.
        public let uncompressedSize: Int
        let localHeaderOffset: Int
        let flags: UInt16
    }

    /// Largest member prunelab inflates into memory (zlib's stream counters are 32-bit).
    static let maxCompressedMember = Int(UInt32.max)

    // MARK: reading

    /// The central directory of the archive in `file`.
    public static func entries(_ file: ReadableFile) throws -> [Entry] {
        let name = file.path
        guard file.size >= 22 else {
            throw EngineError.file(name, file.size >= 4 && (try? file.bytes(at: 0, count: 4, what: "signature")) == [0x50, 0x4B, 0x03, 0x04]
                ? "truncated zip archive (no end-of-central-directory record)"
                : "not a zip archive (\(file.size) bytes is too short)")
        }
        let tailLength = Swift.min(file.size, 22 + 65535)
        let tailStart = file.size - tailLength
        let tail = try file.bytes(at: tailStart, count: tailLength, what: "end of the archive")
        var eocd: Int? = nil
        var i = tail.count - 22
        while i >= 0 {
            if tail[i] == 0x50 && tail[i + 1] == 0x4B && tail[i + 2] == 0x05 && tail[i + 3] == 0x06 {
                let commentLength = Int(le16(tail, i + 20))
                if i + 22 + commentLength == tail.count { eocd = i; break }
            }
            i -= 1
        }
        guard let e = eocd else {
            let head = try file.bytes(at: 0, count: 4, what: "signature")
            throw EngineError.file(name, head == [0x50, 0x4B, 0x03, 0x04]
                ? "truncated or corrupt zip archive (no end-of-central-directory record)"
                : "not a zip archive (no end-of-central-directory record)")
        }
        guard le16(tail, e + 4) == 0, le16(tail, e + 6) == 0 else {
            throw EngineError.file(name, "multi-disk zip archives are not supported")
        }
        var entryCount = Int(le16(tail, e + 10))
        var directorySize = Int(le32(tail, e + 12))
        var directoryOffset = Int(le32(tail, e + 16))
        if entryCount == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            // zip64: a locator just before the EOCD points at the zip64 EOCD record.
            let locatorAt = tailStart + e - 20
            guard locatorAt >= 0 else { throw EngineError.file(name, "corrupt zip64 archive (no zip64 locator)") }
            let locator = try file.bytes(at: locatorAt, count: 20, what: "zip64 locator")
            guard le32(locator, 0) == 0x0706_4B50 else { throw EngineError.file(name, "corrupt zip64 archive (bad zip64 locator signature)") }
            let recordAt = try checkedInt(le64(locator, 8), name, "zip64 record offset")
            let record = try file.bytes(at: recordAt, count: 56, what: "zip64 end-of-central-directory record")
            guard le32(record, 0) == 0x0606_4B50 else { throw EngineError.file(name, "corrupt zip64 archive (bad zip64 record signature)") }
            entryCount = try checkedInt(le64(record, 32), name, "entry count")
            directorySize = try checkedInt(le64(record, 40), name, "central directory size")
            directoryOffset = try checkedInt(le64(record, 48), name, "central directory offset")
        }
        guard directoryOffset <= file.size, directorySize <= file.size - directoryOffset else {
            throw EngineError.file(name, "corrupt zip archive: the central directory (\(directorySize) bytes at \(directoryOffset)) lies outside the \(file.size)-byte file")
        }
        guard entryCount <= directorySize / 46 else {
            throw EngineError.file(name, "corrupt zip archive: \(entryCount) entries cannot fit a \(directorySize)-byte central directory")
        }
        let directory = try file.bytes(at: directoryOffset, count: directorySize, what: "central directory")
        var entries: [Entry] = []
        var at = 0
        for index in 0..<entryCount {
            guard directory.count - at >= 46, le32(directory, at) == 0x0201_4B50 else {
                throw EngineError.file(name, "corrupt zip archive: central directory entry \(index + 1) is malformed")
            }
            let flags = le16(directory, at + 8)
            let method = le16(directory, at + 10)
            let crc = le32(directory, at + 16)
            var compressed = UInt64(le32(directory, at + 20))
            var uncompressed = UInt64(le32(directory, at + 24))
            let nameLength = Int(le16(directory, at + 28))
            let extraLength = Int(le16(directory, at + 30))
            let commentLength = Int(le16(directory, at + 32))
            var localOffset = UInt64(le32(directory, at + 42))
            let end = at + 46 + nameLength + extraLength + commentLength
            guard end <= directory.count else {
                throw EngineError.file(name, "corrupt zip archive: central directory entry \(index + 1) runs past the directory")
            }
            let memberName = String(decoding: directory[(at + 46)..<(at + 46 + nameLength)], as: UTF8.self)
            // zip64 extra field: only the fields whose 32-bit slot is 0xFFFFFFFF, in this order.
            var x = at + 46 + nameLength
            let extraEnd = x + extraLength
            while extraEnd - x >= 4 {
                let id = le16(directory, x), size = Int(le16(directory, x + 2))
                guard x + 4 + size <= extraEnd else { break }
                if id == 0x0001 {
                    var f = x + 4
                    if uncompressed == 0xFFFF_FFFF, f + 8 <= x + 4 + size { uncompressed = le64(directory, f); f += 8 }
                    if compressed == 0xFFFF_FFFF, f + 8 <= x + 4 + size { compressed = le64(directory, f); f += 8 }
                    if localOffset == 0xFFFF_FFFF, f + 8 <= x + 4 + size { localOffset = le64(directory, f); f += 8 }
                }
                x += 4 + size
            }
            entries.append(Entry(name: memberName, method: method, crc32: crc,
                                 compressedSize: try checkedInt(compressed, name, "member size"),
                                 uncompressedSize: try checkedInt(uncompressed, name, "member size"),
                                 localHeaderOffset: try checkedInt(localOffset, name, "member offset"), flags: flags))
            at = end
        }
        return entries
    }

    /// The uncompressed bytes of `entry`, CRC-checked.
    public static func contents(of entry: Entry, in file: ReadableFile) throws -> [UInt8] {
        let member = try ZipMemberStream(entry, in: file)
        let data = try member.bytes(entry.uncompressedSize, what: "data of member '\(entry.name)'")
        try member.finish(expected: "\(entry.uncompressedSize) bytes announced")
        return data
    }

    // MARK: writing

    /// A member to write: its name and its bytes as a list of chunks (written back to back).
    public struct Member {
        /// Member name.
        public let name: String
        /// The member's bytes, in pieces written back to back.
        public let chunks: [UnsafeRawBufferPointer]
        /// A member from its name and chunks.
        public init(name: String, chunks: [UnsafeRawBufferPointer]) {
            self.name = name
            self.chunks = chunks
        }
    }

    /// Writes `members` to `path` atomically; deflated when `compressed`. The chunk pointers must
    /// stay valid during the call. `forceZip64` writes every zip64 record and field even when
    /// sizes do not need them (for tests of the zip64 paths).
    public static func write(_ path: String, members: [Member], compressed: Bool, forceZip64: Bool = false) throws {
        let limit = forceZip64 ? 0 : 0xFFFF_FFFF
        var central: [UInt8] = []
        var offset = 0
        try FileIO.writeAtomically(path) { write in
            for member in members {
                let nameBytes = Array(member.name.utf8)
                guard nameBytes.count <= 0xFFFF else { throw EngineError.file(path, "member name too long") }
                var size = 0
                var crc = UInt32(0)
                for chunk in member.chunks {
                    size += chunk.count
                    crc = update(crc, chunk)
                }
                var packed: [UInt8]? = nil
                if compressed {
                    guard size <= maxCompressedMember else {
                        throw EngineError.file(path, "member '\(member.name)' is larger than 4 GiB: save it uncompressed")
                    }
                    var whole = [UInt8]()
                    whole.reserveCapacity(size)
                    for chunk in member.chunks { whole.append(contentsOf: chunk) }
                    packed = try Inflate.deflateRaw(whole)
                }
                let storedSize = packed?.count ?? size
                let needs64 = size >= limit || storedSize >= limit
                let flags: UInt16 = nameBytes.contains { $0 >= 0x80 } ? 0x0800 : 0
                let method: UInt16 = compressed ? 8 : 0
                let version: UInt16 = needs64 ? 45 : 20
                var local: [UInt8] = []
                put32(&local, 0x0403_4B50); put16(&local, version); put16(&local, flags); put16(&local, method)
                put16(&local, 0); put16(&local, 0x21)  // 00:00:00, 1980-01-01
                put32(&local, crc)
                put32(&local, needs64 ? 0xFFFF_FFFF : UInt32(storedSize))
                put32(&local, needs64 ? 0xFFFF_FFFF : UInt32(size))
                put16(&local, UInt16(nameBytes.count)); put16(&local, needs64 ? 20 : 0)
                local += nameBytes
                if needs64 {
                    put16(&local, 0x0001); put16(&local, 16); put64(&local, UInt64(size)); put64(&local, UInt64(storedSize))
                }
                try local.withUnsafeBytes { try write($0) }
                if let packed {
                    try packed.withUnsafeBytes { try write($0) }
                } else {
                    for chunk in member.chunks where chunk.count > 0 { try write(chunk) }
                }
                // Central directory entry, zip64 extra only for the fields that overflow.
                var extra: [UInt8] = []
                if size >= limit { put64(&extra, UInt64(size)) }
                if storedSize >= limit { put64(&extra, UInt64(storedSize)) }
                if offset >= limit { put64(&extra, UInt64(offset)) }
                let centralVersion: UInt16 = extra.isEmpty ? 20 : 45
                put32(&central, 0x0201_4B50); put16(&central, 0x0300 | centralVersion); put16(&central, centralVersion)
                put16(&central, flags); put16(&central, method); put16(&central, 0); put16(&central, 0x21)
                put32(&central, crc)
                put32(&central, storedSize >= limit ? 0xFFFF_FFFF : UInt32(storedSize))
                put32(&central, size >= limit ? 0xFFFF_FFFF : UInt32(size))
                put16(&central, UInt16(nameBytes.count)); put16(&central, extra.isEmpty ? 0 : UInt16(extra.count + 4)); put16(&central, 0)
                put16(&central, 0); put16(&central, 0); put32(&central, 0o100644 << 16)
                put32(&central, offset >= limit ? 0xFFFF_FFFF : UInt32(offset))
                central += nameBytes
                if !extra.isEmpty { put16(&central, 0x0001); put16(&central, UInt16(extra.count)); central += extra }
                offset += local.count + storedSize
            }
            var end: [UInt8] = []
            let count = members.count
            let needs64 = forceZip64 || count >= 0xFFFF || offset >= 0xFFFF_FFFF || central.count >= 0xFFFF_FFFF
            if needs64 {
                let recordAt = offset + central.count
                put32(&end, 0x0606_4B50); put64(&end, 44); put16(&end, 45); put16(&end, 45); put32(&end, 0); put32(&end, 0)
                put64(&end, UInt64(count)); put64(&end, UInt64(count)); put64(&end, UInt64(central.count)); put64(&end, UInt64(offset))
                put32(&end, 0x0706_4B50); put32(&end, 0); put64(&end, UInt64(recordAt)); put32(&end, 1)
            }
            put32(&end, 0x0605_4B50); put16(&end, 0); put16(&end, 0)
            put16(&end, needs64 ? 0xFFFF : UInt16(count)); put16(&end, needs64 ? 0xFFFF : UInt16(count))
            put32(&end, needs64 ? 0xFFFF_FFFF : UInt32(central.count)); put32(&end, needs64 ? 0xFFFF_FFFF : UInt32(offset))
            put16(&end, 0)
            try central.withUnsafeBytes { try write($0) }
            try end.withUnsafeBytes { try write($0) }
        }
    }

    // MARK: helpers

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { update(0, $0) }
    }

    static func update(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var value = uLong(crc)
        var at = 0
        while at < bytes.count {
            let n = Swift.min(bytes.count - at, 1 << 30)
            value = crc32(value, bytes.baseAddress!.assumingMemoryBound(to: Bytef.self) + at, uInt(n))
            at += n
        }
        return UInt32(truncatingIfNeeded: value)
    }

    private static func hex(_ v: UInt32) -> String { "0x" + String(v, radix: 16) }

    private static func checkedInt(_ v: UInt64, _ name: String, _ what: String) throws -> Int {
        guard v <= UInt64(Int.max) else { throw EngineError.file(name, "corrupt zip archive: absurd \(what) \(v)") }
        return Int(v)
    }

    static func le16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
    static func le32(_ b: [UInt8], _ i: Int) -> UInt32 { UInt32(le16(b, i)) | UInt32(le16(b, i + 2)) << 16 }
    static func le64(_ b: [UInt8], _ i: Int) -> UInt64 { UInt64(le32(b, i)) | UInt64(le32(b, i + 4)) << 32 }
    static func put16(_ b: inout [UInt8], _ v: UInt16) { b.append(UInt8(v & 0xFF)); b.append(UInt8(v >> 8)) }
    static func put32(_ b: inout [UInt8], _ v: UInt32) { put16(&b, UInt16(v & 0xFFFF)); put16(&b, UInt16(v >> 16)) }
    static func put64(_ b: inout [UInt8], _ v: UInt64) { put32(&b, UInt32(v & 0xFFFF_FFFF)); put32(&b, UInt32(v >> 32)) }
}
