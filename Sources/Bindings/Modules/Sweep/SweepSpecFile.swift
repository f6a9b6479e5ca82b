import CLua
import Engine

/// A sweep spec: a Lua file returning `{grid = {...}, run = function(job) ... end}` (and
/// optionally `stages = {{name = ..., keys = {...}, run = ...}, ...}`), loaded into its own
/// Lua state so that its `run` functions can be called job by job.
///
/// Grid axes are ordered by name (Lua tables have no order), with `seed` last. With `stages`,
/// each stage's jobs cover the grid's `keys` it names (all by default) and read the earlier
/// stages it names in `reads` (by default every earlier stage whose keys are among its own); a
/// top-level `run` is a final stage `main` over the whole grid. Every problem is a ``SweepSpecError`` with one line.
public final class SweepSpecFile {
    /// The spec file's path as given.
    public let path: String
    /// FNV-1a of the file's bytes (16 hex digits): a changed spec changes it.
    public let hash: String
    /// The grid, stages and jobs.
    public let plan: SweepPlan
    let runtime: Runtime
    /// Registry references of each stage's `run`, by stage name.
    private var runReferences: [String: Int32] = [:]

    public static let knownKeys = ["grid", "stages", "run", "cost", "name"]
    public static let stageKeys = ["name", "keys", "reads", "run", "cost"]
    /// Job fields that grid parameters may not use.
    public static let reservedFields = ["id", "stage", "dir", "inputs", "input", "params"]

    public init(path: String) throws {
        self.path = path
        let bytes: [UInt8]
        do { bytes = try FileIO.read(path) } catch let error as EngineError {
            throw SweepSpecError(error.message)
        }
        hash = SweepHash.hex(SweepHash.fnv1a(bytes))
        runtime = try Runtime()
        let lua = runtime.lua
        let status = luaL_loadfilex(runtime.state, path, nil)
        if status != plua_lua_ok() {
            let message = lua.string(-1) ?? "cannot load"
            lua.pop(1)
            throw SweepSpecError(message)
        }
        do {
            try lua.protectedCall(arguments: 0, results: 1, traceback: false)
        } catch let error as LuaCallError {
            throw SweepSpecError("\(path): error while loading: \(error.message)")
        }
        guard lua.type(-1) == .table else {
            let got = lua.describe(-1)
            lua.pop(1)
            throw SweepSpecError("\(path): expected the file to return a table {grid = {...}, run = function(job) ... end}, got \(got)")
        }
        let spec = lua.top
        var problem: String?
        lua.forEachEntry(spec) { key, _ in
            guard problem == nil else { return }
            guard let name = lua.string(key), SweepSpecFile.knownKeys.contains(name) else {
                let shown = lua.string(key).map { "'\($0)'" } ?? lua.describe(key)
                problem = "\(path): unknown key \(shown) (known keys: \(SweepSpecFile.knownKeys.joined(separator: ", ")))"
                return
            }
        }
        if let problem { lua.setTop(0); throw SweepSpecError(problem) }

        let grid: SweepGrid
        do {
            grid = try SweepSpecFile.readGrid(lua, spec: spec, path: path)
            var stages: [SweepPlan.Stage] = []
            var functions: [(String, Int32)] = []
            var costs: [(stage: String, cost: Cost, field: String)] = []
            if lua.rawGet(spec, "stages") != .nil {
                guard lua.type(-1) == .table else { throw SweepSpecError("\(path): stages: expected a list of {name = ..., keys = {...}, run = function}, got \(lua.describe(-1))") }
                let list = lua.top
                let count = lua.rawLength(list)
                guard count > 0 else { throw SweepSpecError("\(path): stages: expected at least one stage, got an empty list") }
                for i in 1...count {
                    lua.rawGet(list, i)
                    let (stage, function) = try SweepSpecFile.readStage(lua, at: lua.top, number: i, grid: grid, path: path)
                    stages.append(stage)
                    functions.append((stage.name, function))
                    let field = "\(path): stages[\(i)].cost"
                    if let cost = try SweepSpecFile.readCost(lua, of: lua.top, field: field) { costs.append((stage.name, cost, field)) }
                    lua.pop(1)
                }
            }
            lua.pop(1)
            let hasStages = !stages.isEmpty
            let runType = lua.rawGet(spec, "run")
            if runType != .nil || !hasStages {
                guard runType == .function else {
                    let got = lua.describe(-1)
                    lua.pop(1)
                    throw SweepSpecError("\(path): run: expected a function run(job) returning a table of results, got \(got)")
                }
                stages.append(SweepPlan.Stage(name: "main", keys: grid.names))
                functions.append(("main", luaL_ref(runtime.state, plua_registryindex())))
                if let cost = try SweepSpecFile.readCost(lua, of: spec, field: "\(path): cost") { costs.append(("main", cost, "\(path): cost")) }
            } else {
                lua.pop(1)
            }
            var plan: SweepPlan
            do {
                plan = try SweepPlan(grid: grid, stages: stages)
            } catch let error as EngineError {
                throw SweepSpecError("\(path): \(error.message)")
            }
            try plan.setCosts(SweepSpecFile.evaluate(costs, plan: plan, lua: lua))
            self.plan = plan
            for (name, reference) in functions { runReferences[name] = reference }
        } catch {
            lua.setTop(0)
            throw error
        }
        lua.setTop(0)
    }

