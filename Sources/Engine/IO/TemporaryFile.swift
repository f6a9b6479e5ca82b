#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The temporary file behind an atomic write (``FileIO/writeAtomically(_:_:)``), made so that
/// a process killed mid-write (`kill -9`, power loss of the process) leaves nothing behind:
///
/// - On Linux it is an unnamed file (`open(dir, O_TMPFILE)`): it has no name while it is
///   written, so a kill frees it with the process. Once written and flushed it gets the name
///   `<path>.tmp-<pid>` (`linkat` through `/proc/self/fd`) and is renamed over `path`.
/// - Elsewhere, or where the file system refuses `O_TMPFILE`, it is created as
///   `<path>.tmp-<pid>` directly.
///
/// Either way, before writing, ``removeStale(of:)`` deletes every `<path>.tmp-<pid>` whose
/// process no longer exists, so a leftover from a killed save disappears on the next save of
/// the same path.
struct TemporaryFile {
    /// The open descriptor, write-only.
    let descriptor: Int32
    /// The temporary name (`<path>.tmp-<pid>`), which exists on disk from creation (named) or
    /// only after ``name()`` (unnamed).
    let temporaryPath: String
    /// Whether the file has no name yet (O_TMPFILE).
    let isUnnamed: Bool

    /// `O_TMPFILE` (`__O_TMPFILE | O_DIRECTORY`; the C macro does not import into Swift).
    private static let openTemporary: Int32 = 0o20_000_000 | O_DIRECTORY

    /// Opens a temporary file for writing `path`.
    static func create(for path: String) throws -> TemporaryFile {
        let temporary = path + ".tmp-\(getpid())"
        #if os(Linux)
        if access("/proc/self/fd", X_OK) == 0 {
            let fd = open(directory(of: path), openTemporary | O_WRONLY | O_CLOEXEC, 0o644)
            if fd >= 0 { return TemporaryFile(descriptor: fd, temporaryPath: temporary, isUnnamed: true) }
        }
        #endif
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw EngineError.file(path, "cannot create (\(FileIO.errnoText()))") }
        return TemporaryFile(descriptor: fd, temporaryPath: temporary, isUnnamed: false)
    }

    /// Gives an unnamed file its temporary name (no-op for a named one). Call after the data
    /// is flushed, before renaming it into place.
    func name(for path: String) throws {
        guard isUnnamed else { return }
        unlink(temporaryPath)  // ours from an earlier failed save, or a dead process's with our pid
        let link = "/proc/self/fd/\(descriptor)"
        guard linkat(AT_FDCWD, link, AT_FDCWD, temporaryPath, AT_SYMLINK_FOLLOW) == 0 else {
            throw EngineError.file(path, "cannot name the written file (\(FileIO.errnoText()))")
        }
    }

    /// Removes `<path>.tmp-<pid>` files left by processes that no longer exist (a killed save).
    /// Files of live processes (a concurrent save) are left alone.
    static func removeStale(of path: String) {
        let folder = directory(of: path)
        let prefix = Array((baseName(of: path) + ".tmp-").utf8)
        guard let dir = opendir(folder) else { return }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                Array(raw.prefix(while: { $0 != 0 }))
            }
            guard name.count > prefix.count, name.starts(with: prefix) else { continue }
            let digits = name[prefix.count...]
            guard digits.count <= 10, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  let pid = Int32(String(decoding: digits, as: UTF8.self)), pid > 0 else { continue }
            if pid != getpid(), kill(pid, 0) != 0, errno == ESRCH {
                unlink(folder + "/" + String(decoding: name, as: UTF8.self))
            }
        }
    }

    /// The directory part of `path` ("." for a bare name).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The last component of `path`.
    static func baseName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}
