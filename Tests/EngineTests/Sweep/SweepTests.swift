#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import Engine

/// The sweep runner's Engine layer: Student-t quantiles against SciPy, FNV-1a test vectors,
/// grid expansion and stage inputs, stable job ids, the result store's states and the summary.
@Suite struct SweepTests {
    @Test func studentQuantilesMatchSciPy() {
        // scipy.stats.t.ppf(0.975, df)
        let reference: [(Double, Double)] = [(1, 12.706204736174694), (2, 4.302652729749462), (4, 2.7764451051977934),
                                             (9, 2.262157162798205), (30, 2.0422724563012378), (200, 1.9718962236339088)]
        for (df, t) in reference {
            #expect(abs(StudentT.quantile(0.975, degrees: df) - t) <= 1e-10 * t, "df \(df)")
        }
        #expect(abs(StudentT.cdf(1.5, degrees: 3) - 0.8847080673775886) < 1e-12)   // scipy.stats.t.cdf(1.5, 3)
        #expect(StudentT.cdf(0, degrees: 5) == 0.5)
        #expect(abs(StudentT.quantile(0.025, degrees: 4) + 2.7764451051977934) < 1e-10)
        // df = 1 is the Cauchy distribution: quantile tan(π(p − ½)).
        #expect(abs(StudentT.quantile(0.9, degrees: 1) - tan(Double.pi * 0.4)) < 1e-10)
    }

    @Test func summaryOfThreeSeeds() {
        let s = SampleSummary([1, 2, 3])
        #expect(s.n == 3 && s.mean == 2 && s.standardDeviation == 1)
        #expect(abs(s.halfWidth - 4.302652729749462 / 3.0.squareRoot()) < 1e-12)
        let one = SampleSummary([5])
        #expect(one.n == 1 && one.mean == 5 && one.standardDeviation.isNaN && one.halfWidth.isNaN)
    }

    @Test func fnv1aTestVectors() {
        // From the FNV reference test suite (64-bit FNV-1a).
        #expect(SweepHash.hex(SweepHash.fnv1a(Array("".utf8))) == "cbf29ce484222325")
        #expect(SweepHash.hex(SweepHash.fnv1a(Array("a".utf8))) == "af63dc4c8601ec8c")
        #expect(SweepHash.hex(SweepHash.fnv1a(Array("foobar".utf8))) == "85944171f73967e8")
    }

    func demoGrid() throws -> SweepGrid {
        try SweepGrid([("method", [.string("magnitude"), .string("random")]), ("width", [.integer(8), .integer(16), .integer(32)]),
                       ("seed", [.integer(1), .integer(2), .integer(3)])])
    }

    @Test func gridExpandsFirstAxisSlowest() throws {
        let combos = try demoGrid().combinations()
        #expect(combos.count == 18)
        #expect(combos[0].map(\.value) == [.string("magnitude"), .integer(8), .integer(1)])
        #expect(combos[1].map(\.value) == [.string("magnitude"), .integer(8), .integer(2)])
        #expect(combos[17].map(\.value) == [.string("random"), .integer(32), .integer(3)])
        #expect(try demoGrid().combinations(of: ["seed", "width"]).count == 9)
    }

    @Test func badGridsAreRefused() {
        #expect(throws: EngineError.self) { try SweepGrid([]) }
        #expect(throws: EngineError.self) { try SweepGrid([("seed", [])]) }
        #expect(throws: EngineError.self) { try SweepGrid([("seed", [.integer(1), .integer(1)])]) }
        #expect(throws: EngineError.self) { try SweepGrid([("seed", [.array([])])]) }
        #expect(throws: EngineError.self) { try SweepGrid([("a", [.integer(1)]), ("a", [.integer(2)])]) }
    }

    @Test func jobIdsAreStableReadableAndOrderFree() {
        let id = SweepJob.id(stage: "main", parameters: [("method", .string("random")), ("width", .integer(16)), ("seed", .integer(2))])
        // The id the demo sweep's store uses: it must never change, or resuming old sweeps breaks.
        #expect(id == "main/method=random,width=16,seed=2-8f313aab")
        let reordered = SweepJob.id(stage: "main", parameters: [("seed", .integer(2)), ("width", .integer(16)), ("method", .string("random"))])
        #expect(reordered.hasSuffix("-8f313aab"))
        #expect(SweepJob.id(stage: "main", parameters: [("x", .number(0.5))]).hasPrefix("main/x=0.5-"))
        #expect(SweepJob.id(stage: "main", parameters: [("name", .string("a b/c"))]).hasPrefix("main/name=a_b_c-"))
        #expect(SweepJob.id(stage: "main", parameters: [("seed", .integer(1))]) != SweepJob.id(stage: "other", parameters: [("seed", .integer(1))]))
    }