    /// Reads `grid` from the spec table.
    static func readGrid(_ lua: Lua, spec: Int32, path: String) throws -> SweepGrid {
        guard lua.rawGet(spec, "grid") == .table else {
            let got = lua.describe(-1)
            lua.pop(1)
            throw SweepSpecError("\(path): grid: expected a table {name = {values...}, ...}, got \(got)")
        }
        defer { lua.pop(1) }
        let table = lua.top
        var axes: [(name: String, values: [JSON])] = []
        var problem: String?
        lua.forEachEntry(table) { key, value in
            guard problem == nil else { return }
            guard let name = lua.string(key) else { problem = "grid: expected parameter names (strings) as keys, got \(lua.describe(key))"; return }
            if SweepSpecFile.reservedFields.contains(name) {
                problem = "grid: parameter '\(name)' clashes with the job field of that name (reserved: \(SweepSpecFile.reservedFields.joined(separator: ", ")))"
                return
            }
            if lua.type(value) != .table {
                guard let v = scalar(lua, value) else { problem = "grid: parameter '\(name)': expected a list of numbers, strings or booleans, got \(lua.describe(value))"; return }
                axes.append((name, [v]))
                return
            }
            var values: [JSON] = []
            let n = lua.rawLength(value)
            var entries = 0
            lua.forEachEntry(value) { _, _ in entries += 1 }
            if entries != n { problem = "grid: parameter '\(name)': expected a list (keys 1…n), got a table with other keys"; return }
            for i in stride(from: 1, through: n, by: 1) {
                lua.rawGet(value, i)
                defer { lua.pop(1) }
                guard let v = scalar(lua, -1) else {
                    problem = "grid: parameter '\(name)': entry \(i): expected a number, string or boolean, got \(lua.describe(-1))"
                    return
                }
                values.append(v)
            }
            axes.append((name, values))
        }
        if let problem { throw SweepSpecError("\(path): \(problem)") }
        axes.sort { a, b in
            if (a.name == "seed") != (b.name == "seed") { return b.name == "seed" }
            return a.name < b.name
        }
        do { return try SweepGrid(axes) } catch let error as EngineError {
            throw SweepSpecError("\(path): \(error.message)")
        }
    }

