import CZlib

/// Incremental decompression of an in-memory compressed buffer (a gzip file, a deflated zip
/// member) into the caller's memory, piece by piece: the payload is inflated straight into its
/// final buffer instead of into a staging array that is copied afterwards.
final class InflateStream: ByteStream {
    let name: String
    let knownSize: Int?
    private let input: [UInt8]
    private let format: Inflate.Format
    /// zlib keeps a pointer to its stream: it lives at a fixed address.
    private let stream: UnsafeMutablePointer<z_stream>
    private var consumed = 0
    private var ended = false
    /// Bytes decompressed so far.
    private(set) var produced = 0

    /// Prepares to inflate `input`; `expectedSize`, when known, is checked by ``finish(expected:)``.
    init(_ input: [UInt8], format: Inflate.Format, expectedSize: Int? = nil, name: String) throws {
        self.input = input
        self.format = format
        self.name = name
        self.knownSize = expectedSize
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        guard prunelab_inflateInit2(stream, format.windowBits) == Z_OK else {
            stream.deallocate()
            throw EngineError.file(name, "cannot initialise zlib")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    func read(into destination: UnsafeMutableRawPointer, count: Int, what: String) throws {
        var filled = 0
        while filled < count {
            guard !ended else {
                throw EngineError.file(name, "truncated: the compressed data ends after \(produced) bytes, before the end of the \(what)")
            }
            let wrote = try step(destination + filled, Swift.min(count - filled, Int(UInt32.max)))
            filled += wrote
        }
    }

    func finish(expected: String) throws {
        var probe: UInt8 = 0
        while !ended {
            if try step(&probe, 1) > 0 {
                throw EngineError.file(name, "decompresses to more than the \(expected)")
            }
        }
        if let knownSize, produced != knownSize {
            throw EngineError.file(name, "decompressed to \(produced) bytes, expected \(knownSize)")
        }
    }

    /// One `inflate` call writing at most `capacity` bytes at `out`; returns the bytes written.
    private func step(_ out: UnsafeMutableRawPointer, _ capacity: Int) throws -> Int {
        let status: Int32 = input.withUnsafeBytes { source in
            let remaining = source.count - consumed
            let offered = UInt32(Swift.min(remaining, Int(UInt32.max)))
            stream.pointee.next_in = remaining > 0
                ? UnsafeMutablePointer(mutating: source.bindMemory(to: Bytef.self).baseAddress! + consumed) : nil
            stream.pointee.avail_in = offered
            stream.pointee.next_out = out.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = UInt32(capacity)
            let s = inflate(stream, Z_NO_FLUSH)
            consumed += Int(offered - stream.pointee.avail_in)
            return s
        }
        let wrote = capacity - Int(stream.pointee.avail_out)
        produced += wrote
        switch status {
        case Z_STREAM_END:
            // gzip: another member may follow.
            if format == .gzip && consumed < input.count {
                guard inflateReset(stream) == Z_OK else { throw EngineError.file(name, "corrupt gzip stream") }
            } else {
                ended = true
            }
        case Z_OK:
            break
        case Z_BUF_ERROR where consumed >= input.count && wrote == 0:
            throw EngineError.file(name, "truncated compressed data")
        case Z_BUF_ERROR:
            break
        default:
            let message = stream.pointee.msg.map { String(cString: $0) } ?? "status \(status)"
            throw EngineError.file(name, "corrupt compressed data (zlib: \(message))")
        }
        return wrote
    }
}
