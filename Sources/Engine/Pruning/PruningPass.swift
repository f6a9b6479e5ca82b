/// The frame shared by magnitude and random pruning: resolve the selected tensors, group them
/// by scope, work out how many zeros each group must end with, let a chooser mark the new
/// masks, and install them.
///
/// Counts follow ``PruningTarget`` (round half away from zero). Weights that are already masked
/// out stay masked: a group's count is never lowered below what it already has, so pruning a
/// pruned model to a higher target only adds zeros (and to a lower one changes nothing).
enum PruningPass {
    /// Run in two phases so that an error (NaN weights) or Ctrl-C leaves the model as it was:
    /// `plan` looks at every group (and may throw) before `commit` writes any mask. With
    /// `inPlace`, a tensor that already has a mask gets its new mask written over the old one
    /// (no allocation; `commit` must read each entry before writing it); otherwise every
    /// selected tensor gets a fresh mask tensor, which `plan` may already fill.
    static func run<Plan>(_ model: Model, target: PruningTarget, scope: PruningScope, selection: PrunableSelection, inPlace: Bool,
                          plan: (_ segments: [PruningSegment], _ k: Int, _ names: [String]) throws -> Plan,
                          commit: (_ segments: [PruningSegment], _ plan: Plan) -> Void) throws {
        let chosen = try selection.resolve(in: model)
        let groups: [[(name: String, parameter: Parameter)]] = scope == .layer ? chosen.map { [$0] } : [chosen]
        var staged: [(segments: [PruningSegment], fresh: [Tensor?], parameters: [Parameter], plan: Plan)] = []
        for group in groups {
            try Cancellation.check()
            var fresh: [Tensor?] = []
            var segments: [PruningSegment] = []
            for (_, p) in group {
                let output: Tensor
                if inPlace, let existing = p.mask {
                    output = existing
                    fresh.append(nil)
                } else {
                    output = try Tensor(shape: p.value.shape, dtype: .float32, zeroed: false)
                    fresh.append(output)
                }
                segments.append(PruningSegment(values: p.value.mutablePointer(as: Float.self), mask: p.mask?.mutablePointer(as: Float.self),
                                               newMask: output.mutablePointer(as: Float.self), count: p.count))
            }
            let total = segments.reduce(0) { $0 + $1.count }
            let already = segments.reduce(0) { $0 + $1.maskedCount }
            let k = max(target.zeros(of: total), already)
            staged.append((segments, fresh, group.map(\.parameter), try plan(segments, k, group.map(\.name))))
        }
        for group in staged {
            commit(group.segments, group.plan)
            for (parameter, mask) in zip(group.parameters, group.fresh) {
                if let mask { try parameter.setMask(mask) } else { parameter.applyMask(to: parameter.value) }
            }
        }
    }
}

extension Model {
    /// Magnitude pruning (Han, Pool, Tran & Dally, "Learning both Weights and Connections for
    /// Efficient Neural Networks", NIPS 2015), layer by layer as Blakeney, Yan & Zong (2020,
    /// §4.1) do: each selected tensor of n weights ends with exactly `round(s·n)` zeros (see
    /// ``PruningTarget``), those of smallest |w|, ties broken by index
    /// (``MagnitudeSelection``). With ``PruningScope/global`` one ranking covers all selected
    /// weights (ties by layer order, then index). Already-pruned weights stay pruned, so
    /// pruning to a higher target adds to the mask. Installs a mask on every selected tensor;
    /// the final classifier stays dense unless `selection` says otherwise.
    public func pruneByMagnitude(to target: PruningTarget, scope: PruningScope = .layer,
                                 selection: PrunableSelection = PrunableSelection()) throws {
        try PruningPass.run(self, target: target, scope: scope, selection: selection, inPlace: true,
                            plan: { segments, k, names in try MagnitudeSelection.threshold(segments, k: k, names: names) },
                            commit: { segments, threshold in MagnitudeSelection.mark(segments, threshold) })
    }

    /// Random pruning: the same counts as ``pruneByMagnitude(to:scope:selection:)``, the new
    /// zeros drawn uniformly among the still-unmasked weights by a generator seeded with
    /// `seed` (Blakeney et al. 2020 §4.3, "random sparse initialization", applied to a fresh
    /// or re-initialised model). Sequential selection sampling (Knuth's Algorithm S) over the
    /// weights in order gives exactly the required count, one draw per candidate weight and no
    /// per-weight allocation. One generator serves all selected tensors in layer order, so the
    /// masks depend on the seed and the selection only.
    public func pruneRandomly(to target: PruningTarget, seed: UInt64, scope: PruningScope = .layer,
                              selection: PrunableSelection = PrunableSelection()) throws {
        var generator = RandomGenerator(seed: seed)
        try PruningPass.run(self, target: target, scope: scope, selection: selection, inPlace: false, plan: { segments, k, _ in
            let masked = segments.reduce(0) { $0 + $1.maskedCount }
            var candidates = segments.reduce(0) { $0 + $1.count } - masked
            var needed = k - masked
            for s in segments {
                for i in 0..<s.count {
                    if let m = s.mask, m[i] == 0 {
                        s.newMask[i] = 0
                        continue
                    }
                    let pick = needed > 0 && generator.nextInt(below: candidates) < needed
                    s.newMask[i] = pick ? 0 : 1
                    if pick { needed -= 1 }
                    candidates -= 1
                }
                try Cancellation.check()
            }
        }, commit: { _, _ in })
    }
}
