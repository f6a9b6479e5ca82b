#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Bindings
import Engine
import ShellKit

/// `prunelab sweep run|status|collect`: a resumable sweep over a grid of parameters, on local
/// worker processes or as Slurm job arrays, with a result store and a summary over seeds.
enum SweepSubcommand {
    static let subcommand = Subcommand(
        name: "sweep",
        summary: "run a grid of jobs (local workers or Slurm), resume it, summarise it over seeds",
        usage: usage,
        run: run)

    static let usage = """
        usage: prunelab sweep run SPEC.lua [--out DIR] [--jobs N] [--threads T] [--retry-failed] [--force]
                                          [--backend local|slurm] [Slurm options] [--no-wait]
               prunelab sweep status DIR
               prunelab sweep collect DIR [--format markdown|csv|json|text] [--stage NAME|all] [--over seed]
        A spec is a Lua file returning a table:
          return {
            grid = {model = {"mlp", "convnet"}, sparsity = {0.5, 0.9}, seed = {1, 2, 3}},
            stages = {{name = "baseline", keys = {"model", "seed"}, run = function(job) ... end}},  -- optional
            run = function(job) ... return {accuracy = a, svcca = s} end,
          }
        run(job) gets the parameters as fields (job.model, job.seed, ...; all of them in job.params),
        job.dir (a directory for its files), job.id, job.stage and job:input("baseline") (job.inputs.baseline): the directory of the
        earlier stage's job with the same values of that stage's keys. It returns a table of
        numbers, strings or booleans (NaN and infinities are stored as "nan", "inf", "-inf" and
        left out of the statistics). Without stages, run is the one stage "main"; with stages, a
        top-level run is a last stage "main" over the whole grid. A stage reads (and waits for)
        every earlier stage whose keys are among its own, or only those it names in
        reads = {"baseline"}: stages that read the same earlier stage then run side by side.
        A stage (or the spec, for a top-level run) may give cost = 10 or cost = function(params) return
        params.epochs end: the relative length of its jobs, so that time estimates scale the finished
        jobs' durations (a 10-epoch job as 10/3 of a finished 3-epoch one) before a job like it is done.
        run:
          --out DIR            the sweep directory (default sweeps/<spec name>): DIR/jobs/<stage>/<params>-<hash>/
                               holds each job's result.json (written atomically), log.txt and files
          --jobs N             N worker processes (default: cores / --threads)
          --threads T          BLAS threads per worker (default: cores / N, or 1)
          --retry-failed       run failed jobs again (finished jobs are always kept; missing ones always run)
          --force              accept a spec that changed since DIR was created (jobs still in the grid are kept)
          --backend slurm      one sbatch job array per stage, after the arrays of the stages it reads (--dependency=afterany)
            --partition P --time T --cpus-per-task C --mem M   passed to sbatch
            --array-max K      at most K tasks of an array at once (--array=0-n%K)
            --no-wait          return after submitting (prunelab sweep status DIR shows progress)
        status: job counts, failed jobs with the end of their log, Slurm arrays still queued (squeue), and
          the time in finished jobs and an estimate of the time left (from finished jobs like them).
        collect: one row per combination of the parameters other than the seed (--over KEY) of the last
          stage (--stage NAME, or all: a row per stage and combination), with <result>_mean, _std (n − 1), _ci95 (half-width, Student t) and _n of every numeric result.
        In Lua: sweep.load(DIR) (one row per finished job), sweep.summary(DIR), sweep.status(DIR).
        Exit status: 0 all done, 1 some jobs failed or are missing, 2 a bad spec, option or directory,
        130 interrupted (Ctrl-C stops the workers; finished results stay, a new run resumes).
        """

    struct UsageError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    /// Parsed words: positional arguments, `--name value` options and flags.
    struct Words {
        var positional: [String] = []
        var values: [String: String] = [:]
        var flags: Set<String> = []

        init(_ arguments: [String], values valueNames: [String], flags flagNames: [String]) throws {
            var i = 0
            while i < arguments.count {
                let word = arguments[i]
                i += 1
                guard word.hasPrefix("--"), word.count > 2 else { positional.append(word); continue }
                var name = word, inline: String?
                if let eq = word.firstIndex(of: "=") {
                    name = String(word[..<eq])
                    inline = String(word[word.index(after: eq)...])
                }
                if valueNames.contains(name) {
                    guard values[name] == nil else { throw UsageError(message: "\(name) given twice") }
                    if let inline { values[name] = inline; continue }
                    guard i < arguments.count else { throw UsageError(message: "\(name) needs a value") }
                    values[name] = arguments[i]
                    i += 1
                } else if flagNames.contains(name), inline == nil {
                    flags.insert(name)
                } else {
                    throw UsageError(message: "unknown option \(word)")
                }
            }
        }

