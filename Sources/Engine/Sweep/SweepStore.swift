#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The result store of a sweep: one directory holding a manifest and one directory per job.
///
/// ```
/// DIR/sweep.json                 manifest: spec path and hash, grid, stages
/// DIR/jobs/<stage>/<slug>-<hash>/  the job's directory (`job.dir`: its checkpoints go here)
///     result.json                written atomically when the job succeeds
///     failed.json                written when run(job) raised an error (message, seconds)
///     running.json               while a worker runs it (pid, host)
///     log.txt                    the worker's output
/// ```
/// A job is done when `result.json` exists, failed when only `failed.json` does, missing
/// otherwise (never run, interrupted, killed, cancelled): resuming runs the missing ones.
public struct SweepStore: Sendable {
    /// The sweep directory.
    public let directory: String

    public init(directory: String) {
        self.directory = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
    }

    /// What the store knows about a job.
    public enum JobState: Sendable, Equatable {
        case done
        case failed(String)
        case running(pid: Int, host: String)
        case missing
    }

    public var manifestPath: String { directory + "/sweep.json" }
    public func jobDirectory(_ id: String) -> String { directory + "/jobs/" + id }
    public func resultPath(_ id: String) -> String { jobDirectory(id) + "/result.json" }
    public func failurePath(_ id: String) -> String { jobDirectory(id) + "/failed.json" }
    public func runningPath(_ id: String) -> String { jobDirectory(id) + "/running.json" }
    public func logPath(_ id: String) -> String { jobDirectory(id) + "/log.txt" }

    /// Creates the sweep directory (and its parents) and checks that it is writable.
    public func create() throws {
        try SweepStore.makeDirectories(directory)
        try SweepStore.makeDirectories(directory + "/jobs")
        guard access(directory, W_OK) == 0 else { throw EngineError.file(directory, "cannot write here (\(SweepStore.errnoText()))") }
    }

    /// Creates the directory of a job (and the job directories of its stage).
    public func createJobDirectory(_ id: String) throws {
        try SweepStore.makeDirectories(jobDirectory(id))
    }

    /// The manifest, or nil when the directory holds no sweep yet.
    public func manifest() throws -> JSON? {
        guard FileIO.exists(manifestPath) else { return nil }
        return try JSON.parse(FileIO.read(manifestPath))
    }

    /// Writes the manifest atomically.
    public func writeManifest(_ manifest: JSON) throws {
        try FileIO.writeAtomically(manifestPath, Array((manifest.text + "\n").utf8))
    }

    /// The state of job `id`.
    public func state(_ id: String) -> JobState {
        if FileIO.exists(resultPath(id)) { return .done }
        if FileIO.exists(failurePath(id)) {
            let message = (try? JSON.parse(FileIO.read(failurePath(id))))?["error"]?.stringValue
            return .failed(message ?? "failed")
        }
        if FileIO.exists(runningPath(id)), let info = try? JSON.parse(FileIO.read(runningPath(id))),
           let pid = info["pid"]?.intValue {
            return .running(pid: pid, host: info["host"]?.stringValue ?? "")
        }
        return .missing
    }

    /// The stored result of job `id` (`{"id", "stage", "parameters", "results", "seconds"}`),
    /// or nil when it has none.
    public func result(_ id: String) throws -> JSON? {
        guard FileIO.exists(resultPath(id)) else { return nil }
        return try JSON.parse(FileIO.read(resultPath(id)))
    }

    /// How long finished job `id` took (its result's `seconds`), or nil.
    public func seconds(_ id: String) -> Double? {
        (try? result(id))?["seconds"]?.doubleValue
    }

    /// Records the success of `job`: its results (a JSON object) and how long it took. Removes
    /// any earlier failure record.
    public func writeResult(_ job: SweepJob, results: JSON, seconds: Double) throws {
        let record = JSON.object([
            ("id", .string(job.id)), ("stage", .string(job.stage)),
            ("parameters", .object(job.parameters.map { ($0.key, $0.value) })),
            ("results", results), ("seconds", .number(seconds)),
        ])
        try FileIO.writeAtomically(resultPath(job.id), Array((record.text + "\n").utf8))
        unlink(failurePath(job.id))
    }