    @Test func laterStagesReadTheEarlierJobWithTheSameKeys() throws {
        let plan = try SweepPlan(grid: demoGrid(), stages: [.init(name: "baseline", keys: ["seed", "width"]), .init(name: "main", keys: ["method", "width", "seed"])])
        #expect(plan.jobs[0].count == 9 && plan.jobs[1].count == 18)
        #expect(plan.stages[0].keys == ["width", "seed"])   // grid order
        let job = plan.jobs[1][4]   // magnitude, width 16, seed 2
        #expect(job.value("width") == .integer(16) && job.value("seed") == .integer(2))
        #expect(job.inputs.count == 1 && job.inputs[0].stage == "baseline")
        #expect(job.inputs[0].id == SweepJob.id(stage: "baseline", parameters: [("width", .integer(16)), ("seed", .integer(2))]))
        #expect(Set(plan.allJobs.map(\.id)).count == 27)
        #expect(throws: EngineError.self) { try SweepPlan(grid: demoGrid(), stages: [.init(name: "a", keys: ["nope"])]) }
        #expect(throws: EngineError.self) { try SweepPlan(grid: demoGrid(), stages: [.init(name: "a", keys: []), .init(name: "a", keys: [])]) }
    }

    @Test func aStageThatNamesWhatItReadsReadsOnlyThat() throws {
        let keys = ["width", "seed"]
        let byDefault = try SweepPlan(grid: demoGrid(), stages: [.init(name: "baseline", keys: keys), .init(name: "control", keys: keys), .init(name: "iterative", keys: keys)])
        #expect(byDefault.jobs[2][0].inputs.map(\.stage) == ["baseline", "control"])
        let named = try SweepPlan(grid: demoGrid(), stages: [.init(name: "baseline", keys: keys), .init(name: "control", keys: keys, reads: ["baseline"]),
                                                             .init(name: "iterative", keys: keys, reads: ["baseline"])])
        let job = named.jobs[2][4]
        #expect(job.inputs.count == 1 && job.inputs[0].stage == "baseline")
        #expect(job.inputs[0].id == byDefault.jobs[2][4].inputs[0].id)
        #expect(named.jobs[1].allSatisfy { $0.inputs.map(\.stage) == ["baseline"] })
        // An empty list reads nothing; the order given does not matter (stage order is kept).
        let none = try SweepPlan(grid: demoGrid(), stages: [.init(name: "baseline", keys: keys), .init(name: "other", keys: keys, reads: [])])
        #expect(none.jobs[1].allSatisfy { $0.inputs.isEmpty })
        let both = try SweepPlan(grid: demoGrid(), stages: [.init(name: "a", keys: ["seed"]), .init(name: "b", keys: keys), .init(name: "c", keys: keys + ["method"], reads: ["b", "a"])])
        #expect(both.jobs[2][0].inputs.map(\.stage) == ["a", "b"])
        // The manifest records it, and the plan read back from a manifest has the same inputs.
        var template = Array("/tmp/prunelab-sweep-test-XXXXXX".utf8CString)
        guard mkdtemp(&template) != nil else { Issue.record("mkdtemp failed"); return }
        let root = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { _ = system("rm -rf '\(root)'") }
        var costed = named
        try costed.setCosts(Dictionary(uniqueKeysWithValues: named.jobs[1].enumerated().map { ($1.id, Double($0) + 0.5) }))
        for plan in [named, byDefault, costed] {
            let store = SweepStore(directory: root + "/s")
            try store.create()
            try store.writeManifest(.object([("spec_hash", .string("x")), ("grid", demoGrid().json), ("stages", plan.stagesJSON)]))
            let recorded = try store.recordedPlan()
            #expect(recorded.stages == plan.stages)
            #expect(recorded.allJobs.map { $0.inputs.map(\.id) } == plan.allJobs.map { $0.inputs.map(\.id) })
            // Costs (given for stage b only) come back job by job; the others stay 1.
            #expect(recorded.costs == plan.costs)
            #expect(recorded.allJobs.map { recorded.cost(of: $0.id) } == plan.allJobs.map { plan.cost(of: $0.id) })
        }
        #expect(costed.costs.count == costed.jobs[1].count && costed.costs.values.contains(1.5))
        // A manifest whose costs do not match the stage's jobs is refused.
        let store = SweepStore(directory: root + "/s")
        guard case .array(var stageItems) = costed.stagesJSON, case .object(var fields) = stageItems[1] else { Issue.record("stages JSON"); return }
        fields = fields.map { $0.key == "costs" ? ("costs", .array([.number(1)])) : $0 }
        stageItems[1] = .object(fields)
        try store.writeManifest(.object([("spec_hash", .string("x")), ("grid", demoGrid().json), ("stages", .array(stageItems))]))
        #expect(throws: EngineError.self) { try store.recordedPlan() }
        func refused(_ stages: [SweepPlan.Stage], _ fragment: String) -> Bool {
            do { _ = try SweepPlan(grid: demoGrid(), stages: stages); return false } catch let error as EngineError { return error.message.contains(fragment) } catch { return false }
        }
        #expect(refused([.init(name: "a", keys: keys, reads: ["nope"])], "reads: expected names of earlier stages (none: it is the first stage), got 'nope'"))
        #expect(refused([.init(name: "a", keys: keys, reads: ["b"]), .init(name: "b", keys: keys)], "got 'b'"))   // a later stage
        #expect(refused([.init(name: "a", keys: keys), .init(name: "b", keys: ["seed"], reads: ["a"])], "stage 'a' depends on (width, seed), not all among this stage's keys (seed)"))
        #expect(refused([.init(name: "a", keys: keys), .init(name: "b", keys: keys, reads: ["a", "a"])], "stage 'a' given twice"))
    }

