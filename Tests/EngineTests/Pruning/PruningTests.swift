import Testing
@testable import Engine

/// Pruning: the rounding rule, exact selection against a sorting reference, masks with
/// momentum, reinitialisation order, datapoint sampling.
@Suite(.serialized) struct PruningTests {
    static func mlp(seed: UInt64) throws -> Model {
        try Model.mlp(input: [12], hidden: [9, 7], classes: 3, seed: seed)
    }

    /// The k entries a sort by (|w| with masked first, then position) would prune.
    static func referenceSelection(_ values: [Float], masked: Set<Int>, k: Int) -> Set<Int> {
        let order = values.indices.sorted { a, b in
            let ka = masked.contains(a) ? -1 : Double(abs(values[a])), kb = masked.contains(b) ? -1 : Double(abs(values[b]))
            return ka != kb ? ka < kb : a < b
        }
        return Set(order.prefix(k))
    }

    @Test func roundingRuleIsHalfAwayFromZero() throws {
        #expect(try PruningTarget(0.5).zeros(of: 5) == 3)
        #expect(try PruningTarget(0.25).zeros(of: 6) == 2)
        #expect(try PruningTarget(0.125).zeros(of: 20) == 3)
        #expect(try PruningTarget(0.9).zeros(of: 1_204_224) == 1_083_802)
        #expect(try PruningTarget(0).zeros(of: 10) == 0)
        #expect(try PruningTarget(0.999).zeros(of: 10) == 10)
        for bad in [1, 1.5, -0.01, .nan, .infinity] {
            #expect(throws: EngineError.self) { try PruningTarget(bad) }
        }
    }

    @Test func selectionMatchesASortWithTiesAndMasks() throws {
        var rng = RandomGenerator(seed: 11)
        for trial in 0..<40 {
            let n = 1 + rng.nextInt(below: 300)
            // Few distinct magnitudes of both signs, so ties are everywhere; some exact zeros.
            let values: [Float] = (0..<n).map { _ in Float(rng.nextInt(below: 7) - 3) * (trial % 2 == 0 ? 0.25 : 1e-30) }
            let masked = Set((0..<n).filter { _ in rng.nextInt(below: 5) == 0 })
            let k = max(masked.count, rng.nextInt(below: n + 1))
            let w = try Tensor(shape: [n], values: values)
            let mask = try Tensor(shape: [n], values: (0..<n).map { masked.contains($0) ? Float(0) : 1 })
            let out = try Tensor(shape: [n], dtype: .float32, zeroed: true)
            let segment = PruningSegment(values: w.mutablePointer(as: Float.self), mask: mask.mutablePointer(as: Float.self),
                                         newMask: out.mutablePointer(as: Float.self), count: n)
            try MagnitudeSelection.prune([segment], k: k, names: ["w"])
            let got = Set(out.scalars(as: Float.self).indices.filter { out.scalars(as: Float.self)[$0] == 0 })
            #expect(got == Self.referenceSelection(values, masked: masked, k: k), "trial \(trial): n \(n), k \(k)")
        }
    }

    @Test func globalSelectionSpansTensorsInOrder() throws {
        // Two tensors with equal magnitudes: ties go to the first tensor first.
        let a = try Tensor(shape: [4], values: [Float](arrayLiteral: 1, 3, 2, 1))
        let b = try Tensor(shape: [3], values: [Float](arrayLiteral: -1, 0.5, 2))
        let oa = try Tensor(shape: [4], dtype: .float32, zeroed: true), ob = try Tensor(shape: [3], dtype: .float32, zeroed: true)
        try MagnitudeSelection.prune([
            PruningSegment(values: a.mutablePointer(as: Float.self), mask: nil, newMask: oa.mutablePointer(as: Float.self), count: 4),
            PruningSegment(values: b.mutablePointer(as: Float.self), mask: nil, newMask: ob.mutablePointer(as: Float.self), count: 3),
        ], k: 3, names: ["a", "b"])
        // Sorted: 0.5 (b1), then the 1s: a0, a3, b0 → k = 3 takes b1, a0, a3.
        #expect(oa.scalars(as: Float.self) == [0, 1, 1, 0])
        #expect(ob.scalars(as: Float.self) == [1, 0, 1])
    }