    /// Reads one entry of `stages` (at `index`); returns the stage and a registry reference to its run.
    static func readStage(_ lua: Lua, at index: Int32, number: Int, grid: SweepGrid, path: String) throws -> (SweepPlan.Stage, Int32) {
        let prefix = "\(path): stages[\(number)]"
        guard lua.type(index) == .table else { throw SweepSpecError("\(prefix): expected a table {name = ..., keys = {...}, run = function}, got \(lua.describe(index))") }
        var problem: String?
        lua.forEachEntry(index) { key, _ in
            guard problem == nil else { return }
            guard let name = lua.string(key), stageKeys.contains(name) else {
                problem = "unknown key \(lua.string(key).map { "'\($0)'" } ?? lua.describe(key)) (known keys: \(stageKeys.joined(separator: ", ")))"
                return
            }
        }
        if let problem { throw SweepSpecError("\(prefix): \(problem)") }
        lua.rawGet(index, "name")
        guard let name = lua.string(-1) else { let got = lua.describe(-1); lua.pop(1); throw SweepSpecError("\(prefix): name: expected a string, got \(got)") }
        lua.pop(1)
        let keys = try names(lua, field: "keys", of: index, what: "grid parameters", prefix: prefix) ?? grid.names
        let reads = try names(lua, field: "reads", of: index, what: "earlier stages", prefix: prefix)
        guard lua.rawGet(index, "run") == .function else {
            let got = lua.describe(-1)
            lua.pop(1)
            throw SweepSpecError("\(prefix) (\(name)): run: expected a function run(job) returning a table of results, got \(got)")
        }
        return (SweepPlan.Stage(name: name, keys: keys, reads: reads), luaL_ref(lua.state, plua_registryindex()))
    }

    /// A stage's `cost`: one relative length for all its jobs, or a function of a job's
    /// parameters returning its relative length (a registry reference).
    enum Cost {
        case constant(Double)
        case function(Int32)
    }

    /// Reads `cost` from the table at `index` (nil when absent).
    static func readCost(_ lua: Lua, of index: Int32, field: String) throws -> Cost? {
        switch lua.rawGet(index, "cost") {
        case .nil:
            lua.pop(1)
            return nil
        case .function:
            return .function(luaL_ref(lua.state, plua_registryindex()))
        default:
            defer { lua.pop(1) }
            guard let value = lua.number(-1), value.isFinite, value > 0 else {
                throw SweepSpecError("\(field): expected a number > 0 (the relative length of the stage's jobs, e.g. its epochs) or a function(params) returning one, got \(lua.describe(-1))")
            }
            return .constant(value)
        }
    }

    /// Each costed job's relative length: the stage's number, or its function called with a
    /// table of the job's parameters.
    static func evaluate(_ costs: [(stage: String, cost: Cost, field: String)], plan: SweepPlan, lua: Lua) throws -> [String: Double] {
        var result: [String: Double] = [:]
        for (stage, cost, field) in costs {
            guard let index = plan.stages.firstIndex(where: { $0.name == stage }) else { continue }
            for job in plan.jobs[index] {
                switch cost {
                case .constant(let value):
                    result[job.id] = value
                case .function(let reference):
                    lua_rawgeti(lua.state, plua_registryindex(), lua_Integer(reference))
                    lua.newTable(fieldCapacity: job.parameters.count)
                    for (key, value) in job.parameters { SweepRows.push(lua, value); lua.rawSet(-2, key) }
                    do {
                        try lua.protectedCall(arguments: 1, results: 1, traceback: false)
                    } catch let error as LuaCallError {
                        throw SweepSpecError("\(field): for job \(job.id): \(error.message)")
                    }
                    defer { lua.pop(1) }
                    guard let value = lua.number(-1), value.isFinite, value > 0 else {
                        throw SweepSpecError("\(field): for job \(job.id): expected the function to return a number > 0, got \(lua.describe(-1))")
                    }
                    result[job.id] = value
                }
            }
        }
        return result
    }

    /// The list of names in `field` of the table at `index` (nil when absent).
    static func names(_ lua: Lua, field: String, of index: Int32, what: String, prefix: String) throws -> [String]? {
        defer { lua.pop(1) }
        guard lua.rawGet(index, field) != .nil else { return nil }
        let problem = "\(prefix).\(field): expected a list of names of \(what) {\"a\", \"b\", ...}"
        guard lua.type(-1) == .table else { throw SweepSpecError("\(problem), got \(lua.describe(-1))") }
        var names: [String] = []
        for i in stride(from: 1, through: lua.rawLength(-1), by: 1) {
            lua.rawGet(-1, i)
            defer { lua.pop(1) }
            guard lua.type(-1) == .string, let name = lua.string(-1) else { throw SweepSpecError("\(problem), but entry \(i) is \(lua.describe(-1))") }
            names.append(name)
        }
        return names
    }

