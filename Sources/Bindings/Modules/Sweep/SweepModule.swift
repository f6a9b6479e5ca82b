import Engine

/// The `sweep` Lua module: reading the results of `prunelab sweep run` for `report` and `plot`.
enum SweepModule {
    static let module = LuaModule(
        name: "sweep",
        doc: "Results of a sweep run by `prunelab sweep run spec.lua --out DIR` (see `prunelab help sweep`): sweep.load(DIR) gives one row per finished job, sweep.summary(DIR) the mean, std, 95% CI and n of every numeric result over seeds, sweep.status(DIR) the job counts.",
        functions: [
            LuaFunctionSpec("load", "sweep.load(dir [, {…}])", options: [stageOption], at: 2,
                            "The finished jobs of the sweep in dir, in grid order: an array of rows {id = ..., stage = ..., seconds = ..., <parameters>..., <results>...} (e.g. row.model, row.seed, row.accuracy). Unfinished jobs have no row; no job has two. {stage = name} keeps one stage's rows.") { lua, options in
                let (store, plan) = try arguments(lua)
                let rows = try SweepCollection.rows(store, plan: plan, stage: try options.string("stage"))
                SweepRows.push(lua, rows: rows)
                return 1
            },
            LuaFunctionSpec("summary", "sweep.summary(dir [, {…}]) → report table", options: [
                stageOption,
                LuaOption("over", .string, default: "\"seed\"", "the parameter the summary runs over"),
                LuaOption("title", .string, shown: "\"…\"", "the table's title"),
            ], at: 2,
                            "A report table (print it, t:markdown(), t:csv(), t:save(path), t[i].svcca_mean) of `prunelab sweep collect`: for the last stage (or {stage = name}; \"all\": every stage, with a stage column), one per combination of the parameters other than `over` (default \"seed\"), with those parameters and <result>_mean, <result>_std (sample, n − 1), <result>_ci95 (half-width of the 95% Student-t interval) and <result>_n for every numeric result. std and ci95 are absent when n = 1.") { lua, options in
                let (store, plan) = try arguments(lua)
                let stage = try options.string("stage") ?? plan.stages.last?.name
                let rows = try SweepCollection.rows(store, plan: plan, stage: stage == "all" ? nil : stage)
                lua.push(object: ReportTableObject(try SweepCollection.summary(rows, plan: plan, over: try options.string("over") ?? "seed", title: try options.string("title"))))
                return 1
            },
            LuaFunctionSpec("status", "sweep.status(dir)",
                            "Job counts of the sweep in dir: {total = n, done = n, failed = n, running = n, missing = n}.") { lua in
                _ = try lua.options(2, known: [])
                let (store, plan) = try arguments(lua)
                var counts = ["total": 0, "done": 0, "failed": 0, "running": 0, "missing": 0]
                for job in plan.allJobs {
                    counts["total", default: 0] += 1
                    switch store.state(job.id) {
                    case .done: counts["done", default: 0] += 1
                    case .failed: counts["failed", default: 0] += 1
                    case .running: counts["running", default: 0] += 1
                    case .missing: counts["missing", default: 0] += 1
                    }
                }
                lua.newTable(fieldCapacity: counts.count)
                for (key, value) in counts.sorted(by: { $0.key < $1.key }) { lua.push(value); lua.rawSet(-2, key) }
                return 1
            },
        ])

    static let stageOption = LuaOption("stage", .string, shown: "name", "one stage's jobs (default: every stage for load, the last for summary; \"all\": every stage)")

    /// The sweep directory (argument 1) with its store and recorded plan.
    static func arguments(_ lua: Lua) throws -> (SweepStore, SweepPlan) {
        let dir = try lua.checkString(1, "dir")
        try lua.checkArgumentCount(max: 2)
        let store = SweepStore(directory: dir)
        guard FileIO.exists(store.manifestPath) else {
            throw lua.error("argument 1 (dir): expected a sweep directory (with sweep.json), got '\(dir)'")
        }
        return (store, try store.recordedPlan())
    }
}
