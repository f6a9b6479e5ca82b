/// A source read front to back in exact-size pieces: a byte range of a file, a zip member, or
/// a compressed stream being inflated. Loaders read a header, size the destination from it,
/// then read the payload straight into that destination (a tensor's storage, an image
/// buffer), so a file is never held twice in memory.
protocol ByteStream: AnyObject {
    /// The name used in errors (the file, or `archive.npz:member`).
    var name: String { get }
    /// The total bytes the stream holds, when known in advance.
    var knownSize: Int? { get }
    /// Fills exactly `count` bytes at `destination`, or throws (naming `what` when the stream
    /// ends first).
    func read(into destination: UnsafeMutableRawPointer, count: Int, what: String) throws
    /// Checks that the stream holds nothing after what was read (and its checksum, if any).
    /// `expected` describes what was read, for the error.
    func finish(expected: String) throws
}

extension ByteStream {
    /// The next `count` bytes as an array.
    func bytes(_ count: Int, what: String) throws -> [UInt8] {
        guard count > 0 else { return [] }
        return try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            try read(into: buffer.baseAddress!, count: count, what: what)
            initialized = count
        }
    }
}