    static func scalar(_ lua: Lua, _ index: Int32) -> JSON? {
        switch lua.type(index) {
        case .number:
            if lua.isInteger(index), let i = lua.integer(index) { return .integer(i) }
            return lua.number(index).flatMap { $0.isFinite ? JSON.number($0) : nil }
        case .string: return lua.string(index).map(JSON.string)
        case .boolean: return lua.boolean(index).map(JSON.bool)
        default: return nil
        }
    }

    /// Runs `run(job)` for `job` and returns its results as a JSON object (keys sorted). The
    /// job table has the parameters as fields, `id`, `stage`, `dir` (the job's directory),
    /// `params` (the parameters alone), `inputs` (stage → directory of the job read) and
    /// `job:input(stage)`. A Lua error comes back as ``LuaCallError`` with a traceback.
    public func run(_ job: SweepJob, store: SweepStore) throws -> JSON {
        guard let reference = runReferences[job.stage] else { throw SweepSpecError("no stage '\(job.stage)' in \(path)") }
        let lua = runtime.lua
        lua.setTop(0)
        lua_rawgeti(runtime.state, plua_registryindex(), lua_Integer(reference))
        pushJob(job, store: store)
        try lua.protectedCall(arguments: 1, results: 1, traceback: true)
        defer { lua.setTop(0) }
        guard lua.type(-1) == .table else {
            throw SweepSpecError("run(job) for job \(job.id) returned \(lua.describe(-1)); expected a table of results {name = number or string, ...}")
        }
        var pairs: [(key: String, value: JSON)] = []
        var problem: String?
        lua.forEachEntry(-1) { key, value in
            guard problem == nil else { return }
            guard let name = lua.string(key) else { problem = "expected result names (strings) as keys, got \(lua.describe(key))"; return }
            if job.parameters.contains(where: { $0.key == name }) || ["id", "stage", "seconds"].contains(name) {
                problem = "result '\(name)' has the name of a parameter or of a row field (id, stage, seconds); rename it"
                return
            }
            // NaN and infinities (a diverged loss) are kept as the strings "nan", "inf", "-inf":
            // JSON has no such numbers, and the summary leaves them out of its statistics.
            if let d = lua.number(value), !d.isFinite {
                pairs.append((name, .string(d.isNaN ? "nan" : d > 0 ? "inf" : "-inf")))
                return
            }
            guard let v = SweepSpecFile.scalar(lua, value) else {
                problem = "result '\(name)': expected a number, a string or a boolean, got \(lua.describe(value))"
                return
            }
            pairs.append((name, v))
        }
        if let problem { throw SweepSpecError("run(job) for job \(job.id): \(problem)") }
        pairs.sort { $0.key < $1.key }
        return .object(pairs)
    }

    private func pushJob(_ job: SweepJob, store: SweepStore) {
        let lua = runtime.lua
        lua.newTable(fieldCapacity: job.parameters.count + 6)
        let table = lua.top
        lua.newTable(fieldCapacity: job.parameters.count)
        for (key, value) in job.parameters {
            SweepRows.push(lua, value); lua.rawSet(table, key)
            SweepRows.push(lua, value); lua.rawSet(-2, key)
        }
        lua.rawSet(table, "params")
        lua.push(job.id); lua.rawSet(table, "id")
        lua.push(job.stage); lua.rawSet(table, "stage")
        lua.push(store.jobDirectory(job.id)); lua.rawSet(table, "dir")
        lua.newTable(fieldCapacity: job.inputs.count)
        for input in job.inputs {
            lua.push(store.jobDirectory(input.id)); lua.rawSet(-2, input.stage)
        }
        lua.rawSet(table, "inputs")
        let stages = job.inputs.map(\.stage)
        lua.push(function: "job:input") { lua in
            try lua.checkTable(1, "job")
            let name = try lua.checkString(2, "stage")
            lua.rawGet(1, "inputs")
            guard lua.type(-1) == .table, lua.rawGet(-1, name) == .string else {
                throw lua.error("argument 2 (stage): expected the name of an earlier stage this job reads (\(stages.isEmpty ? "none" : stages.joined(separator: ", "))), got '\(name)'")
            }
            return 1
        }
        lua.rawSet(table, "input")
    }
}

/// A problem with a sweep spec or a job's results, in one line naming the file or job.
public struct SweepSpecError: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
