#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Whole-file reads and atomic writes with errors that name the file.
public enum FileIO {
    /// The bytes of the file at `path`.
    public static func read(_ path: String) throws -> [UInt8] {
        let (fd, size) = try openRegularFile(path)
        defer { close(fd) }
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

    /// Opens `path` read-only and returns the descriptor and the file's size; it must be a
    /// regular file. The open does not block: a plain `open` of a FIFO waits for a writer
    /// forever, so the file is opened with `O_NONBLOCK`, checked with `fstat`, and only a
    /// regular file is kept (blocking mode restored). FIFOs, directories, devices and sockets
    /// are errors naming what the path is.
    public static func openRegularFile(_ path: String) throws -> (descriptor: Int32, size: Int) {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else {
            if errno == EISDIR { throw EngineError.file(path, "is a directory, not a regular file") }
            throw EngineError.file(path, "cannot open (\(errnoText()))")
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let text = errnoText()
            close(fd)
            throw EngineError.file(path, "cannot stat (\(text))")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw EngineError.file(path, "is \(kind(info.st_mode)), not a regular file")
        }
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
        return (fd, Int(info.st_size))
    }

    /// What a non-regular file is, for messages ("a FIFO (named pipe)").
    static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        case S_IFLNK: return "a symbolic link"
        default: return "not a regular file"
        }
    }

    /// Writes `bytes` to `path` atomically: to a temporary file in the same directory, flushed,
    /// then renamed over `path`. A crash or error leaves any previous file intact.
    public static func writeAtomically(_ path: String, _ bytes: [UInt8]) throws {
        try writeAtomically(path) { write in try bytes.withUnsafeBytes { try write($0) } }
    }

    /// Atomic write where `produce` hands successive chunks of the file to `write`. The data
    /// goes to a ``TemporaryFile`` (unnamed while written where the system allows), and stale
    /// temporaries of `path` left by killed processes are removed first.
    public static func writeAtomically(_ path: String, _ produce: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        TemporaryFile.removeStale(of: path)
        let file = try TemporaryFile.create(for: path)
        let fd = file.descriptor, temporary = file.temporaryPath
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
            try file.name(for: path)
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
