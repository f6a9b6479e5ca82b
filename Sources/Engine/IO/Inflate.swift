import CZlib

/// Decompression through zlib: gzip files (IDX datasets) and raw deflate streams (.npz
/// members), plus raw deflate compression (for writing compressed .npz).
public enum Inflate {
    /// The stream formats zlib distinguishes by `windowBits`.
    public enum Format {
        /// RFC 1952 gzip (one or more concatenated members).
        case gzip
        /// RFC 1951 raw deflate (zip members).
        case raw
        /// RFC 1950 zlib.
        case zlib

        var windowBits: Int32 {
            switch self {
            case .gzip: 16 + 15
            case .raw: -15
            case .zlib: 15
            }
        }
    }

    /// Decompresses `input`. `expectedSize`, when known, sizes the output exactly and is checked.
    /// `name` (a file name) is used in error messages.
    public static func decompress(_ input: [UInt8], format: Format, expectedSize: Int? = nil, name: String) throws -> [UInt8] {
        var stream = z_stream()
        guard prunelab_inflateInit2(&stream, format.windowBits) == Z_OK else {
            throw EngineError.file(name, "cannot initialise zlib")
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: max(expectedSize ?? input.count * 4, 1024))
        var produced = 0
        var status: Int32 = Z_OK
        try input.withUnsafeBytes { source in
            stream.next_in = UnsafeMutablePointer(mutating: source.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = UInt32(source.count)
            while true {
                if produced == output.count {
                    if let expectedSize, produced >= expectedSize {
                        // More data than announced: probe for a trailing byte.
                        output.append(contentsOf: [UInt8](repeating: 0, count: 1))
                    } else {
                        output.append(contentsOf: [UInt8](repeating: 0, count: output.count))
                    }
                }
                status = output.withUnsafeMutableBytes { destination -> Int32 in
                    stream.next_out = destination.bindMemory(to: Bytef.self).baseAddress! + produced
                    stream.avail_out = UInt32(min(destination.count - produced, Int(UInt32.max)))
                    let before = stream.avail_out
                    let s = inflate(&stream, Z_NO_FLUSH)
                    produced += Int(before - stream.avail_out)
                    return s
                }
                if status == Z_STREAM_END {
                    // gzip: another member may follow.
                    if format == .gzip && stream.avail_in > 0 {
                        guard inflateReset(&stream) == Z_OK else { throw EngineError.file(name, "corrupt gzip stream") }
                        continue
                    }
                    break
                }
                guard status == Z_OK || status == Z_BUF_ERROR else {
                    throw EngineError.file(name, "corrupt compressed data (zlib: \(zlibMessage(stream, status)))")
                }
                if status == Z_BUF_ERROR && stream.avail_in == 0 {
                    throw EngineError.file(name, "truncated compressed data")
                }
                if let expectedSize, produced > expectedSize {
                    throw EngineError.file(name, "decompresses to more than the \(expectedSize) bytes announced")
                }
            }
        }
        if let expectedSize, produced != expectedSize {
            throw EngineError.file(name, "decompressed to \(produced) bytes, expected \(expectedSize)")
        }
        output.removeSubrange(produced...)
        return output
    }

    /// Raw-deflate compression of `input` (zip member data) at zlib's default level.
    public static func deflateRaw(_ input: [UInt8]) throws -> [UInt8] {
        var stream = z_stream()
        guard prunelab_deflateInit2(&stream, Z_DEFAULT_COMPRESSION, -15) == Z_OK else {
            throw EngineError("cannot initialise zlib for compression")
        }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(input.count)))
        var output = [UInt8](repeating: 0, count: bound)
        var status: Int32 = Z_OK
        var produced = 0
        input.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { destination in
                stream.next_in = UnsafeMutablePointer(mutating: source.bindMemory(to: Bytef.self).baseAddress)
                stream.avail_in = UInt32(source.count)
                stream.next_out = destination.bindMemory(to: Bytef.self).baseAddress
                stream.avail_out = UInt32(destination.count)
                status = deflate(&stream, Z_FINISH)
                produced = destination.count - Int(stream.avail_out)
            }
        }
        guard status == Z_STREAM_END else { throw EngineError("compression failed (zlib status \(status))") }
        output.removeSubrange(produced...)
        return output
    }

    private static func zlibMessage(_ stream: z_stream, _ status: Int32) -> String {
        if let msg = stream.msg { return String(cString: msg) }
        return "status \(status)"
    }
}
