import Testing
@testable import Engine

/// The sweep's time estimates against hand-computed cases: which finished jobs a job's duration
/// is taken from, and the local backend's schedule simulated job by job.
@Suite struct SweepEstimateTests {
    let plan: SweepPlan

    init() throws {
        let grid = try SweepGrid([("method", [.string("magnitude"), .string("reinit")]), ("sparsity", [.number(0.5), .number(0.9)]),
                                  ("seed", [.integer(1), .integer(2)])])
        plan = try SweepPlan(grid: grid, stages: [.init(name: "baseline", keys: ["seed"]), .init(name: "main", keys: ["method", "sparsity", "seed"], reads: ["baseline"]),
                                                   .init(name: "control", keys: ["seed"], reads: ["baseline"])])
    }

    func job(_ stage: String, _ method: String? = nil, _ sparsity: Double? = nil, seed: Int) -> SweepJob {
        plan.allJobs.first { job in
            job.stage == stage && job.value("seed") == .integer(seed)
                && (method == nil || job.value("method") == .string(method!)) && (sparsity == nil || job.value("sparsity") == .number(sparsity!))
        }!
    }

    /// Seed 1's baseline (100 s), magnitude retrainings at 50% and 90% (30 s, 34 s) and a Re-Init. at 50% (100 s).
    func finished() -> SweepEstimate {
        var estimate = SweepEstimate()
        estimate.record(job("baseline", seed: 1), seconds: 100)
        estimate.record(job("main", "magnitude", 0.5, seed: 1), seconds: 30)
        estimate.record(job("main", "reinit", 0.5, seed: 1), seconds: 100)
        estimate.record(job("main", "magnitude", 0.9, seed: 1), seconds: 34)
        estimate.record(job("main", "reinit", 0.9, seed: 2), seconds: .nan)   // ignored
        return estimate
    }

    @Test func aJobIsEstimatedFromTheFinishedJobsMostLikeIt() {
        let estimate = finished()
        #expect(estimate.count == 4 && estimate.totalSeconds == 264)
        #expect(SweepEstimate().seconds(for: job("baseline", seed: 2)) == nil)
        // The same configuration with another seed.
        #expect(estimate.seconds(for: job("baseline", seed: 2)) == 100)
        #expect(estimate.seconds(for: job("main", "magnitude", 0.9, seed: 2)) == 34)
        // Re-Init. at 90%: grouping by method leaves a spread of (30 − 32)² + (34 − 32)² = 8,
        // by sparsity (30 − 65)² + (100 − 65)² = 2450, so the Re-Init. group decides: 100 s.
        #expect(estimate.seconds(for: job("main", "reinit", 0.9, seed: 1)) == 100)
        // A stage with no finished job: the median of all four, (34 + 100) / 2.
        #expect(estimate.seconds(for: job("control", seed: 1)) == 67)
    }

    @Test func theScheduleIsSimulatedWorkerByWorker() {
        let estimate = finished()
        let pending = [job("baseline", seed: 2), job("main", "reinit", 0.9, seed: 1), job("main", "magnitude", 0.5, seed: 2),
                       job("main", "magnitude", 0.9, seed: 2), job("main", "reinit", 0.5, seed: 2), job("main", "reinit", 0.9, seed: 2)]
        #expect(SweepEstimate().remainingSeconds(pending: pending, running: [], workers: 2) == nil)
        // One worker: the sum, 100 + 100 + 30 + 34 + 100 + 100.
        #expect(estimate.remainingSeconds(pending: pending, running: [], workers: 1) == 464)
        // Two workers: baseline 2 on w0 (0–100), Re-Init. 90% seed 1 on w1 (0–100); seed 2's main
        // jobs wait for baseline 2: w0 100–130, w1 100–134, w0 130–230, w1 134–234.
        #expect(estimate.remainingSeconds(pending: pending, running: [], workers: 2) == 234)
        // The Re-Init. at 90% of seed 1 already running for 40 s: w0 is free at 60 but seed 2's
        // jobs still wait for their baseline (w1, 0–100): 100–130, 100–134, 130–230, 134–234.
        #expect(estimate.remainingSeconds(pending: pending.filter { $0.id != pending[1].id }, running: [(pending[1], 40)], workers: 2) == 234)
        // A job for each worker: the longest chain, baseline 2 then a Re-Init. (200 s).
        #expect(estimate.remainingSeconds(pending: pending, running: [], workers: 6) == 200)
        // Seed 2's baseline failed: its main jobs will not run; what is left is seed 1's Re-Init.
        #expect(estimate.remainingSeconds(pending: Array(pending.dropFirst()), running: [], workers: 2, failed: [pending[0].id]) == 100)
    }

    /// With costs (epochs: baseline and Re-Init. 10, magnitude 3, control 10), durations are
    /// compared per unit of cost and scaled back by the job's own.
    @Test func costsScaleTheDurationsOfUnlikeJobs() throws {
        var costed = plan
        var costs: [String: Double] = [:]
        for job in plan.allJobs { costs[job.id] = job.value("method") == .string("magnitude") ? 3 : 10 }
        try costed.setCosts(costs)
        #expect(costed.cost(of: job("main", "magnitude", 0.5, seed: 1).id) == 3 && costed.cost(of: "no such job") == 1)
        var estimate = SweepEstimate(costs: costed.costs)
        // Only seed 1's baseline has finished, 100 s for 10 units: 10 s a unit.
        estimate.record(job("baseline", seed: 1), seconds: 100)
        #expect(estimate.totalSeconds == 100)
        #expect(estimate.seconds(for: job("main", "magnitude", 0.9, seed: 1)) == 30)   // 3 × 10, not 100
        #expect(estimate.seconds(for: job("main", "reinit", 0.9, seed: 1)) == 100)
        // A magnitude retraining at 50% took 36 s (12 s a unit): a Re-Init. at 50% has no job of
        // its method finished, so the sparsity group decides: 12 × 10 = 120 s; the control (a
        // stage with no finished job) takes the median rate of all, (10 + 12) / 2 × 10 = 110 s.
        estimate.record(job("main", "magnitude", 0.5, seed: 1), seconds: 36)
        #expect(estimate.totalSeconds == 136)
        #expect(estimate.seconds(for: job("main", "reinit", 0.5, seed: 2)) == 120)
        #expect(estimate.seconds(for: job("control", seed: 1)) == 110)
        // Without costs the same two jobs estimate the Re-Init. as the magnitude job: 36 s.
        var plain = SweepEstimate()
        plain.record(job("baseline", seed: 1), seconds: 100)
        plain.record(job("main", "magnitude", 0.5, seed: 1), seconds: 36)
        #expect(plain.seconds(for: job("main", "reinit", 0.5, seed: 2)) == 36)
        // Costs must belong to the plan's jobs and be finite and positive.
        for bad: [String: Double] in [["nope": 2], [job("control", seed: 1).id: 0], [job("control", seed: 1).id: .infinity]] {
            #expect(throws: EngineError.self) { try costed.setCosts(bad) }
        }
    }
}
