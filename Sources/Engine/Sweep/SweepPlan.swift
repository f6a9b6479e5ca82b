/// What a sweep runs: its grid, its stages in order, and every job of every stage with the
/// jobs of earlier stages it reads.
///
/// A stage depends on a subset of the grid's parameters (`keys`; all of them by default). A job
/// of a later stage reads, for each earlier stage whose keys are all among its own, the job of
/// that stage with the same values of those keys: e.g. `prune` (model, method, seed) reads
/// the `baseline` (model, seed) of its model and seed.
public struct SweepPlan: Sendable {
    /// A stage: a name and the parameters its jobs depend on.
    public struct Stage: Sendable, Equatable {
        public let name: String
        public let keys: [String]
        public init(name: String, keys: [String]) {
            self.name = name
            self.keys = keys
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
        self.stages = stages.map { stage in Stage(name: stage.name, keys: grid.names.filter(stage.keys.contains)) }
        var all: [[SweepJob]] = []
        for (s, stage) in self.stages.enumerated() {
            let readable = self.stages[..<s].filter { Set($0.keys).isSubset(of: stage.keys) }
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

    /// Every job, stage by stage.
    public var allJobs: [SweepJob] { jobs.flatMap { $0 } }

    /// The job with `id`, if the plan has it.
    public func job(_ id: String) -> SweepJob? { allJobs.first { $0.id == id } }

    /// The stages and their keys as JSON (for the manifest).
    public var stagesJSON: JSON {
        .array(zip(stages, jobs).map { stage, jobs in
            .object([("name", .string(stage.name)), ("keys", .array(stage.keys.map(JSON.string))), ("jobs", .integer(jobs.count))])
        })
    }
}
