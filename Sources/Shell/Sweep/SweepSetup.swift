#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Bindings
import Engine
import ShellKit

/// What `prunelab sweep run` prepares before any backend starts: the spec loaded, the sweep
/// directory created and locked, the manifest checked against the spec (a changed spec is
/// refused unless forced), and the jobs split into done, failed and to-run.
struct SweepSetup {
    let spec: SweepSpecFile
    let specPath: String
    let store: SweepStore
    /// Jobs to run, in plan order (stage by stage).
    let toRun: [SweepJob]
    /// Failed jobs kept as they are (without --retry-failed).
    let failedKept: [SweepJob]
    let doneBefore: Int
    /// Held open for the whole run: a second runner on the same directory is refused.
    let lockDescriptor: Int32

    struct Problem: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    /// `clearsRunningMarks`: the local backend, whose lock proves that no worker runs, removes
    /// the marks of workers that died; on Slurm a marked job may be running on a node.
    static func prepare(specPath given: String, out: String?, force: Bool, retryFailed: Bool, clearsRunningMarks: Bool) throws -> SweepSetup {
        let specPath = ChildProcess.absolute(given)
        let spec: SweepSpecFile
        do { spec = try SweepSpecFile(path: given) } catch { throw Problem(message: "\(error)") }
        let directory = ChildProcess.absolute(out ?? defaultOut(given))
        let store = SweepStore(directory: directory)
        do { try store.create() } catch { throw Problem(message: "output directory: \(error)") }
        let lock = open(directory + "/.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard lock >= 0 else { throw Problem(message: "output directory: \(directory): cannot write here (\(String(cString: strerror(errno))))") }
        guard flock(lock, LOCK_EX | LOCK_NB) == 0 else {
            close(lock)
            throw Problem(message: "another `prunelab sweep run` is using \(directory); wait for it or stop it first")
        }
        let recorded: JSON?
        do { recorded = try store.manifest() } catch { close(lock); throw Problem(message: "\(error)") }
        if let recorded, let hash = recorded["spec_hash"]?.stringValue, hash != spec.hash, !force {
            close(lock)
            throw Problem(message: "\(directory) holds a sweep of another version of the spec (\(recorded["spec"]?.stringValue ?? "?"), hash \(hash); now \(spec.hash)): use --force to run the changed spec there (finished jobs still in the grid are kept), or another --out")
        }
        let manifest = JSON.object([
            ("format", .string("prunelab-sweep 1")), ("spec", .string(specPath)), ("spec_hash", .string(spec.hash)),
            ("grid", spec.plan.grid.json), ("stages", spec.plan.stagesJSON),
        ])
        do { try store.writeManifest(manifest) } catch { close(lock); throw Problem(message: "output directory: \(error)") }
        var toRun: [SweepJob] = [], failed: [SweepJob] = [], done = 0
        for job in spec.plan.allJobs {
            switch store.state(job.id) {
            case .done: done += 1
            case .failed:
                if retryFailed { store.clearFailure(job.id); toRun.append(job) } else { failed.append(job) }
            case .running, .missing:
                if clearsRunningMarks { store.clearRunning(job.id) }
                toRun.append(job)
            }
        }
        return SweepSetup(spec: spec, specPath: specPath, store: store, toRun: toRun, failedKept: failed, doneBefore: done, lockDescriptor: lock)
    }

    /// `sweeps/<spec name without .lua>`.
    static func defaultOut(_ spec: String) -> String {
        var name = spec.split(separator: "/").last.map(String.init) ?? "sweep"
        if name.hasSuffix(".lua") { name = String(name.dropLast(4)) }
        return "sweeps/" + (name.isEmpty ? "sweep" : name)
    }

    func release() { close(lockDescriptor) }

    /// Prints the failed jobs kept from earlier runs.
    func reportKeptFailures() {
        guard !failedKept.isEmpty else { return }
        Console.error("prunelab sweep: \(failedKept.count) job\(failedKept.count == 1 ? "" : "s") failed in an earlier run (not rerun; pass --retry-failed):")
        for job in failedKept.prefix(5) {
            if case .failed(let message) = store.state(job.id) { Console.error("  \(job.id): \(message)") }
        }
        if failedKept.count > 5 { Console.error("  … (prunelab sweep status \(store.directory))") }
    }
}

/// The sweep's progress on standard error: one rewritten line on a terminal, plain lines
/// otherwise (one per finished job).
final class SweepProgress {
    let total: Int
    let start = MonotonicClock.now()
    let terminal = isatty(2) != 0
    var done: Int
    var failed: Int
    var finishedThisRun = 0
    private var lastDraw = 0.0
    private let doneAtStart: Int
    /// The estimated seconds left (the local backend's ``SweepEstimate``); without it, the
    /// elapsed time per job finished in this run times the jobs left.
    var eta: (() -> Double?)?

    init(total: Int, done: Int, failed: Int) {
        self.total = total
        self.done = done
        self.failed = failed
        doneAtStart = done
    }

    func line(running: Int) -> String {
        let elapsed = MonotonicClock.now() - start
        var text = "sweep: \(done)/\(total) done, \(failed) failed, \(running) running, \(SweepProgress.seconds(elapsed)) elapsed"
        let remaining = total - done - failed
        guard remaining > 0 else { return text }
        if let eta {
            if let left = eta() { text += ", about \(SweepProgress.seconds(left)) left" }
        } else if finishedThisRun > 0 {
            text += ", ETA \(SweepProgress.seconds(elapsed / Double(finishedThisRun) * Double(remaining)))"
        }
        return text
    }

    /// Redraws the line (terminal only, at most 10 times a second unless `force`).
    func draw(running: Int, force: Bool = false) {
        guard terminal else { return }
        let now = MonotonicClock.now()
        guard force || now - lastDraw >= 0.1 else { return }
        lastDraw = now
        Console.prompt("")
        SweepProgress.writeError("\r\u{1b}[K" + line(running: running))
    }

    /// Prints a message above the progress line.
    func say(_ text: String, running: Int) {
        if terminal { SweepProgress.writeError("\r\u{1b}[K") }
        Console.error(text)
        draw(running: running, force: true)
    }

    /// A finished job: a plain progress line when not on a terminal.
    func finished(_ what: String, running: Int) {
        finishedThisRun += 1
        if terminal { draw(running: running, force: true) } else { Console.error(line(running: running) + "  (\(what))") }
    }

    func end() {
        if terminal { SweepProgress.writeError("\r\u{1b}[K" + line(running: 0) + "\n") }
    }

    /// Writes to standard error without a newline (no C `stderr`: see HACKING.md).
    static func writeError(_ text: String) {
        var copy = text
        copy.withUTF8 { buffer in _ = Glibc.write(2, buffer.baseAddress, buffer.count) }
    }

    static func seconds(_ s: Double) -> String {
        guard s.isFinite, s >= 0, s < 1e9 else { return "?" }
        if s < 60 { return "\(Int((s * 10).rounded()) / 10).\(Int((s * 10).rounded()) % 10) s" }
        if s < 3600 {
            let m = Int(s / 60)
            return "\(m) min \(Int(s) - 60 * m) s"
        }
        let minutes = Int((s / 60).rounded())
        return "\(minutes / 60) h \(minutes % 60) min"
    }
}
