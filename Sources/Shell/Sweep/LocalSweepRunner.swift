#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Bindings
import Engine
import ShellKit

/// The local backend: N worker processes (`prunelab sweep worker …`), each running one job at
/// a time with `threads` BLAS threads. A job starts once the jobs it reads from earlier stages
/// are done; a failed job is reported with the tail of its log while the others go on.
/// Ctrl-C (or SIGTERM) stops the workers; every result already written stays.
struct LocalSweepRunner {
    let setup: SweepSetup
    let workers: Int
    let threads: Int

    /// Runs the jobs; returns the exit status (0 all done, 1 some failed or missing, 130 interrupted).
    func run() -> Int32 {
        let store = setup.store
        let total = setup.spec.plan.allJobs.count
        let progress = SweepProgress(total: total, done: setup.doneBefore, failed: setup.failedKept.count)
        // The ETA: finished jobs' durations (earlier runs' too) and the schedule still ahead.
        var estimate = SweepEstimate(costs: setup.spec.plan.costs)
        for job in setup.spec.plan.allJobs where store.state(job.id) == .done {
            if let seconds = store.seconds(job.id) { estimate.record(job, seconds: seconds) }
        }
        var started: [String: Double] = [:]
        var failedIDs = Set(setup.failedKept.map(\.id))
        Console.error("prunelab sweep: \(setup.toRun.count) of \(total) jobs to run in \(store.directory) (\(setup.doneBefore) done before), \(workers) worker\(workers == 1 ? "" : "s") × \(threads) BLAS thread\(threads == 1 ? "" : "s")")
        setup.reportKeptFailures()
        Cancellation.clear()
        signal(SIGINT) { _ in Cancellation.raise() }
        signal(SIGTERM) { _ in Cancellation.raise() }
        defer { signal(SIGINT, SIG_DFL); signal(SIGTERM, SIG_DFL) }

        let executable = ChildProcess.selfPath()
        var pending = setup.toRun
        var running: [pid_t: SweepJob] = [:]
        var lost: [SweepJob] = []
        var interrupted = false
        // Simulated again only when a job starts or ends (the line is redrawn 10 times a second).
        var lastETA: (key: [Int], at: Double, seconds: Double?) = ([], 0, nil)
        progress.eta = {
            let now = MonotonicClock.now()
            let key = [estimate.count, pending.count, running.count, failedIDs.count]
            if key != lastETA.key {
                let left = estimate.remainingSeconds(pending: pending, running: running.values.map { ($0, now - (started[$0.id] ?? now)) },
                                                     workers: workers, failed: failedIDs)
                lastETA = (key, now, left)
            }
            return lastETA.seconds.map { max($0 - (now - lastETA.at), 0) }
        }

        // Jobs known to be done: a job is ready when every job it reads is among them.
        var doneIDs = Set(setup.spec.plan.allJobs.lazy.filter { store.state($0.id) == .done }.map(\.id))
        func ready(_ job: SweepJob) -> Bool { job.inputs.allSatisfy { doneIDs.contains($0.id) } }

        while true {
            if Cancellation.isPending { interrupted = true; break }
            while running.count < workers, let index = pending.firstIndex(where: ready) {
                let job = pending.remove(at: index)
                let arguments = [executable, "sweep", "worker", "--out", store.directory, "--id", job.id,
                                 "--threads", String(threads), "--log", setup.specPath]
                do {
                    running[try ChildProcess.spawn(arguments)] = job
                    started[job.id] = MonotonicClock.now()
                } catch {
                    progress.say("prunelab sweep: \(error)", running: running.count)
                    lost.append(job)
                }
            }
            if running.isEmpty { break }
            guard let (pid, ending) = ChildProcess.reap() else {
                progress.draw(running: running.count)
                usleep(10_000)
                continue
            }
            guard let job = running.removeValue(forKey: pid) else { continue }
            switch store.state(job.id) {
            case .done:
                doneIDs.insert(job.id)
                estimate.record(job, seconds: store.seconds(job.id) ?? MonotonicClock.now() - (started[job.id] ?? MonotonicClock.now()))
                progress.done += 1
                progress.finished("done \(job.id)", running: running.count)
            case .failed(let message):
                failedIDs.insert(job.id)
                progress.failed += 1
                progress.say("prunelab sweep: job \(job.id) failed: \(message)\n" + tail(job), running: running.count)
                progress.finished("failed \(job.id)", running: running.count)
            case .running, .missing:
                store.clearRunning(job.id)
                lost.append(job)
                let why = ending == .exited(SweepWorker.inputMissingStatus) ? "found an input missing" : ending.text
                progress.say("prunelab sweep: job \(job.id): the worker \(why) before writing a result (the job stays missing: run again to finish it)\n" + tail(job), running: running.count)
            }
        }
        if interrupted {
            for pid in running.keys { kill(pid, SIGTERM) }
            for (pid, job) in running {
                _ = ChildProcess.wait(pid)
                store.clearRunning(job.id)
            }
            progress.end()
            Console.error("prunelab sweep: interrupted; \(progress.done) of \(total) jobs done, their results are kept in \(store.directory): run the same command again to finish")
            return 130
        }
        progress.end()
        let blocked = pending.count
        let missing = lost.count + blocked
        if blocked > 0 {
            Console.error("prunelab sweep: \(blocked) job\(blocked == 1 ? "" : "s") not run: an input from an earlier stage failed or is missing")
        }
        if progress.failed > 0 || missing > 0 {
            Console.error("prunelab sweep: \(progress.done) of \(total) done, \(progress.failed) failed, \(missing) missing (prunelab sweep status \(store.directory))")
            return 1
        }
        Console.error("prunelab sweep: all \(total) jobs done (prunelab sweep collect \(store.directory))")
        return 0
    }

    func tail(_ job: SweepJob) -> String {
        let lines = setup.store.logTail(job.id, lines: 8)
        guard !lines.isEmpty else { return "  (empty log: \(setup.store.logPath(job.id)))" }
        return "  last lines of \(setup.store.logPath(job.id)):\n" + lines.map { "  | " + $0 }.joined(separator: "\n")
    }
}
