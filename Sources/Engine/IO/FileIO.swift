#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Whole-file reads and atomic writes with errors that name the file.
public enum FileIO {
    /// The bytes of the file at `path`.
    public static func read(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw EngineError.file(path, "cannot open (\(errnoText()))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw EngineError.file(path, "cannot stat (\(errnoText()))") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw EngineError.file(path, "not a regular file") }
        let size = Int(info.st_size)
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        try bytes.withUnsafeMutableBytes { buffer in
            while done < size {
                let n = Glibc.read(fd, buffer.baseAddress! + done, size - done)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw EngineError.file(path, n == 0 ? "file shrank while reading" : "read failed (\(errnoText()))") }
                done += n
            }
        }
        return bytes
    }

    /// Writes `bytes` to `path` atomically: to a temporary file in the same directory, flushed,
    /// then renamed over `path`. A crash or error leaves any previous file intact.
    public static func writeAtomically(_ path: String, _ bytes: [UInt8]) throws {
        try writeAtomically(path) { write in try bytes.withUnsafeBytes { try write($0) } }
    }

    /// Atomic write where `produce` hands successive chunks of the file to `write`.
    public static func writeAtomically(_ path: String, _ produce: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw EngineError.file(path, "cannot create (\(errnoText()))") }
        var ok = false
        defer {
            if !ok { unlink(temporary) }
        }
        do {
            try produce { chunk in
                var done = 0
                while done < chunk.count {
                    let n = Glibc.write(fd, chunk.baseAddress! + done, chunk.count - done)
                    if n < 0 && errno == EINTR { continue }
                    guard n > 0 else { throw EngineError.file(path, "write failed (\(errnoText()))") }
                    done += n
                }
            }
            guard fsync(fd) == 0 else { throw EngineError.file(path, "cannot flush (\(errnoText()))") }
        } catch {
            close(fd)
            throw error
        }
        guard close(fd) == 0 else { throw EngineError.file(path, "cannot close (\(errnoText()))") }
        guard rename(temporary, path) == 0 else { throw EngineError.file(path, "cannot rename into place (\(errnoText()))") }
        ok = true
    }

    /// Whether a file (or directory) exists at `path`.
    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
