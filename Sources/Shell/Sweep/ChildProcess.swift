#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Engine

/// Starting other programs from the sweep runner (workers, `sbatch`, `squeue`) with
/// `posix_spawn`: no shell, arguments passed as they are.
enum ChildProcess {
    struct Failure: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    /// Starts `arguments[0]` (a path, or a name looked up on PATH) with standard input from
    /// /dev/null and, when `captureTo` is given, standard output and error into that file.
    static func spawn(_ arguments: [String], captureTo: String? = nil, newProcessGroup: Bool = false) throws -> pid_t {
        guard let program = arguments.first else { throw Failure(message: "no program to run") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if let captureTo {
            posix_spawn_file_actions_addopen(&actions, 1, captureTo, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Children start with default SIGINT/SIGTERM handling, whatever the runner installed.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var flags = Int16(POSIX_SPAWN_SETSIGDEF)
        if newProcessGroup {
            flags |= Int16(POSIX_SPAWN_SETPGROUP)
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, flags)
        var cArguments: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        cArguments.append(nil)
        defer { for p in cArguments { free(p) } }
        var pid: pid_t = 0
        let status = program.contains("/")
            ? posix_spawn(&pid, program, &actions, &attributes, cArguments, environ)
            : posix_spawnp(&pid, program, &actions, &attributes, cArguments, environ)
        guard status == 0 else { throw Failure(message: "cannot start \(program) (\(String(cString: strerror(status))))") }
        return pid
    }

    /// How a child ended.
    enum Ending: Equatable {
        case exited(Int32)
        case signalled(Int32)

        var text: String {
            switch self {
            case .exited(let code): return "exited with status \(code)"
            case .signalled(let signal): return "was killed by signal \(signal)\(signal == SIGKILL ? " (SIGKILL)" : signal == SIGTERM ? " (SIGTERM)" : signal == SIGINT ? " (SIGINT)" : "")"
            }
        }
    }

    static func ending(_ status: Int32) -> Ending {
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
    }

    /// Reaps one finished child without blocking: its pid and ending, or nil.
    static func reap() -> (pid_t, Ending)? {
        var status: Int32 = 0
        let pid = waitpid(-1, &status, WNOHANG)
        guard pid > 0 else { return nil }
        return (pid, ending(status))
    }

    /// Waits for `pid`.
    static func wait(_ pid: pid_t) -> Ending {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return .exited(-1) }
        }
        return ending(status)
    }

    /// Runs a program to its end and returns its exit ending and its output (stdout and stderr).
    static func run(_ arguments: [String]) throws -> (Ending, String) {
        var template = Array("/tmp/prunelab-sweep-XXXXXX".utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else { throw Failure(message: "cannot create a temporary file (\(String(cString: strerror(errno))))") }
        close(fd)
        let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { unlink(path) }
        let pid = try spawn(arguments, captureTo: path)
        let ending = wait(pid)
        var output = ""
        if let file = fopen(path, "r") {
            var buffer = [CChar](repeating: 0, count: 4096)
            while fgets(&buffer, 4096, file) != nil { output += String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) }
            fclose(file)
        }
        return (ending, output)
    }

    /// The full path of `name` on PATH, or nil.
    static func find(_ name: String) -> String? {
        if name.contains("/") { return access(name, X_OK) == 0 ? name : nil }
        guard let path = Settings.current[.path] else { return nil }
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// The path of this executable.
    static func selfPath() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, 4095)
        guard n > 0 else { return CommandLine.arguments[0] }
        return String(decoding: buffer.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `realpath`, or the path as given when it does not exist.
    static func absolute(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else {
            if path.hasPrefix("/") { return path }
            var buffer = [CChar](repeating: 0, count: 4096)
            guard getcwd(&buffer, 4096) != nil else { return path }
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) + "/" + path
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