    @Test func storeStatesResultsAndSummary() throws {
        var template = Array("/tmp/prunelab-sweep-test-XXXXXX".utf8CString)
        guard mkdtemp(&template) != nil else { Issue.record("mkdtemp failed"); return }
        let root = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { _ = system("rm -rf '\(root)'") }
        let store = SweepStore(directory: root + "/s")
        try store.create()
        let grid = try SweepGrid([("lr", [.number(0.1), .number(0.2)]), ("seed", [.integer(1), .integer(2), .integer(3)])])
        let plan = try SweepPlan(grid: grid, stages: [.init(name: "main", keys: ["lr", "seed"])])
        try store.writeManifest(.object([("spec_hash", .string("x")), ("grid", grid.json), ("stages", plan.stagesJSON)]))
        let jobs = plan.allJobs
        #expect(store.state(jobs[0].id) == .missing)
        try store.createJobDirectory(jobs[0].id)
        try store.markRunning(jobs[0].id)
        #expect(store.state(jobs[0].id) == .running(pid: Int(getpid()), host: store.state(jobs[0].id).host))
        // lr 0.1: accuracy 1, 2, 3 over seeds; lr 0.2: only seed 1 finished (4); seed 2 failed.
        for (job, value) in zip(jobs[0..<4], [1.0, 2, 3, 4]) {
            try store.createJobDirectory(job.id)
            try store.writeResult(job, results: .object([("accuracy", .number(value)), ("note", .string("ok"))]), seconds: 0.5)
        }
        store.clearRunning(jobs[0].id)
        try store.createJobDirectory(jobs[4].id)
        try store.writeFailure(jobs[4], message: "boom", seconds: 0.1)
        #expect(store.state(jobs[0].id) == .done)
        #expect(store.state(jobs[4].id) == .failed("boom"))
        #expect(store.state(jobs[5].id) == .missing)
        let recorded = try store.recordedPlan()
        #expect(recorded.allJobs.map(\.id) == jobs.map(\.id))
        let rows = try SweepCollection.rows(store, plan: recorded)
        #expect(rows.count == 4)
        let table = try SweepCollection.summary(rows, plan: recorded)
        #expect(table.columns == ["lr", "accuracy_mean", "accuracy_std", "accuracy_ci95", "accuracy_n"])
        #expect(table.rows.count == 2)
        #expect(table.rows[0][0] == .number(0.1) && table.rows[0][1] == .number(2) && table.rows[0][2] == .number(1) && table.rows[0][4] == .integer(3))
        if case .number(let half) = table.rows[0][3] { #expect(abs(half - 4.302652729749462 / 3.0.squareRoot()) < 1e-12) } else { Issue.record("no CI") }
        #expect(table.rows[1] == [.number(0.2), .number(4), .missing, .missing, .integer(1)])
    }
}

extension SweepStore.JobState {
    var host: String { if case .running(_, let host) = self { return host }; return "" }
}