        func integer(_ name: String, min: Int = 1) throws -> Int? {
            guard let text = values[name] else { return nil }
            guard let v = Int(text), v >= min, v <= 1_000_000 else {
                throw UsageError(message: "\(name) expects an integer ≥ \(min), got '\(text)'")
            }
            return v
        }
    }

    @Sendable static func run(_ arguments: [String]) -> Int32 {
        guard let action = arguments.first else {
            Console.error("prunelab sweep: expected run, status or collect (see prunelab sweep --help)")
            return 2
        }
        let rest = Array(arguments.dropFirst())
        if rest.contains("--help") || rest.contains("-h") {
            print(usage)
            return 0
        }
        do {
            switch action {
            case "run": return try runSweep(rest)
            case "status": return try status(rest)
            case "collect": return try collect(rest)
            case "worker": return try worker(rest)
            default: throw UsageError(message: "unknown action '\(action)': expected run, status or collect")
            }
        } catch let error as UsageError {
            Console.error("prunelab sweep \(action): \(error.message) (see prunelab sweep --help)")
            return 2
        } catch {
            Console.error("prunelab sweep \(action): \(oneLine("\(error)"))")
            return 2
        }
    }

    static let slurmOptions = ["--partition", "--time", "--cpus-per-task", "--mem", "--array-max"]

    static func runSweep(_ arguments: [String]) throws -> Int32 {
        let words = try Words(arguments, values: ["--out", "--jobs", "--threads", "--backend"] + slurmOptions,
                              flags: ["--retry-failed", "--force", "--no-wait"])
        guard words.positional.count == 1 else {
            throw UsageError(message: "expected one spec file, got \(words.positional.count)\(words.positional.isEmpty ? "" : " (\(words.positional.joined(separator: ", ")))")")
        }
        let backend = words.values["--backend"] ?? "local"
        guard ["local", "slurm"].contains(backend) else { throw UsageError(message: "--backend expects local or slurm, got '\(backend)'") }
        if backend == "local" {
            if let option = (slurmOptions + ["--no-wait"]).first(where: { words.values[$0] != nil || words.flags.contains($0) }) {
                throw UsageError(message: "\(option) applies to --backend slurm")
            }
        } else if let option = ["--jobs", "--threads"].first(where: { words.values[$0] != nil }) {
            throw UsageError(message: "\(option) applies to the local backend (with Slurm use --cpus-per-task and --array-max)")
        }
        let cores = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        let jobs = try words.integer("--jobs"), threads = try words.integer("--threads")
        let arrayMax = try words.integer("--array-max"), cpus = try words.integer("--cpus-per-task")
        var sbatch: String?
        if backend == "slurm" {
            // Before touching the output directory: without Slurm's tools nothing can run.
            guard let found = ChildProcess.find("sbatch") else {
                Console.error("prunelab sweep run: --backend slurm needs Slurm's sbatch on PATH; not found (install Slurm's client tools, or run without --backend slurm)")
                return 2
            }
            sbatch = found
        }
        let setup: SweepSetup
        do {
            setup = try SweepSetup.prepare(specPath: words.positional[0], out: words.values["--out"],
                                           force: words.flags.contains("--force"), retryFailed: words.flags.contains("--retry-failed"),
                                           clearsRunningMarks: sbatch == nil)
        } catch let problem as SweepSetup.Problem {
            Console.error("prunelab sweep run: \(oneLine(problem.message))")
            return 2
        }
        defer { setup.release() }
        if let sbatch {
            let slurm = SlurmSweepRunner(setup: setup, sbatch: sbatch, partition: words.values["--partition"], time: words.values["--time"],
                                         cpusPerTask: cpus, memory: words.values["--mem"], arrayMax: arrayMax, wait: !words.flags.contains("--no-wait"))
            return slurm.run()
        }
        let workers = jobs ?? max(1, cores / (threads ?? 1))
        let perWorker = threads ?? max(1, cores / workers)
        return LocalSweepRunner(setup: setup, workers: workers, threads: perWorker).run()
    }

    static func openStore(_ words: Words) throws -> (SweepStore, SweepPlan) {
        guard words.positional.count == 1 else {
            throw UsageError(message: "expected one sweep directory, got \(words.positional.count)")
        }
        let store = SweepStore(directory: words.positional[0])
        guard FileIO.exists(store.manifestPath) else {
            throw EngineError.file(words.positional[0], "not a sweep directory (no sweep.json; create one with prunelab sweep run SPEC --out DIR)")
        }
        return (store, try store.recordedPlan())
    }

