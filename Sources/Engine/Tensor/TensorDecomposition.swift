/// Matrix decompositions of 2-D tensors through LAPACK (computed in float64, returned in the
/// tensor's type): the thin SVD and the symmetric eigendecomposition.
///
/// Sign convention: singular vectors and eigenvectors are unique only up to sign (LAPACK's
/// choice is not), so each returned column of U (for `svd`) or of the eigenvector matrix (for
/// `eigh`) is flipped, if needed, so that its entry of largest magnitude (the first such) is
/// positive; for `svd` the matching row of Vᵀ is flipped with it, so U·diag(S)·Vᵀ is unchanged.
extension Tensor {
    private func checkedMatrix(_ name: String) throws -> Matrix {
        guard rank == 2 else {
            throw EngineError.invalid(name, expected: "a 2-D tensor (a matrix)", given: "shape \(Shape.describe(shape))")
        }
        let rows = shape[0], columns = shape[1]
        let rowMajor = try withContiguousBuffer(as: Double.self) { Array($0) }
        guard rowMajor.allSatisfy({ $0.isFinite }) else {
            throw EngineError.invalid(name, expected: "finite values", given: "NaN or infinity")
        }
        var matrix = Matrix(rows: rows, columns: columns)
        for i in 0..<rows { for j in 0..<columns { matrix[i, j] = rowMajor[i * columns + j] } }
        return matrix
    }

    private func tensor(_ m: Matrix) throws -> Tensor {
        var rowMajor = [Double](repeating: 0, count: m.rows * m.columns)
        for i in 0..<m.rows { for j in 0..<m.columns { rowMajor[i * m.columns + j] = m[i, j] } }
        return try Tensor(shape: [m.rows, m.columns], values: rowMajor).converted(to: dtype)
    }

    /// The sign (±1) that makes column `j` of `m` have a positive largest-magnitude entry.
    private static func columnSign(_ m: Matrix, _ j: Int) -> Double {
        var best = 0.0
        for i in 0..<m.rows where abs(m[i, j]) > abs(best) { best = m[i, j] }
        return best < 0 ? -1 : 1
    }

    /// The thin singular value decomposition A = U·diag(S)·Vᵀ of an m×n matrix (`dgesdd`), as
    /// `numpy.linalg.svd(a, full_matrices=False)` and `torch.linalg.svd`: U is m×k, S the k
    /// singular values in descending order, Vᵀ is k×n, k = min(m, n). Signs as described above.
    public func singularValueDecomposition() throws -> (u: Tensor, s: Tensor, vt: Tensor) {
        let svd = try SingularValueDecomposition(checkedMatrix("svd"), vectors: true)
        guard var u = svd.u, var vt = svd.vt else {
            throw EngineError("svd: LAPACK returned no singular vectors", kind: .numerical)
        }
        for j in 0..<u.columns where Tensor.columnSign(u, j) < 0 {
            for i in 0..<u.rows { u[i, j] = -u[i, j] }
            for c in 0..<vt.columns { vt[j, c] = -vt[j, c] }
        }
        return (try tensor(u), try Tensor(shape: [svd.values.count], values: svd.values).converted(to: dtype), try tensor(vt))
    }

    /// The eigenvalues (ascending, as `numpy.linalg.eigh` and `torch.linalg.eigh`) and
    /// orthonormal eigenvectors (column i for value i) of a symmetric matrix (`dsyevd`; only the
    /// lower triangle is read). Signs as described above.
    public func symmetricEigendecomposition() throws -> (values: Tensor, vectors: Tensor) {
        let a = try checkedMatrix("eigh")
        guard a.rows == a.columns else {
            throw EngineError.invalid("eigh", expected: "a square matrix", given: "shape \(Shape.describe(shape))")
        }
        let eigen = try SymmetricEigen(a)
        let n = a.rows
        var vectors = Matrix(rows: n, columns: n)
        // SymmetricEigen sorts descending; reverse to ascending.
        for j in 0..<n {
            let source = n - 1 - j
            for i in 0..<n { vectors[i, j] = eigen.vectors[i, source] }
            if Tensor.columnSign(vectors, j) < 0 { for i in 0..<n { vectors[i, j] = -vectors[i, j] } }
        }
        return (try Tensor(shape: [n], values: Array(eigen.values.reversed())).converted(to: dtype), try tensor(vectors))
    }
}
