/// What a sweep runs: its grid, its stages in order, and every job of every stage with the
/// jobs of earlier stages it reads.
///
/// A stage depends on a subset of the grid's parameters (`keys`; all of them by default). A job
/// of a later stage reads, for each earlier stage whose keys are all among its own, the job of
/// that stage with the same values of those keys: e.g. `prune` (model, method, seed) reads
/// the `baseline` (model, seed) of its model and seed. A stage that names the stages it reads
/// (`reads`) reads only those, so it need not wait for the others: two stages with the same
/// keys can then run side by side instead of one after the other.
public struct SweepPlan: Sendable {
    /// A stage: a name, the parameters its jobs depend on, and the earlier stages it reads
    /// (nil: every earlier stage whose keys are among its own).
    public struct Stage: Sendable, Equatable {
        public let name: String
        public let keys: [String]
        public let reads: [String]?
        public init(name: String, keys: [String], reads: [String]? = nil) {
            self.name = name
            self.keys = keys
            self.reads = reads
        }
    }

    public let grid: SweepGrid
    public let stages: [Stage]
    /// The jobs of each stage, in stage order, each in grid order.
    public let jobs: [[SweepJob]]

    public init(grid: SweepGrid, stages: [Stage]) throws {
        guard !stages.isEmpty else { throw EngineError("stages: expected at least one stage, got none") }
        var names = Set<String>()
        for stage in stages {
            guard !stage.name.isEmpty, SweepJob.sanitizedStage(stage.name) == stage.name else {
                throw EngineError("stages: expected names of letters, digits, '.', '_', '-', got '\(stage.name)'")
            }
            guard names.insert(stage.name).inserted else { throw EngineError("stages: stage '\(stage.name)' given twice") }
            for key in stage.keys where !grid.names.contains(key) {
                throw EngineError("stage '\(stage.name)': keys: expected names of grid parameters (\(grid.names.joined(separator: ", "))), got '\(key)'")
            }
        }
        self.grid = grid
        self.stages = stages.map { stage in Stage(name: stage.name, keys: grid.names.filter(stage.keys.contains), reads: stage.reads) }
        var all: [[SweepJob]] = []
        for (s, stage) in self.stages.enumerated() {
            let readable = try SweepPlan.stagesRead(by: stage, earlier: Array(self.stages[..<s]))
            var stageJobs: [SweepJob] = []
            for parameters in try grid.combinations(of: stage.keys) {
                var job = SweepJob(stage: stage.name, parameters: parameters)
                job.inputs = readable.map { earlier in
                    (earlier.name, SweepJob.id(stage: earlier.name, parameters: parameters.filter { earlier.keys.contains($0.key) }))
                }
                stageJobs.append(job)
            }
            all.append(stageJobs)
        }
        jobs = all
    }

    /// The earlier stages `stage` reads: those it names in `reads`, each of whose keys must be
    /// among its own (else which of that stage's jobs would a job read?), or by default every
    /// earlier stage whose keys are.
    static func stagesRead(by stage: Stage, earlier: [Stage]) throws -> [Stage] {
        let subsets = earlier.filter { Set($0.keys).isSubset(of: stage.keys) }
        guard let reads = stage.reads else { return subsets }
        var seen = Set<String>()
        for name in reads {
            guard let read = earlier.first(where: { $0.name == name }) else {
                let names = earlier.isEmpty ? "none: it is the first stage" : earlier.map(\.name).joined(separator: ", ")
                throw EngineError("stage '\(stage.name)': reads: expected names of earlier stages (\(names)), got '\(name)'")
            }
            guard Set(read.keys).isSubset(of: stage.keys) else {
                throw EngineError("stage '\(stage.name)': reads: stage '\(name)' depends on (\(read.keys.joined(separator: ", "))), not all among this stage's keys (\(stage.keys.joined(separator: ", "))), so no one job of it is this stage's input")
            }
            guard seen.insert(name).inserted else { throw EngineError("stage '\(stage.name)': reads: stage '\(name)' given twice") }
        }
        return subsets.filter { seen.contains($0.name) }
    }

    /// The relative length of each job whose spec gives one (a stage's `cost`), by job id.
    /// Durations of finished jobs are divided by it before they estimate others
    /// (``SweepEstimate``), so that a job of a kind nothing like which has finished yet is
    /// estimated by proportion (a 10-epoch job as 10/3 of a finished 3-epoch one).
    public private(set) var costs: [String: Double] = [:]

    /// The relative length of job `id` (1 when the spec gives none).
    public func cost(of id: String) -> Double { costs[id] ?? 1 }

    /// Sets the relative lengths of jobs (by id): each must be a job of the plan and a finite
    /// number > 0.
    public mutating func setCosts(_ given: [String: Double]) throws {
        let ids = Set(allJobs.map(\.id))
        for (id, cost) in given.sorted(by: { $0.key < $1.key }) {
            guard ids.contains(id) else { throw EngineError("cost: expected the id of a job of the plan, got '\(id)'") }
            guard cost.isFinite, cost > 0 else { throw EngineError("cost of job \(id): expected a finite number > 0, got \(cost)") }
            costs[id] = cost
        }
    }

    /// Every job, stage by stage.
    public var allJobs: [SweepJob] { jobs.flatMap { $0 } }

    /// The job with `id`, if the plan has it.
    public func job(_ id: String) -> SweepJob? { allJobs.first { $0.id == id } }

    /// The stages and their keys as JSON (for the manifest), with each stage's job costs (in
    /// job order) when the spec gives them.
    public var stagesJSON: JSON {
        .array(zip(stages, jobs).map { stage, jobs in
            var fields: [(String, JSON)] = [("name", .string(stage.name)), ("keys", .array(stage.keys.map(JSON.string)))]
            if let reads = stage.reads { fields.append(("reads", .array(reads.map(JSON.string)))) }
            fields.append(("jobs", .integer(jobs.count)))
            if jobs.contains(where: { costs[$0.id] != nil }) {
                fields.append(("costs", .array(jobs.map { .number(cost(of: $0.id)) })))
            }
            return .object(fields)
        })
    }
}