    static func status(_ arguments: [String]) throws -> Int32 {
        let (store, plan) = try openStore(try Words(arguments, values: [], flags: []))
        var counts = (done: 0, failed: 0, running: 0, missing: 0)
        var failures: [(SweepJob, String)] = []
        var done = Set<String>(), left: [SweepJob] = []   // left: running or missing, in plan order
        for job in plan.allJobs {
            switch store.state(job.id) {
            case .done: counts.done += 1; done.insert(job.id)
            case .failed(let message): counts.failed += 1; failures.append((job, message))
            case .running: counts.running += 1; left.append(job)
            case .missing: counts.missing += 1; left.append(job)
            }
        }
        let total = plan.allJobs.count
        print("\(store.directory): \(total) jobs: \(counts.done) done, \(counts.failed) failed, \(counts.running) running, \(counts.missing) missing")
        var estimate = SweepEstimate(costs: plan.costs)
        for (stage, jobs) in zip(plan.stages, plan.jobs) {
            let finished = jobs.filter { done.contains($0.id) }
            let durations = finished.compactMap { job -> Double? in
                guard let seconds = store.seconds(job.id) else { return nil }
                estimate.record(job, seconds: seconds)
                return seconds
            }
            guard plan.stages.count > 1 else { continue }
            let typical = durations.isEmpty ? "" : " (median \(SweepProgress.seconds(SweepEstimate.median(durations))) a job)"
            print("  stage \(stage.name): \(finished.count)/\(jobs.count) done\(typical)")
        }
        if estimate.count > 0 {
            var text = "time: \(SweepProgress.seconds(estimate.totalSeconds)) in finished jobs"
            let failed = Set(failures.map(\.0.id))
            if !left.isEmpty, let longest = estimate.remainingSeconds(pending: left, running: [], workers: left.count, failed: failed) {
                let work = left.reduce(0.0) { $0 + (estimate.seconds(for: $1) ?? 0) }
                text += "; left, estimated from finished jobs like them: about \(SweepProgress.seconds(work)) of jobs, at least \(SweepProgress.seconds(longest)) with a worker for every job"
            }
            print(text)
        }
        for (job, message) in failures {
            print("failed: \(job.id): \(message)")
            for line in store.logTail(job.id, lines: 5) { print("  | " + line) }
        }
        SlurmSweepRunner.printQueue(store)
        return counts.done == total ? 0 : 1
    }

    static func collect(_ arguments: [String]) throws -> Int32 {
        let words = try Words(arguments, values: ["--format", "--stage", "--over"], flags: [])
        let formatName = words.values["--format"] ?? "markdown"
        guard let format = TableFormat(rawValue: formatName), [.markdown, .csv, .json, .text].contains(format) else {
            throw UsageError(message: "--format expects markdown, csv, json or text, got '\(formatName)'")
        }
        let (store, plan) = try openStore(words)
        let over = words.values["--over"] ?? "seed"
        if words.values["--over"] != nil, !plan.grid.names.contains(over) {
            throw UsageError(message: "--over expects a grid parameter (\(plan.grid.names.joined(separator: ", "))), got '\(over)'")
        }
        let stage = words.values["--stage"] ?? plan.stages.last?.name
        let rows = try SweepCollection.rows(store, plan: plan, stage: stage == "all" ? nil : stage)
        print(try SweepCollection.summary(rows, plan: plan, over: over).formatted(as: format), terminator: "")
        let missing = plan.allJobs.filter { stage == "all" || $0.stage == stage }.count - rows.count
        if missing > 0 { Console.error("prunelab sweep collect: \(missing) job\(missing == 1 ? "" : "s") without a result left out (prunelab sweep status \(store.directory))") }
        return 0
    }

    /// The hidden `prunelab sweep worker [--out DIR] (--id ID | --tasks FILE --index I) [--threads T] [--log] SPEC`.
    static func worker(_ arguments: [String]) throws -> Int32 {
        let words = try Words(arguments, values: ["--out", "--id", "--tasks", "--index", "--threads"], flags: ["--log"])
        guard words.positional.count == 1, let out = words.values["--out"] else {
            throw UsageError(message: "worker: expected --out DIR (--id ID | --tasks FILE --index I) SPEC")
        }
        let selection: SweepWorker.Selection
        if let id = words.values["--id"] {
            selection = .id(id)
        } else if let file = words.values["--tasks"] {
            let index = try words.integer("--index", min: 0) ?? Settings.current[.slurmArrayTask].flatMap { Int($0) } ?? -1
            selection = .task(file: file, index: index)
        } else {
            throw UsageError(message: "worker: expected --id ID or --tasks FILE")
        }
        return SweepWorker.run(specPath: words.positional[0], out: out, selection: selection, threads: try words.integer("--threads"), log: words.flags.contains("--log"))
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
