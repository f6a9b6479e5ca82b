/// The rows of a sweep and their summary over seeds.
///
/// ``rows(_:plan:stage:)`` reads every finished job (parameters and results, one row each, in
/// grid order; a job that is not finished has no row, and no job has two). ``summary`` groups
/// the rows of each stage by all parameters but the repeat axis (`seed`) and gives, for every
/// numeric result, its mean, sample standard deviation, the half-width of its 95% Student-t
/// confidence interval and n.
public enum SweepCollection {
    /// One finished job: its stage, id, parameters and results.
    public struct Row: Sendable {
        public let stage: String
        public let id: String
        public let parameters: [(key: String, value: JSON)]
        public let results: [(key: String, value: JSON)]
        public let seconds: Double?
    }

    /// The finished jobs of `plan` in `store` (of one stage, or all), in plan order.
    public static func rows(_ store: SweepStore, plan: SweepPlan, stage: String? = nil) throws -> [Row] {
        if let stage, !plan.stages.contains(where: { $0.name == stage }) {
            throw EngineError("stage: expected one of \(plan.stages.map(\.name).joined(separator: ", ")), got '\(stage)'")
        }
        var rows: [Row] = []
        for job in plan.allJobs where stage == nil || job.stage == stage {
            guard let record = try store.result(job.id) else { continue }
            guard case .object(let results)? = record["results"] else {
                throw EngineError.file(store.resultPath(job.id), "expected an object 'results'")
            }
            var seconds: Double?
            switch record["seconds"] {
            case .number(let s)?: seconds = s
            case .integer(let s)?: seconds = Double(s)
            default: seconds = nil
            }
            rows.append(Row(stage: job.stage, id: job.id, parameters: job.parameters, results: results, seconds: seconds))
        }
        return rows
    }

    /// The summary table: one row per stage and combination of the parameters other than
    /// `over`, with columns `stage` (when there are several stages), those parameters, then
    /// `<result>_mean`, `<result>_std`, `<result>_ci95`, `<result>_n` for each numeric result.
    /// Stages whose parameters do not include `over` summarise single jobs (n = 1).
    public static func summary(_ rows: [Row], plan: SweepPlan, over: String = "seed", title: String? = nil) throws -> Table {
        let multiStage = Set(rows.map(\.stage)).count > 1
        // Parameters used by any row, other than `over`, in grid order.
        let used = plan.grid.names.filter { name in name != over && rows.contains { $0.parameters.contains { $0.key == name } } }
        var metrics: [String] = []
        for row in rows {
            for (key, value) in row.results where !metrics.contains(key) {
                if numeric(value) != nil { metrics.append(key) }
            }
        }
        struct Group { var stage: String; var key: [JSON?]; var values: [String: [Double]] }
        var groups: [Group] = []
        var index: [String: Int] = [:]
        for row in rows {
            let key = used.map { name in row.parameters.first { $0.key == name }?.value }
            let signature = row.stage + "\u{1}" + key.map { $0?.text ?? "-" }.joined(separator: "\u{1}")
            let g: Int
            if let found = index[signature] { g = found } else {
                g = groups.count
                index[signature] = g
                groups.append(Group(stage: row.stage, key: key, values: [:]))
            }
            for (name, value) in row.results {
                if let v = numeric(value) { groups[g].values[name, default: []].append(v) }
            }
        }
        var columns = multiStage ? ["stage"] : []
        columns += used
        for m in metrics { columns += ["\(m)_mean", "\(m)_std", "\(m)_ci95", "\(m)_n"] }
        let tableRows: [[TableCell]] = groups.map { group in
            var cells: [TableCell] = multiStage ? [.string(group.stage)] : []
            cells += group.key.map { $0.map(cell) ?? .missing }
            for m in metrics {
                let values = group.values[m] ?? []
                if values.isEmpty { cells += [.missing, .missing, .missing, .integer(0)]; continue }
                let s = SampleSummary(values)
                cells += [number(s.mean), number(s.standardDeviation), number(s.halfWidth), .integer(s.n)]
            }
            return cells
        }
        return try Table(columns: columns, rows: tableRows, title: title)
    }

    static func numeric(_ value: JSON) -> Double? {
        switch value {
        case .integer(let i): return Double(i)
        case .number(let d): return d
        default: return nil
        }
    }

    /// A statistic's cell: missing when undefined (std and CI of a single value).
    static func number(_ d: Double) -> TableCell { d.isFinite ? .number(d) : .missing }

    static func cell(_ value: JSON) -> TableCell {
        switch value {
        case .integer(let i): return .integer(i)
        case .number(let d): return .number(d)
        case .string(let s): return .string(s)
        case .bool(let b): return .boolean(b)
        default: return .string(value.text)
        }
    }
}