    /// Records that `job` raised an error.
    public func writeFailure(_ job: SweepJob, message: String, seconds: Double) throws {
        let record = JSON.object([("id", .string(job.id)), ("error", .string(message)), ("seconds", .number(seconds))])
        try FileIO.writeAtomically(failurePath(job.id), Array((record.text + "\n").utf8))
    }

    /// Forgets a failure (before running the job again).
    public func clearFailure(_ id: String) { unlink(failurePath(id)) }

    /// Marks job `id` as being run by this process.
    public func markRunning(_ id: String) throws {
        var name = [CChar](repeating: 0, count: 256)
        gethostname(&name, 255)
        let host = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let record = Array(JSON.object([("pid", .integer(Int(getpid()))), ("host", .string(host))]).text.utf8)
        // A hint for `status`, not a result: written without fsync (a torn mark reads as missing).
        let fd = open(runningPath(id), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw EngineError.file(runningPath(id), "cannot create (\(SweepStore.errnoText()))") }
        defer { close(fd) }
        let written = record.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == record.count else { throw EngineError.file(runningPath(id), "write failed (\(SweepStore.errnoText()))") }
    }

    /// Removes the running mark of job `id`.
    public func clearRunning(_ id: String) { unlink(runningPath(id)) }

    /// The last `lines` lines of job `id`'s log (empty when there is no log).
    public func logTail(_ id: String, lines: Int = 10) -> [String] {
        guard let bytes = try? FileIO.read(logPath(id)) else { return [] }
        let tail = bytes.count > 65536 ? Array(bytes.suffix(65536)) : bytes
        let all = String(decoding: tail, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let trimmed = all.last == "" ? Array(all.dropLast()) : all
        return Array(trimmed.suffix(lines))
    }

    /// The plan recorded in the manifest (grid and stages), for reading a sweep without its spec.
    public func recordedPlan() throws -> SweepPlan {
        guard let manifest = try manifest() else {
            throw EngineError.file(directory, "not a sweep directory (no sweep.json)")
        }
        guard case .object(let gridPairs)? = manifest["grid"], case .array(let stageItems)? = manifest["stages"] else {
            throw EngineError.file(manifestPath, "expected a manifest with 'grid' and 'stages'")
        }
        let grid = try SweepGrid(gridPairs.map { pair in
            guard case .array(let values) = pair.value else { throw EngineError.file(manifestPath, "grid '\(pair.key)' is not a list") }
            return (pair.key, values)
        })
        let stages = try stageItems.map { item -> SweepPlan.Stage in
            guard let name = item["name"]?.stringValue, case .array(let keys)? = item["keys"] else {
                throw EngineError.file(manifestPath, "expected stages with 'name' and 'keys'")
            }
            var reads: [String]?
            if case .array(let names)? = item["reads"] { reads = names.compactMap(\.stringValue) }
            return SweepPlan.Stage(name: name, keys: keys.compactMap(\.stringValue), reads: reads)
        }
        var plan = try SweepPlan(grid: grid, stages: stages)
        var costs: [String: Double] = [:]
        for (item, jobs) in zip(stageItems, plan.jobs) {
            guard case .array(let values)? = item["costs"] else { continue }
            guard values.count == jobs.count else {
                throw EngineError.file(manifestPath, "stage '\(item["name"]?.stringValue ?? "?")': expected \(jobs.count) costs (one a job), got \(values.count)")
            }
            for (job, value) in zip(jobs, values) {
                guard let cost = value.doubleValue else { throw EngineError.file(manifestPath, "costs: expected numbers, got \(value.text)") }
                costs[job.id] = cost
            }
        }
        do { try plan.setCosts(costs) } catch let error as EngineError { throw EngineError.file(manifestPath, error.message) }
        return plan
    }

    /// `mkdir -p`.
    public static func makeDirectories(_ path: String) throws {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") where !part.isEmpty {
            current += "/" + part
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw EngineError.file(path, "cannot create directory \(current) (\(errnoText()))")
            }
        }
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw EngineError.file(path, "expected a directory")
        }
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
