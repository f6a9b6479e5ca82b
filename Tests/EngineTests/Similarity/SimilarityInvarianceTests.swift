import Testing
@testable import Engine

/// Known answers that follow from the definitions: identity, invariances, symmetry.
@Suite struct SimilarityInvarianceTests {
    typealias F = SimilarityFixtures

    @Test func identicalLayersScoreOneUnderEveryMeasure() throws {
        let x = F.shifted(F.normals(8, 600, seed: 1), by: [1, -2, 3, 0, 0.5, 7, -1, 2])
        for measure in F.allMeasures {
            let r = try measure.compute(F.layer(x, "a"), F.layer(x, "b"))
            #expect(abs(r.value - 1) < 1e-8, "\(measure.name) gave \(r.value)")
        }
    }

    @Test func invertibleLinearMixScoresOneForCCAAndSVCCA() throws {
        // Y = M·X + c with M invertible: the same span, so every canonical correlation is 1.
        let x = F.normals(6, 500, seed: 2)
        let mix = F.normals(6, 6, seed: 3)
        let y = F.shifted(try Matrix.product(mix, x), by: [5, 4, 3, 2, 1, 0])
        // Without regularisation every coefficient is 1 to rounding; the default ε = 1e-10
        // (relative to the largest variance) shrinks them by O(ε / λmin), λmin the smallest
        // rescaled variance of the mixed layer (about 1e-4 here).
        let exact = try SimilarityMeasure.cca(epsilon: 0).compute(F.layer(x), F.layer(y, "b"))
        #expect(exact.rho?.count == 6)
        #expect(exact.rho?.allSatisfy { abs($0 - 1) < 1e-10 } == true)
        let cca = try SimilarityMeasure.cca(epsilon: 1e-10).compute(F.layer(x), F.layer(y, "b"))
        #expect(cca.rho?.allSatisfy { abs($0 - 1) < 1e-6 } == true)
        #expect(abs(cca.value - 1) < 1e-6)
        let svccaAll = try SimilarityMeasure.svcca(.dims(6), epsilon: 0).compute(F.layer(x), F.layer(y, "b"))
        #expect(abs(svccaAll.value - 1) < 1e-10)
        let svccaDefault = try SimilarityMeasure.svcca(.dims(6), epsilon: 1e-10).compute(F.layer(x), F.layer(y, "b"))
        #expect(abs(svccaDefault.value - 1) < 1e-6)
        // Low-rank layers (rank 3 in 8 and 10 neurons): SVCCA's 99% keeps the whole span.
        let z = F.shifted(F.normals(3, 500, seed: 4), by: [0, 0, 0])
        let a = try Matrix.product(F.normals(8, 3, seed: 5), z)
        let b = try Matrix.product(F.normals(10, 3, seed: 6), z)
        let svcca = try SimilarityMeasure.svcca(.variance(0.99), epsilon: 1e-10).compute(F.layer(a), F.layer(b, "b"))
        #expect(svcca.k1 == 3 && svcca.k2 == 3)
        #expect(abs(svcca.value - 1) < 1e-8)
    }

    @Test func orthogonalTransformAndIsotropicScaleScoreOneForCKA() throws {
        let x = F.normals(7, 400, seed: 7)
        var y = try Matrix.product(F.orthogonal(7, seed: 8), x)
        for i in y.elements.indices { y.elements[i] *= 3.7 }
        y = F.shifted(y, by: [1, 2, 3, 4, 5, 6, 7])
        for measure: SimilarityMeasure in [.cka(.linear, debiased: false), .cka(.linear, debiased: true),
                                           .cka(.rbf(sigma: 0.5), debiased: false), .cka(.rbf(sigma: 1), debiased: true)] {
            let r = try measure.compute(F.layer(x), F.layer(y, "b"))
            #expect(abs(r.value - 1) < 1e-9, "\(measure.name) gave \(r.value)")
        }
        // A non-orthogonal mix is not an invariance of CKA.
        let mixed = try Matrix.product(F.normals(7, 7, seed: 9), x)
        #expect(try SimilarityMeasure.cka(.linear, debiased: false).compute(F.layer(x), F.layer(mixed, "b")).value < 0.99)
    }

    @Test func ccaSVCCAAndCKAAreSymmetric() throws {
        let z = F.normals(4, 700, seed: 10)
        let x = F.shifted(try Matrix.product(F.normals(9, 4, seed: 11), z), by: [Double](repeating: 2, count: 9))
        var y = try Matrix.product(F.normals(6, 4, seed: 12), z)
        let noise = F.normals(6, 700, seed: 13)
        for i in y.elements.indices { y.elements[i] += 0.7 * noise.elements[i] }
        var xn = x
        let noise2 = F.normals(9, 700, seed: 14)
        for i in xn.elements.indices { xn.elements[i] += 0.4 * noise2.elements[i] }
        for measure in F.allMeasures {
            let ab = try measure.compute(F.layer(xn, "a"), F.layer(y, "b")).value
            let ba = try measure.compute(F.layer(y, "a"), F.layer(xn, "b")).value
            #expect(abs(ab - ba) < 1e-10, "\(measure.name): \(ab) vs \(ba)")
            #expect(ab > 0.2 && ab < 0.99, "\(measure.name) = \(ab) should be strictly between")
        }
    }

    @Test func oneNeuronCCAIsTheAbsoluteCorrelationAndCKAItsSquare() throws {
        var rng = RandomGenerator(seed: 15)
        let m = 300
        var x = Matrix(rows: 1, columns: m), y = Matrix(rows: 1, columns: m)
        for j in 0..<m {
            x[0, j] = rng.nextNormal() + 4
            y[0, j] = -0.6 * x[0, j] + rng.nextNormal()
        }
        let mx = x.elements.reduce(0, +) / Double(m), my = y.elements.reduce(0, +) / Double(m)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for j in 0..<m {
            sxy += (x[0, j] - mx) * (y[0, j] - my); sxx += (x[0, j] - mx) * (x[0, j] - mx); syy += (y[0, j] - my) * (y[0, j] - my)
        }
        let r = sxy / (sxx * syy).squareRoot()
        let cca = try SimilarityMeasure.cca(epsilon: 1e-10).compute(F.layer(x), F.layer(y, "b"))
        // ε regularisation shrinks ρ by a factor 1/(1 + ε) at most.
        #expect(abs(cca.value - abs(r)) < 1e-9)
        let cka = try SimilarityMeasure.cka(.linear, debiased: false).compute(F.layer(x), F.layer(y, "b"))
        #expect(abs(cka.value - r * r) < 1e-12)
    }
}
