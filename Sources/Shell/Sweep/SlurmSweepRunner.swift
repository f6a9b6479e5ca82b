#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Bindings
import Engine
import ShellKit

/// The Slurm backend, as submitit uses job arrays: one `sbatch --array` per stage (one task per
/// job still to run; task i runs line i of a task file in `DIR/slurm/`), each stage after the
/// arrays of the earlier stages it reads (`--dependency=afterany:…`; stages that read only the
/// same earlier stage run side by side), results on the shared file system (the
/// sweep directory). Jobs already queued or running (`squeue`) are not submitted again; a job
/// whose input is missing when it starts (its earlier stage was cancelled or failed) stays
/// missing, and the next `sweep run` submits it again.
struct SlurmSweepRunner {
    let setup: SweepSetup
    let sbatch: String
    let partition: String?
    let time: String?
    let cpusPerTask: Int?
    let memory: String?
    let arrayMax: Int?
    let wait: Bool

    /// One submitted array, as recorded in `DIR/slurm/submissions.json`.
    struct Submission {
        let stage: String
        let arrayID: String
        let tasksFile: String
    }

    static func submissionsPath(_ store: SweepStore) -> String { store.directory + "/slurm/submissions.json" }

    static func submissions(_ store: SweepStore) -> [Submission] {
        guard let json = try? JSON.parse(FileIO.read(submissionsPath(store))), case .array(let items) = json else { return [] }
        return items.compactMap { item in
            guard let stage = item["stage"]?.stringValue, let id = item["array_id"]?.stringValue, let file = item["tasks"]?.stringValue else { return nil }
            return Submission(stage: stage, arrayID: id, tasksFile: file)
        }
    }

    static func record(_ list: [Submission], _ store: SweepStore) throws {
        let json = JSON.array(list.map { .object([("stage", .string($0.stage)), ("array_id", .string($0.arrayID)), ("tasks", .string($0.tasksFile))]) })
        try FileIO.writeAtomically(submissionsPath(store), Array((json.text + "\n").utf8))
    }