    @Test func layerScopeCountsAndNeverUnprunes() throws {
        let m = try Self.mlp(seed: 1)
        try m.pruneByMagnitude(to: try PruningTarget(0.5))
        let counts = m.sparsityReport.rows.map(\.zeros)
        #expect(counts == [54, 32, 0])  // round(0.5·108), round(0.5·63), classifier dense
        let first = try m.masks
        try m.pruneRandomly(to: try PruningTarget(0.75), seed: 3)
        #expect(m.sparsityReport.rows.map(\.zeros) == [81, 47, 0])  // round(81), round(47.25)
        for ((_, old), (_, new)) in zip(first, try m.masks) {
            let o = old.scalars(as: Float.self), n = new.scalars(as: Float.self)
            #expect(zip(o, n).allSatisfy { $0 == 1 || $1 == 0 })
        }
    }

    @Test func masksHoldWithMomentumAndWeightDecay() throws {
        let m = try Self.mlp(seed: 2)
        try m.pruneByMagnitude(to: try PruningTarget(0.6), selection: PrunableSelection(skipLast: false))
        let opt = try SGD(model: m, learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01)
        let x = try Tensor.randn([8, 12], seed: 5)
        for _ in 0..<5 {
            _ = try m.forward(x)
            m.zeroGradients()
            try m.backward(try Tensor.ones([8, 3]))
            try opt.step()
        }
        for (k, (name, p)) in m.parameters.enumerated() {
            guard let mask = p.mask?.scalars(as: Float.self) else { continue }
            let w = p.value.scalars(as: Float.self)
            let v = try #require(opt.velocity(at: k)).scalars(as: Float.self)
            for i in mask.indices where mask[i] == 0 {
                #expect(w[i] == 0 && v[i] == 0, "\(name)[\(i)]")
            }
        }
    }

    @Test func reinitialisationFollowsTheBuildersOrder() throws {
        let fresh = try Model.resnet(depth: 18, input: [3, 8, 8], classes: 5, width: 0.125, seed: 9)
        let other = try Model.resnet(depth: 18, input: [3, 8, 8], classes: 5, width: 0.125, seed: 1)
        try other.reinitialize(seed: 9)
        for ((name, p), (_, q)) in zip(fresh.parameters, other.parameters) {
            #expect(p.value.scalars(as: Float.self) == q.value.scalars(as: Float.self), "\(name)")
        }
        let he = try Model.convnet(input: [1, 28, 28], classes: 10, seed: 1, initializer: .he)
        #expect(he.initializationScheme == .he)
        #expect(try Model.convnet(input: [1, 28, 28], classes: 10, seed: 1).initializationScheme == .pytorch)
    }

    @Test func datapointSamplerIsStratifiedAndExact() throws {
        let s = DatapointSampler(total: 1000, keep: 37, seed: 4)
        #expect(s.selected.count == 37)
        for (i, g) in s.selected.enumerated() {
            #expect(g >= i * 1000 / 37 && g < (i + 1) * 1000 / 37)
        }
        // Batches partition the kept columns.
        var seen: [Int] = []
        for start in stride(from: 0, to: 1000, by: 64) { seen += s.columns(in: start..<min(1000, start + 64)) }
        #expect(seen == s.selected)
        #expect(DatapointSampler(total: 10, keep: 20, seed: 1).selected == Array(0..<10))
        #expect(DatapointSampler(total: 1000, keep: 37, seed: 4).selected == s.selected)
        #expect(DatapointSampler(total: 1000, keep: 37, seed: 5).selected != s.selected)
    }
}
