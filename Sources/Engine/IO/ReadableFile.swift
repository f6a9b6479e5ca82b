#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An open regular file read at explicit offsets (`pread`), so that loaders can read a header,
/// validate it, and then read the data straight into a tensor's storage without a staging copy.
/// Every error names the file.
public final class ReadableFile {
    /// The path it was opened with (used in messages).
    public let path: String
    /// Size in bytes when opened.
    public let size: Int
    private let fd: Int32

    /// Opens `path` for reading; it must be a regular file (a FIFO is an error, never a wait).
    public init(_ path: String) throws {
        let (fd, size) = try FileIO.openRegularFile(path)
        self.path = path
        self.fd = fd
        self.size = size
    }

    deinit { close(fd) }

    /// Reads exactly `count` bytes at `offset` into `destination`. `what` names the part of the
    /// file being read, for the error when the file is too short.
    public func read(at offset: Int, count: Int, into destination: UnsafeMutableRawPointer, what: String) throws {
        guard offset >= 0, count >= 0, offset <= size, count <= size - offset else {
            throw EngineError.file(path, "truncated: the \(what) needs bytes \(offset)..<\(offset &+ count) but the file has \(size) bytes")
        }
        var done = 0
        while done < count {
            let n = pread(fd, destination + done, Swift.min(count - done, 1 << 30), off_t(offset + done))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw EngineError.file(path, n == 0 ? "file shrank while reading the \(what)" : "read failed (\(FileIO.errnoText()))")
            }
            done += n
        }
    }

    /// `count` bytes at `offset`.
    public func bytes(at offset: Int, count: Int, what: String) throws -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= size, count <= size - offset else {
            throw EngineError.file(path, "truncated: the \(what) needs bytes \(offset)..<\(offset &+ count) but the file has \(size) bytes")
        }
        var result = [UInt8](repeating: 0, count: count)
        if count > 0 {
            try result.withUnsafeMutableBytes { try read(at: offset, count: count, into: $0.baseAddress!, what: what) }
        }
        return result
    }
}
