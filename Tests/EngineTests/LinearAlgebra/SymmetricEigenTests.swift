import Testing
@testable import Engine

/// The two symmetric eigendecompositions (`dsyevd` and the compact `dsyevr`) against known
/// spectra and each other.
@Suite struct SymmetricEigenTests {
    typealias F = SimilarityFixtures

    /// Q·diag(λ)·Qᵀ for a random orthogonal Q: the eigenvalues are known exactly.
    private func planted(_ lambda: [Double], seed: UInt64) throws -> Matrix {
        let n = lambda.count
        var q = try F.orthogonal(n, seed: seed)
        let qt = q.transposed
        for j in 0..<n { for i in 0..<n { q[i, j] *= lambda[j] } }
        return try Matrix.product(q, qt)
    }

    @Test(arguments: [false, true]) func recoversAPlantedSpectrum(compact: Bool) throws {
        let n = 60
        let lambda = (0..<n).map { 10 * Double(n - $0) / Double(n) }   // 10, 9.83, …, 0.17: distinct
        var generator = RandomGenerator(seed: 3)
        let a = try planted(lambda.shuffled(using: &generator), seed: 5)
        let e = compact ? try SymmetricEigen(compact: a) : try SymmetricEigen(a)
        #expect(e.values.count == n)
        for i in 0..<n { #expect(abs(e.values[i] - lambda[i]) < 1e-12, "λ\(i)") }   // descending
        // A·v = λ·v and VᵀV = I.
        let av = try Matrix.product(a, e.vectors)
        let vtv = try Matrix.product(e.vectors, e.vectors, transposeA: true)
        for j in 0..<n {
            for i in 0..<n {
                #expect(abs(av[i, j] - e.values[j] * e.vectors[i, j]) < 1e-11)
                #expect(abs(vtv[i, j] - (i == j ? 1 : 0)) < 1e-11)
            }
        }
    }

    @Test func compactAgreesWithDivideAndConquer() throws {
        // A rank-deficient covariance (40 neurons, 25 datapoints): 15 zero eigenvalues.
        let x = F.normals(40, 25, seed: 8)
        let a = try Matrix.product(x, x, transposeB: true)
        let d = try SymmetricEigen(a), r = try SymmetricEigen(compact: a)
        for i in 0..<40 { #expect(abs(d.values[i] - r.values[i]) < 1e-12 * d.values[0]) }
        for i in 25..<40 { #expect(abs(r.values[i]) < 1e-12 * r.values[0]) }
        // The leading directions agree up to sign.
        for j in 0..<25 {
            var dot = 0.0
            for i in 0..<40 { dot += d.vectors[i, j] * r.vectors[i, j] }
            #expect(abs(abs(dot) - 1) < 1e-9, "direction \(j)")
        }
    }

    @Test func emptyAndNonSquare() throws {
        #expect(try SymmetricEigen(compact: Matrix(rows: 0, columns: 0)).values.isEmpty)
        #expect(throws: EngineError.self) { try SymmetricEigen(compact: Matrix(rows: 2, columns: 3)) }
    }
}
