/// How long a sweep's remaining jobs will take, estimated from the durations of finished jobs.
///
/// Jobs of one sweep can differ tenfold in length (the paper study's baseline trains for 10
/// epochs, a magnitude retraining for 3), so "elapsed time per finished job" is a poor guide.
/// A job's duration is estimated, in order of preference, as the median duration of the
/// finished jobs of its stage
/// 1. with the same parameters but the seed (another seed of the same configuration);
/// 2. with the same value of the one parameter that best explains the finished durations of
///    the stage: the one whose groups have the least spread (sum of squared deviations from
///    each group's mean), ties to the earlier grid key — so a Re-Init. job is estimated from
///    Re-Init. jobs at other sparsities, not from the shorter magnitude retrainings;
/// 3. of its stage;
///
/// and else as the median of every finished job.
///
/// When the spec gives jobs a relative length (a stage's `cost`, ``SweepPlan/costs``), every
/// rule works on seconds per unit of cost instead, and the estimate is that rate times the
/// job's cost: before any Re-Init. job of the paper study has finished, a 10-epoch one is
/// estimated as 10/3 of the 3-epoch magnitude retrainings, not as long as they are. Without
/// costs (all 1) the rules are as above.
///
/// The remaining wall time simulates the local backend's schedule: each job, in plan order,
/// starts on the first worker to be free once the jobs it reads are done.
public struct SweepEstimate: Sendable {
    /// Each finished job with its seconds per unit of cost.
    private var finished: [(job: SweepJob, rate: Double)] = []
    private var total = 0.0
    private let costs: [String: Double]

    /// An estimate for jobs of relative lengths `costs` (by job id; 1 for a job not in it).
    public init(costs: [String: Double] = [:]) {
        self.costs = costs
    }

    /// The relative length of `job`.
    public func cost(of job: SweepJob) -> Double { costs[job.id] ?? 1 }

    /// Records that `job` took `seconds` (ignored unless finite and ≥ 0).
    public mutating func record(_ job: SweepJob, seconds: Double) {
        guard seconds.isFinite, seconds >= 0 else { return }
        finished.append((job, seconds / cost(of: job)))
        total += seconds
    }

    /// The number of finished jobs recorded.
    public var count: Int { finished.count }

    /// The sum of the recorded durations.
    public var totalSeconds: Double { total }

    /// The estimated duration of `job`, or nil when no job has finished.
    public func seconds(for job: SweepJob) -> Double? {
        guard !finished.isEmpty else { return nil }
        return rate(for: job) * cost(of: job)
    }

    /// The estimated seconds per unit of cost of `job` (the rules above).
    private func rate(for job: SweepJob) -> Double {
        let stage = finished.filter { $0.job.stage == job.stage }
        guard !stage.isEmpty else { return SweepEstimate.median(finished.map(\.rate)) }
        let keys = job.parameters.map(\.key).filter { $0 != "seed" }
        let same = stage.filter { entry in keys.allSatisfy { entry.job.value($0) == job.value($0) } }
        if !same.isEmpty { return SweepEstimate.median(same.map(\.rate)) }
        var best: (spread: Double, rates: [Double])?
        for key in keys {
            let group = stage.filter { $0.job.value(key) == job.value(key) }.map(\.rate)
            guard !group.isEmpty else { continue }
            let spread = SweepEstimate.spread(of: stage, groupedBy: key)
            if best == nil || spread < best!.spread { best = (spread, group) }
        }
        return SweepEstimate.median(best?.rates ?? stage.map(\.rate))
    }

    /// The estimated time until every job of `pending` (in plan order) and `running` (with the
    /// seconds each has run) is done on `workers` workers; nil when no job has finished yet.
    /// Jobs reading a job in `failed`, or a job that cannot run, are left out (they will not run).
    public func remainingSeconds(pending: [SweepJob], running: [(job: SweepJob, elapsed: Double)], workers: Int, failed: Set<String> = []) -> Double? {
        guard !finished.isEmpty, workers > 0 else { return nil }
        var finish: [String: Double] = [:]   // when each job of this schedule ends, from now
        var free = [Double](repeating: 0, count: workers)
        for (index, entry) in running.enumerated() {
            let end = max((seconds(for: entry.job) ?? 0) - entry.elapsed, 0)
            finish[entry.job.id] = end
            if index < workers { free[index] = end }
        }
        let scheduled = Set(pending.map(\.id)).union(running.map(\.job.id))
        var blocked = failed
        for job in pending {
            if job.inputs.contains(where: { blocked.contains($0.id) }) {
                blocked.insert(job.id)
                continue
            }
            // An input not scheduled here is done already (start now); one scheduled, when it ends.
            let ready = job.inputs.reduce(0.0) { latest, input in
                scheduled.contains(input.id) ? max(latest, finish[input.id] ?? 0) : latest
            }
            let worker = free.indices.min { free[$0] < free[$1] }!
            let end = max(free[worker], ready) + (seconds(for: job) ?? 0)
            free[worker] = end
            finish[job.id] = end
        }
        return finish.values.max() ?? 0
    }

    /// The median of `values` (not empty): the middle one, or the mean of the middle two.
    public static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let n = sorted.count
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }

    /// Σ over the groups of `entries` by the value of `key` of the squared deviations of their
    /// rates (seconds per unit of cost) from the group mean.
    static func spread(of entries: [(job: SweepJob, rate: Double)], groupedBy key: String) -> Double {
        var groups: [String: [Double]] = [:]
        for entry in entries { groups[entry.job.value(key)?.text ?? "", default: []].append(entry.rate) }
        return groups.values.reduce(0) { sum, group in
            let mean = group.reduce(0, +) / Double(group.count)
            return sum + group.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        }
    }
}
