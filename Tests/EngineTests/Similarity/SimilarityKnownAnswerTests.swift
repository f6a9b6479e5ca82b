import Testing
@testable import Engine

/// Planted structure that the measures must recover, and degenerate inputs with a defined answer.
@Suite struct SimilarityKnownAnswerTests {
    typealias F = SimilarityFixtures

    @Test func plantedCanonicalCorrelationsAreRecovered() throws {
        // x_i = z_i, y_i = ρ_i z_i + √(1 − ρ_i²) e_i: the canonical correlations are exactly ρ
        // in the population; random invertible mixes on both sides do not change them.
        let planted = [0.95, 0.9, 0.8, 0.6, 0.4, 0.2]
        let m = 200_000, k = planted.count
        let z = F.normals(k, m, seed: 21), e = F.normals(k, m, seed: 22)
        var y0 = Matrix(rows: k, columns: m)
        for j in 0..<m { for i in 0..<k { y0[i, j] = planted[i] * z[i, j] + (1 - planted[i] * planted[i]).squareRoot() * e[i, j] } }
        let x = try Matrix.product(F.normals(k, k, seed: 23), z)
        let y = try Matrix.product(F.normals(k, k, seed: 24), y0)
        let r = try SimilarityMeasure.cca(epsilon: 1e-10).compute(F.layer(x), F.layer(y, "b"))
        let rho = try #require(r.rho)
        #expect(rho.count == k)
        for (got, want) in zip(rho, planted) { #expect(abs(got - want) < 5e-3, "ρ \(got) vs planted \(want)") }
        #expect(abs(r.value - planted.reduce(0, +) / Double(k)) < 5e-3)
        #expect(r.warnings.isEmpty)
        // SVCCA keeping every direction is the same CCA.
        let s = try SimilarityMeasure.svcca(.dims(k), epsilon: 1e-10).compute(F.layer(x), F.layer(y, "b"))
        #expect(abs(s.value - r.value) < 1e-9)
    }

    @Test func tooFewDatapointsForceCoefficientsOfOne() throws {
        // n1 + n2 = 20 > m − 1 = 14: at least 6 coefficients are exactly 1.
        let x = F.normals(10, 15, seed: 25), y = F.normals(10, 15, seed: 26)
        let r = try SimilarityMeasure.cca(epsilon: 1e-10).compute(F.layer(x), F.layer(y, "b"))
        let ones = try #require(r.rho).filter { abs($0 - 1) < 1e-6 }.count
        #expect(ones >= 6)
        #expect(r.warnings.count == 1)
        #expect(r.warnings.first?.contains("15 datapoints for 10 neurons") == true)
    }

    @Test func duplicatedNeuronsGiveTheAnswerWithoutTheDuplicate() throws {
        let x = F.normals(5, 800, seed: 27)
        var y = try Matrix.product(F.normals(7, 5, seed: 28), x)
        let noise = F.normals(7, 800, seed: 29)
        for i in y.elements.indices { y.elements[i] += noise.elements[i] }
        // xd = x with neuron 0 repeated as neuron 5 (exactly collinear).
        var xd = Matrix(rows: 6, columns: 800)
        for j in 0..<800 { for i in 0..<5 { xd[i, j] = x[i, j] }; xd[5, j] = x[0, j] }
        let plain = try SimilarityMeasure.cca(epsilon: 1e-10).compute(F.layer(x), F.layer(y, "b"))
        let dup = try SimilarityMeasure.cca(epsilon: 1e-10).compute(F.layer(xd), F.layer(y, "b"))
        let p = try #require(plain.rho), d = try #require(dup.rho)
        #expect(d.count == 6)
        for i in 0..<5 { #expect(abs(p[i] - d[i]) < 1e-6) }
        #expect(abs(d[5]) < 1e-4)   // the duplicate adds a direction with no correlation
        for measure in F.allMeasures {
            let r = try measure.compute(F.layer(xd), F.layer(y, "b"))
            #expect(r.value.isFinite && r.value > 0 && r.value <= 1 + 1e-12, "\(measure.name) gave \(r.value)")
        }
        // Against itself: the duplicate is a rank-deficient direction, which gets a ≈0
        // coefficient (SIMILARITY.md), so CCA is 5/6; SVCCA drops the zero-variance direction
        // and CKA does not see it.
        let selfCCA = try SimilarityMeasure.cca(epsilon: 1e-10).compute(F.layer(xd), F.layer(xd, "b"))
        let selfRho = try #require(selfCCA.rho)
        #expect(selfRho.prefix(5).allSatisfy { abs($0 - 1) < 1e-6 } && abs(selfRho[5]) < 1e-4)
        #expect(abs(selfCCA.value - 5.0 / 6) < 1e-4)
        for measure: SimilarityMeasure in [.svcca(.variance(0.99), epsilon: 1e-10), .cka(.linear, debiased: false), .cka(.rbf(sigma: 1), debiased: true)] {
            let same = try measure.compute(F.layer(xd), F.layer(xd, "b"))
            #expect(abs(same.value - 1) < 1e-6, "\(measure.name) gave \(same.value)")
        }
        // PWCCA: finite, and the same from the data (QR) and from the statistics (Cholesky).
        let full = try SimilarityMeasure.pwcca(epsilon: 1e-10).compute(F.layer(xd), F.layer(y, "b"))
        #expect(full.weightedSide == 1)
        let acc = CovarianceAccumulator()
        try acc.add(F.layer(xd), F.layer(y, "b"))
        let streamed = try SimilarityMeasure.pwcca(epsilon: 1e-10).compute(from: acc)
        #expect(abs(streamed.value - full.value) < 1e-8)
    }

    @Test func deadNeuronsAreDroppedByTheRelativeThreshold() throws {
        let x = F.normals(4, 500, seed: 30)
        let y = F.shifted(try Matrix.product(F.normals(4, 4, seed: 31), x), by: [0, 0, 0, 0])
        var xd = Matrix(rows: 5, columns: 500)
        for j in 0..<500 { for i in 0..<4 { xd[i + 1, j] = x[i, j] }; xd[0, j] = 3.25 }   // a dead (constant) neuron
        // The dead neuron is dropped, so the answer is exactly the one without it (and 1, up to
        // the ε regularisation, since y is an invertible mix of x).
        for measure: SimilarityMeasure in [.cca(epsilon: 1e-10), .pwcca(epsilon: 1e-10)] {
            let r = try measure.compute(F.layer(xd), F.layer(y, "b"))
            let without = try measure.compute(F.layer(x), F.layer(y, "b"))
            #expect(r.kept1 == 4 && r.kept2 == 4)
            #expect(abs(r.value - without.value) < 1e-12)
            #expect(abs(r.value - 1) < 1e-6)
        }
        // A whole dead layer keeps nothing: similarity 0, not NaN.
        let dead = Matrix(rows: 3, columns: 500)
        for measure in F.allMeasures where measure.family != "cka" || measure == .cka(.linear, debiased: false) {
            let z = try measure.compute(F.layer(dead), F.layer(y, "b"))
            #expect(z.value == 0, "\(measure.name) gave \(z.value)")
        }
    }

    @Test func svccaRulesPickTheDefinedK() throws {
        // Singular values 8, 4, 2, 1, 0.5: variance fractions .7507 .9384 .9853 .9971 1,
        // energy fractions .5161 .7742 .9032 .9677 1.
        let spectrum = [8.0, 4, 2, 1, 0.5]
        let x = try F.layer(singularValues: spectrum, datapoints: 400, seed: 32)
        let y = F.normals(3, 400, seed: 33)
        let cases: [(SVCCAReduction, Int)] = [
            (.variance(0.99), 4), (.variance(0.9), 2), (.variance(0.75), 1), (.variance(1), 5),
            (.energy(0.95), 4), (.energy(0.9), 3), (.energy(0.99), 5), (.energy(0.5), 1),
            (.dims(3), 3), (.dims(10), 5),
        ]
        for (rule, k) in cases {
            let r = try SimilarityMeasure.svcca(rule, epsilon: 1e-10).compute(F.layer(x), F.layer(y, "b"))
            #expect(r.k1 == k, "\(rule.description) chose \(r.k1 ?? -1), expected \(k)")
            #expect(r.rho?.count == min(k, r.k2 ?? 0))
        }
        // Exactly on the threshold: s² = (0.5, 0.3, 0.2) reaches 0.8 at k = 2.
        let boundary = try F.layer(singularValues: [Double(0.5).squareRoot(), Double(0.3).squareRoot(), Double(0.2).squareRoot()], datapoints: 50, seed: 34)
        let rb = try SimilarityMeasure.svcca(.variance(0.8), epsilon: 1e-10).compute(F.layer(boundary), F.layer(boundary, "b"))
        #expect(rb.k1 == 2)
        #expect(SVCCAReduction.variance(0.8).rank(eigenvalues: [0.5, 0.3, 0.2]) == 2)
        #expect(SVCCAReduction.energy(0.5).rank(eigenvalues: [4, 1, 1]) == 1)     // √: 2, 1, 1 → 0.5
        #expect(SVCCAReduction.variance(0.99).rank(eigenvalues: [0, 0]) == 0)
    }

    @Test func thresholdMeanFollowsTheReferenceRule() throws {
        let cca = try CanonicalCorrelation(sxx: .identity(4), syy: .identity(4), sxy: .diagonal([0.9, 0.5, 0.05, 0.01]), epsilon: 0)
        #expect(cca.rho == [0.9, 0.5, 0.05, 0.01])
        // Σ = 1.46; prefix sums .9, 1.4 (.959), 1.45 (.993 ≥ .98) → mean of the first 3.
        #expect(abs(cca.thresholdMean() - (0.9 + 0.5 + 0.05) / 3) < 1e-15)
        #expect(abs(cca.mean - 1.46 / 4) < 1e-15)
    }

    @Test func convolutionalLayoutsFlattenAndAverage() throws {
        // N=2, C=3, H=2, W=2 with value n·1000 + c·100 + h·10 + w.
        var values: [Double] = []
        for n in 0..<2 { for c in 0..<3 { for h in 0..<2 { for w in 0..<2 { values.append(Double(n * 1000 + c * 100 + h * 10 + w)) } } } }
        let t = try Tensor(shape: [2, 3, 2, 2], values: values)
        let flat = try LayerActivations(t, conv: .flatten, name: "a")
        #expect(flat.neurons == 3 && flat.datapoints == 8)
        var block = [Double](repeating: 0, count: 24)
        block.withUnsafeMutableBufferPointer { flat.readBlock(rows: nil, columns: 0..<8, subtracting: nil, into: $0.baseAddress!, ld: 8) }
        // Column (n·H + h)·W + w.
        for c in 0..<3 { for n in 0..<2 { for h in 0..<2 { for w in 0..<2 {
            #expect(block[c * 8 + (n * 2 + h) * 2 + w] == Double(n * 1000 + c * 100 + h * 10 + w))
        } } } }
        let mean = try LayerActivations(t, conv: .mean, name: "a")
        #expect(mean.neurons == 3 && mean.datapoints == 2)
        var means = [Double](repeating: 0, count: 6)
        means.withUnsafeMutableBufferPointer { mean.readBlock(rows: nil, columns: 0..<2, subtracting: nil, into: $0.baseAddress!, ld: 2) }
        for c in 0..<3 { for n in 0..<2 { #expect(means[c * 2 + n] == Double(n * 1000 + c * 100) + 5.5) } }
    }

    @Test func float32AndStridedInputsGiveTheFloat64Answer() throws {
        let x = F.normals(5, 300, seed: 35), y = F.normals(4, 300, seed: 36)
        let xt = try F.tensor(x), yt = try F.tensor(y)
        let reference = try SimilarityMeasure.cca(epsilon: 1e-10).compute(F.layer(xt), F.layer(yt, "b")).value
        // Datapoints-first storage, viewed transposed (strides [1, 5]).
        let xT = try xt.t().contiguous().t()
        #expect(xT.strides == [1, 5])
        let viaView = try SimilarityMeasure.cca(epsilon: 1e-10).compute(F.layer(xT), F.layer(yt, "b")).value
        #expect(abs(viaView - reference) < 1e-13)
        let x32 = try xt.converted(to: .float32), y32 = try yt.converted(to: .float32)
        let single = try SimilarityMeasure.cca(epsilon: 1e-10).compute(F.layer(x32), F.layer(y32, "b")).value
        #expect(abs(single - reference) < 1e-5)
    }

    /// CCA's two whitenings, Cholesky factors (coefficients only) and eigendecompositions (when
    /// the directions are asked for too, or ε is tiny), give the same coefficients: on a
    /// well-conditioned pair, with an exactly duplicated neuron, and with more neurons than
    /// datapoints; SVCCA's diagonal reduced layers keep the eigen route (no decomposition).
    @Test func choleskyAndEigenWhiteningGiveTheSameCoefficients() throws {
        let x = F.normals(40, 900, seed: 61)
        var y = try Matrix.product(F.normals(30, 40, seed: 62), x)
        let noise = F.normals(30, 900, seed: 63)
        for i in y.elements.indices { y.elements[i] += 2 * noise.elements[i] }
        var duplicated = x
        for j in 0..<900 { duplicated[7, j] = duplicated[3, j] }
        let few = F.normals(12, 15, seed: 64), fewY = F.normals(9, 15, seed: 65)
        for (a, b, tolerance) in [(x, y, 1e-12), (duplicated, y, 1e-6), (few, fewY, 1e-6)] {
            let s = try JointStatistics(F.layer(a), F.layer(b, "b"))
            let fast = try CanonicalCorrelation(s, epsilon: 1e-10)
            let eigen = try CanonicalCorrelation(s, epsilon: 1e-10, vectors: true)
            #expect(fast.route == .cholesky && eigen.route == .eigendecomposition)
            #expect(fast.rho.count == eigen.rho.count)
            for (p, q) in zip(fast.rho, eigen.rho) { #expect(abs(p - q) < tolerance, "ρ \(p) vs \(q)") }
        }
        let s = try JointStatistics(F.layer(x), F.layer(y, "b"))
        #expect(try CanonicalCorrelation(s, epsilon: 1e-15).route == .eigendecomposition)
        let diagonal = try CanonicalCorrelation(sxx: .diagonal([3, 2, 1]), syy: .diagonal([1, 1]), sxy: Matrix(rows: 3, columns: 2), epsilon: 1e-10)
        #expect(diagonal.route == .eigendecomposition && diagonal.rho == [0, 0])
    }

    /// Centred block reads hold exactly x − μ in both layouts (row-major and datapoints-first),
    /// and the row sums are the four-way interleaved sums the reader defines.
    @Test func blockReadsHoldTheCentredValuesInBothLayouts() throws {
        let (n, m) = (37, 4001)
        let x = F.normals(n, m, seed: 37)
        let rowMajor = try F.tensor(x)
        let columnMajor = try rowMajor.t().contiguous().t()
        #expect(columnMajor.strides == [1, n])
        let means = (0..<n).map { Double($0) - 10 }
        let columns = 3..<(m - 2)
        for tensor in [rowMajor, columnMajor] {
            let layer = try LayerActivations(tensor, name: "x")
            var block = [Double](repeating: .nan, count: n * columns.count)
            block.withUnsafeMutableBufferPointer {
                layer.readBlock(rows: nil, columns: columns, subtracting: means, into: $0.baseAddress!, ld: columns.count)
            }
            var exact = true
            for i in 0..<n { for (j, c) in columns.enumerated() where block[i * columns.count + j] != x[i, c] - means[i] { exact = false } }
            #expect(exact, "strides \(tensor.strides)")
            let sums = try layer.rowSums()
            for i in 0..<n {
                var s = [0.0, 0.0, 0.0, 0.0], j = 0
                if tensor.strides[1] == 1 { while j + 4 <= m { for l in 0..<4 { s[l] += x[i, j + l] }; j += 4 } }
                while j < m { s[0] += x[i, j]; j += 1 }
                #expect(sums[i] == (s[0] + s[1]) + (s[2] + s[3]), "row \(i), strides \(tensor.strides)")
            }
        }
    }

    @Test func diagonalBlockCCAEqualsTheDenseRouteBitForBit() throws {
        // SVCCA's reduced layers have diagonal covariance blocks; the diagonal entry point must
        // give exactly the numbers of the general one, including neurons dropped by ε.
        let vx = [4.0, 2.5, 1.0, 0.3, 0, 1e-13], vy = [3.0, 2.0, 0.5, 0.1, 0.02]
        var sxy = F.normals(vx.count, vy.count, seed: 31)
        for i in 0..<vx.count { for j in 0..<vy.count { sxy[i, j] *= 0.4 * (vx[i] * vy[j]).squareRoot() } }
        for epsilon in [1e-10, 1e-3] {
            let dense = try CanonicalCorrelation(sxx: .diagonal(vx), syy: .diagonal(vy), sxy: sxy, epsilon: epsilon)
            let diagonal = try CanonicalCorrelation(variancesX: vx, variancesY: vy, sxy: sxy, epsilon: epsilon)
            #expect(diagonal.rho == dense.rho)
            #expect(diagonal.kept1 == dense.kept1 && diagonal.kept2 == dense.kept2)
            #expect(diagonal.route == dense.route)
            #expect(diagonal.kept1 == [0, 1, 2, 3])   // the dead and the 1e-13 neuron are dropped
        }
        let none = try CanonicalCorrelation(variancesX: [0, 0], variancesY: [1], sxy: Matrix(rows: 2, columns: 1), epsilon: 1e-10)
        #expect(none.rho.isEmpty && none.route == nil)
        #expect(throws: EngineError.self) {
            try CanonicalCorrelation(variancesX: [1, 2], variancesY: [1], sxy: Matrix(rows: 1, columns: 1), epsilon: 1e-10)
        }
    }
}