    /// Tasks of our arrays that Slurm still holds: job id → (array id, state).
    static func queued(_ store: SweepStore, _ list: [Submission]) -> [String: (array: String, state: String)]? {
        guard !list.isEmpty else { return [:] }
        guard let (ending, output) = try? ChildProcess.run(["squeue", "--me", "-h", "-r", "-o", "%i|%T"]), ending == .exited(0) else { return nil }
        var tasks: [String: [String]] = [:]
        var result: [String: (array: String, state: String)] = [:]
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: "|").map(String.init)
            guard parts.count == 2 else { continue }
            let idParts = parts[0].split(separator: "_").map(String.init)
            guard idParts.count == 2, let index = Int(idParts[1]), let submission = list.first(where: { $0.arrayID == idParts[0] }) else { continue }
            if tasks[submission.tasksFile] == nil {
                tasks[submission.tasksFile] = (try? FileIO.read(submission.tasksFile)).map { String(decoding: $0, as: UTF8.self).split(separator: "\n").map(String.init) } ?? []
            }
            if let ids = tasks[submission.tasksFile], index >= 0, index < ids.count { result[ids[index]] = (submission.arrayID, parts[1]) }
        }
        return result
    }

    func run() -> Int32 {
        let store = setup.store
        let plan = setup.spec.plan
        let slurmDirectory = store.directory + "/slurm"
        do { try SweepStore.makeDirectories(slurmDirectory) } catch {
            Console.error("prunelab sweep run: \(error)")
            return 2
        }
        var list = SlurmSweepRunner.submissions(store)
        guard let inQueue = SlurmSweepRunner.queued(store, list) else {
            Console.error("prunelab sweep run: cannot read the Slurm queue (squeue --me failed); is slurmctld reachable?")
            return 2
        }
        let toSubmit = setup.toRun.filter { inQueue[$0.id] == nil }
        setup.reportKeptFailures()
        Console.error("prunelab sweep: \(plan.allJobs.count) jobs in \(store.directory): \(setup.doneBefore) done, \(inQueue.count) still queued, \(toSubmit.count) to submit to Slurm")
        let script = slurmDirectory + "/worker.sh"
        let text = """
            #!/bin/sh
            # A task of a prunelab sweep array: runs the job on line $SLURM_ARRAY_TASK_ID of the task file $1.
            exec \(quoted(ChildProcess.selfPath())) sweep worker --out \(quoted(store.directory)) --tasks "$1" --threads "${SLURM_CPUS_PER_TASK:-1}" --log \(quoted(setup.specPath))

            """
        do { try FileIO.writeAtomically(script, Array(text.utf8)) } catch {
            Console.error("prunelab sweep run: \(error)")
            return 2
        }
        chmod(script, 0o755)
        var ours = Set(inQueue.values.map(\.array))
        var arraysOf: [String: [String]] = [:]   // each stage's arrays in the queue: submitted before or now
        let stageOf = Dictionary(plan.allJobs.map { ($0.id, $0.stage) }, uniquingKeysWith: { a, _ in a })
        for (index, stage) in plan.stages.enumerated() {
            let jobs = toSubmit.filter { $0.stage == stage.name }
            arraysOf[stage.name] = Set(inQueue.filter { stageOf[$0.key] == stage.name }.map(\.value.array)).sorted()
            guard !jobs.isEmpty else { continue }
            // After the arrays of the stages this one reads only, as the local backend waits for a
            // job's inputs only: a stage that reads just the baseline starts beside its siblings.
            let read = Set(plan.jobs[index].flatMap { $0.inputs.map(\.stage) })
            let dependencies = plan.stages[..<index].filter { read.contains($0.name) }.flatMap { arraysOf[$0.name] ?? [] }
            // Slurm refuses arrays larger than MaxArraySize (1001 by default): chunks of 1000.
            for first in stride(from: 0, to: jobs.count, by: SlurmSweepRunner.arrayChunk) {
                let chunk = Array(jobs[first..<min(jobs.count, first + SlurmSweepRunner.arrayChunk)])
                guard let arrayID = submit(stage: stage.name, jobs: chunk, after: dependencies, list: &list, directory: slurmDirectory, script: script) else { return 2 }
                arraysOf[stage.name, default: []].append(arrayID)
                ours.insert(arrayID)
            }
        }
        Console.flush()
        guard wait else {
            Console.error("prunelab sweep: not waiting (--no-wait); prunelab sweep status \(store.directory) shows progress")
            return 0
        }
        return waitFor(arrays: ours, list: list)
    }

    static let arrayChunk = 1000

    /// Submits one array for `jobs` of `stage` after the arrays `after`; records it; returns its id
    /// (nil after printing why not).
    func submit(stage: String, jobs: [SweepJob], after: [String], list: inout [Submission], directory slurmDirectory: String, script: String) -> String? {
        let store = setup.store
        let tasksFile = "\(slurmDirectory)/\(stage)-\(list.count + 1).tasks"
        do { try FileIO.writeAtomically(tasksFile, Array((jobs.map(\.id).joined(separator: "\n") + "\n").utf8)) } catch {
            Console.error("prunelab sweep run: \(error)")
            return nil
        }
        var arguments = [sbatch, "--parsable", "--job-name=sweep-\(stage)", "--array=0-\(jobs.count - 1)" + (arrayMax.map { "%\($0)" } ?? ""),
                         "--output=\(slurmDirectory)/%A_%a.out"]
        if let partition { arguments.append("--partition=\(partition)") }
        if let time { arguments.append("--time=\(time)") }
        if let cpusPerTask { arguments.append("--cpus-per-task=\(cpusPerTask)") }
        if let memory { arguments.append("--mem=\(memory)") }
        if !after.isEmpty { arguments.append("--dependency=afterany:" + after.joined(separator: ":")) }
        arguments += [script, tasksFile]
        let result: (ChildProcess.Ending, String)
        do { result = try ChildProcess.run(arguments) } catch {
            Console.error("prunelab sweep run: \(error)")
            return nil
        }
        let firstLine = result.1.split(separator: "\n").first.map(String.init) ?? ""
        let arrayID = firstLine.split(separator: ";").first.map(String.init) ?? ""
        guard result.0 == .exited(0), !arrayID.isEmpty, arrayID.allSatisfy(\.isNumber) else {
            Console.error("prunelab sweep run: sbatch \(result.0.text): \(SweepSubcommand.oneLine(result.1))")
            return nil
        }
        list.append(Submission(stage: stage, arrayID: arrayID, tasksFile: tasksFile))
        do { try SlurmSweepRunner.record(list, store) } catch {
            Console.error("prunelab sweep run: \(error)")
            return nil
        }
        print("submitted stage \(stage): \(jobs.count) task\(jobs.count == 1 ? "" : "s") as Slurm array \(arrayID)")
        return arrayID
    }

    /// Waits until none of `arrays` is in the queue, showing progress; then reports.
    func waitFor(arrays: Set<String>, list: [Submission]) -> Int32 {
        let store = setup.store
        let jobs = setup.spec.plan.allJobs
        let progress = SweepProgress(total: jobs.count, done: setup.doneBefore, failed: setup.failedKept.count)
        Cancellation.clear()
        signal(SIGINT) { _ in Cancellation.raise() }
        defer { signal(SIGINT, SIG_DFL) }
        var seen = Set(jobs.filter { store.state($0.id) == .done }.map(\.id))
        var seenFailed = Set(setup.failedKept.map(\.id))
        var lastQuery = 0.0
        var queue: [String: (array: String, state: String)] = [:]
        while true {
            if Cancellation.isPending {
                progress.end()
                Console.error("prunelab sweep: stopped waiting; the Slurm arrays stay queued (scancel \(arrays.sorted().joined(separator: " ")) cancels them)")
                return 130
            }
            let now = MonotonicClock.now()
            if now - lastQuery >= 1 {
                lastQuery = now
                queue = SlurmSweepRunner.queued(store, list) ?? queue
            }
            for job in jobs {
                switch store.state(job.id) {
                case .done where !seen.contains(job.id):
                    seen.insert(job.id)
                    progress.done += 1
                    progress.finished("done \(job.id)", running: queue.count)
                case .failed(let message) where !seenFailed.contains(job.id):
                    seenFailed.insert(job.id)
                    progress.failed += 1
                    let tail = store.logTail(job.id, lines: 8).map { "  | " + $0 }.joined(separator: "\n")
                    progress.say("prunelab sweep: job \(job.id) failed: \(message)\n" + tail, running: queue.count)
                default: break
                }
            }
            if !queue.values.contains(where: { arrays.contains($0.array) }) && now - lastQuery < 0.5 { break }
            progress.draw(running: queue.values.filter { $0.state == "RUNNING" }.count)
            usleep(200_000)
        }
        progress.end()
        let missing = jobs.filter { if case .missing = store.state($0.id) { return true }; return false }
        if !missing.isEmpty {
            Console.error("prunelab sweep: \(missing.count) job\(missing.count == 1 ? "" : "s") without a result (cancelled, timed out, or an input missing): run again to submit them")
            for job in missing.prefix(5) { Console.error("  \(job.id)") }
        }
        if progress.failed > 0 || !missing.isEmpty {
            Console.error("prunelab sweep: \(progress.done) of \(jobs.count) done, \(progress.failed) failed, \(missing.count) missing")
            return 1
        }
        Console.error("prunelab sweep: all \(jobs.count) jobs done (prunelab sweep collect \(store.directory))")
        return 0
    }

    /// For `sweep status`: our arrays still in the queue, and what sacct says of tasks without a result.
    static func printQueue(_ store: SweepStore) {
        let list = submissions(store)
        guard !list.isEmpty else { return }
        guard let queue = queued(store, list) else {
            print("slurm: cannot read the queue (squeue --me failed)")
            return
        }
        for submission in list {
            let tasks = queue.values.filter { $0.array == submission.arrayID }
            guard !tasks.isEmpty else { continue }
            let states = Dictionary(grouping: tasks, by: \.state).map { "\($0.value.count) \($0.key.lowercased())" }.sorted()
            print("slurm: array \(submission.arrayID) (stage \(submission.stage)): \(states.joined(separator: ", "))")
        }
        // sacct works only with accounting; without it this prints nothing.
        let ids = list.map(\.arrayID).joined(separator: ",")
        if let (ending, output) = try? ChildProcess.run(["sacct", "-n", "-P", "-X", "-j", ids, "-o", "JobID,State"]), ending == .exited(0) {
            let bad = output.split(separator: "\n").filter { line in
                ["CANCELLED", "FAILED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "PREEMPTED"].contains { line.contains($0) }
            }
            for line in bad.prefix(10) { print("slurm: \(line.replacingBars())") }
        }
    }

    func quoted(_ s: String) -> String {
        "'" + s.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }
}

extension Substring {
    fileprivate func replacingBars() -> String { split(separator: "|").joined(separator: " ") }
}
