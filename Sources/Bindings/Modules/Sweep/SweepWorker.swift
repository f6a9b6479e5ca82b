#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Engine

/// Runs one job of a sweep in this process: what `prunelab sweep worker` does for each job,
/// on the local backend and in each Slurm array task.
///
/// Exit statuses: 0 the job is done (now or before), 1 `run(job)` raised an error (recorded in
/// `failed.json`), 2 a bad spec, store or job id, 3 an input from an earlier stage has no
/// result (nothing recorded: the job stays missing and a later run retries it).
public enum SweepWorker {
    public static let inputMissingStatus: Int32 = 3

    /// Where the job to run comes from.
    public enum Selection {
        case id(String)
        /// Line `index + 1` of a task file (Slurm: `$SLURM_ARRAY_TASK_ID`, 0-based).
        case task(file: String, index: Int)
    }

    /// Runs the selected job of the spec at `specPath` into the sweep directory `out`.
    /// With `log`, the process's standard output and error are appended to the job's log.
    public static func run(specPath: String, out: String, selection: Selection, threads: Int?, log: Bool) -> Int32 {
        let store = SweepStore(directory: out)
        let id: String
        switch selection {
        case .id(let given): id = given
        case .task(let file, let index):
            guard let text = try? FileIO.read(file) else { return fail("cannot read the task file \(file)") }
            let lines = String(decoding: text, as: UTF8.self).split(separator: "\n").map(String.init)
            guard index >= 0, index < lines.count else {
                return fail("task index \(index) is outside 0…\(lines.count - 1) of \(file)")
            }
            id = lines[index]
        }
        if log {
            do { try store.createJobDirectory(id) } catch { return fail("\(error)") }
            let fd = open(store.logPath(id), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            guard fd >= 0 else { return fail("cannot open \(store.logPath(id)) (\(String(cString: strerror(errno))))") }
            fflush(stdout)
            dup2(fd, 1)
            dup2(fd, 2)
            close(fd)
            setvbuf(stdout, nil, _IOLBF, 0)
        }
        if let threads { try? BLASThreads.set(threads) }
        let spec: SweepSpecFile
        do { spec = try SweepSpecFile(path: specPath) } catch { return fail("\(error)") }
        if let recorded = try? store.manifest(), let hash = recorded["spec_hash"]?.stringValue, hash != spec.hash {
            return fail("\(specPath) changed since the sweep in \(out) started (run `prunelab sweep run` again, with --force to accept the change)")
        }
        guard let job = spec.plan.job(id) else { return fail("no job '\(id)' in \(specPath)") }
        print("== job \(job.id) (pid \(getpid()), \(BLASThreads.count) BLAS thread\(BLASThreads.count == 1 ? "" : "s"))")
        if store.state(job.id) == .done {
            print("already done")
            return 0
        }
        for input in job.inputs where store.state(input.id) != .done {
            print("input '\(input.stage)' (job \(input.id)) has no result: this job stays missing; run the sweep again once it is done")
            fflush(stdout)
            return inputMissingStatus
        }
        let start = MonotonicClock.now()
        do {
            try store.createJobDirectory(job.id)
            store.clearFailure(job.id)
            try store.markRunning(job.id)
        } catch { return fail("\(error)") }
        defer { store.clearRunning(job.id) }
        do {
            let results = try spec.run(job, store: store)
            let seconds = MonotonicClock.now() - start
            try store.writeResult(job, results: results, seconds: seconds)
            print("done in \(seconds) s: \(results.text)")
            fflush(stdout)
            return 0
        } catch {
            let message = "\(error)"
            print(message)
            fflush(stdout)
            let first = message.split(separator: "\n").first.map(String.init) ?? message
            try? store.writeFailure(job, message: first, seconds: MonotonicClock.now() - start)
            return 1
        }
    }

    static func fail(_ message: String) -> Int32 {
        fflush(stdout)
        fputs("prunelab sweep worker: \(message)\n", stderr)
        return 2
    }
}
