import Testing
@testable import Engine

/// The accumulator gives the full-matrix answers, whatever the batching.
@Suite struct SimilarityStreamingTests {
    typealias F = SimilarityFixtures

    func batches(_ x: Tensor, _ y: Tensor, sizes: [Int]) throws -> CovarianceAccumulator {
        let acc = CovarianceAccumulator()
        var start = 0
        for size in sizes {
            try acc.add(LayerActivations(x.narrowed(1, start: start, length: size), name: "x"),
                        LayerActivations(y.narrowed(1, start: start, length: size), name: "y"))
            start += size
        }
        #expect(start == x.shape[1])
        return acc
    }

    @Test func streamingEqualsFullMatrixForEveryStreamableMeasure() throws {
        let z = F.normals(5, 3000, seed: 41)
        var x = try Matrix.product(F.normals(12, 5, seed: 42), z)
        var y = try Matrix.product(F.normals(9, 5, seed: 43), z)
        let nx = F.normals(12, 3000, seed: 44), ny = F.normals(9, 3000, seed: 45)
        for i in x.elements.indices { x.elements[i] += 0.5 * nx.elements[i] }
        for i in y.elements.indices { y.elements[i] += 0.8 * ny.elements[i] }
        // Large, different offsets: raw sums of squares would lose most digits here.
        x = F.shifted(x, by: (0..<12).map { 1e4 + Double($0) })
        y = F.shifted(y, by: (0..<9).map { -5e3 * Double($0) })
        let xt = try F.tensor(x), yt = try F.tensor(y)
        let acc = try batches(xt, yt, sizes: [1, 7, 500, 1, 1491, 1000])
        #expect(acc.count == 3000 && acc.batches == 6)
        for measure in F.streamingMeasures {
            let full = try measure.compute(F.layer(xt, "x"), F.layer(yt, "y"))
            let streamed = try measure.compute(from: acc)
            #expect(abs(full.value - streamed.value) < 1e-9, "\(measure.name): full \(full.value), streamed \(streamed.value)")
            #expect(full.k1 == streamed.k1 && full.k2 == streamed.k2)
            if let a = full.rho, let b = streamed.rho {
                #expect(a.count == b.count)
                for (p, q) in zip(a, b) { #expect(abs(p - q) < 1e-9) }
            }
            if let a = full.weights, let b = streamed.weights {
                for (p, q) in zip(a, b) { #expect(abs(p - q) < 1e-9) }
            }
        }
    }

    @Test func streamedStatisticsMatchTheTwoPassOnes() throws {
        let x = F.shifted(F.normals(3, 1000, seed: 46), by: [1e6, -2, 0])
        let y = F.normals(2, 1000, seed: 47)
        let full = try JointStatistics(F.layer(x, "x"), F.layer(y, "y"))
        let streamed = try batches(F.tensor(x), F.tensor(y), sizes: Array(repeating: 10, count: 100)).statistics()
        for (a, b) in zip(full.mean1 + full.mean2, streamed.mean1 + streamed.mean2) { #expect(abs(a - b) <= 1e-12 * max(1, abs(a))) }
        for (a, b) in zip(full.covarianceXX.elements + full.covarianceYY.elements + full.covarianceXY.elements,
                          streamed.covarianceXX.elements + streamed.covarianceYY.elements + streamed.covarianceXY.elements) {
            #expect(abs(a - b) < 1e-10)
        }
        #expect(abs(full.covarianceXX[0, 0] - 1) < 0.1)   // unit variance despite the 1e6 mean
        // The covariance is the textbook one: Σ (x − x̄)(y − ȳ) / (m − 1), checked on one entry.
        let mx = (0..<1000).reduce(0.0) { $0 + x[2, $1] } / 1000, my = (0..<1000).reduce(0.0) { $0 + y[1, $1] } / 1000
        let direct = (0..<1000).reduce(0.0) { $0 + (x[2, $1] - mx) * (y[1, $1] - my) } / 999
        #expect(abs(streamed.covarianceXY[2, 1] - direct) < 1e-12)
    }

    @Test func accumulatorRejectsInconsistentBatchesWithoutChangingState() throws {
        let acc = CovarianceAccumulator()
        #expect(throws: EngineError.self) { try acc.statistics() }
        try acc.add(F.layer(F.normals(3, 10, seed: 48), "x"), F.layer(F.normals(2, 10, seed: 49), "y"))
        let before = try acc.statistics()
        #expect(throws: EngineError.self) { try acc.add(F.layer(F.normals(4, 10, seed: 50), "x"), F.layer(F.normals(2, 10, seed: 51), "y")) }
        #expect(throws: EngineError.self) { try acc.add(F.layer(F.normals(3, 10, seed: 50), "x"), F.layer(F.normals(2, 11, seed: 51), "y")) }
        var bad = F.normals(3, 10, seed: 52)
        bad[1, 4] = .nan
        #expect(throws: EngineError.self) { try acc.add(F.layer(bad, "x"), F.layer(F.normals(2, 10, seed: 53), "y")) }
        let after = try acc.statistics()
        #expect(acc.count == 10 && acc.batches == 1)
        #expect(before.scatterXX == after.scatterXX && before.scatterXY == after.scatterXY && before.mean1 == after.mean1)
        // Few datapoints for the neurons: an error from the accumulator, not a NaN.
        let small = CovarianceAccumulator()
        try small.add(F.layer(F.normals(5, 3, seed: 54), "x"), F.layer(F.normals(2, 3, seed: 55), "y"))
        #expect(throws: EngineError.self) { try SimilarityMeasure.cca(epsilon: 1e-10).compute(from: small) }
        #expect(throws: EngineError.self) { try SimilarityMeasure.cka(.rbf(sigma: 1), debiased: false).compute(from: acc) }
    }
}

extension SimilarityStreamingTests {
    @Test func covarianceBlocksAndScatterBlocksDescribeTheSameStatistics() throws {
        let x = F.normals(4, 300, seed: 60), y = F.normals(3, 300, seed: 61)
        let s = try JointStatistics(F.layer(x, "x"), F.layer(y, "y"))
        let rebuilt = JointStatistics(count: s.count, mean1: s.mean1, mean2: s.mean2, sxx: s.sxx, syy: s.syy, sxy: s.sxy)
        for (a, b) in zip(s.scatterXX.elements + s.scatterXY.elements, rebuilt.scatterXX.elements + rebuilt.scatterXY.elements) {
            #expect(abs(a - b) <= 1e-12 * max(1, abs(a)))
        }
        for measure in F.streamingMeasures {
            #expect(abs(try measure.compute(from: s).value - measure.compute(from: rebuilt).value) < 1e-12, "\(measure.name)")
        }
    }
}
