import CBLAS

/// Eigendecomposition of a real symmetric matrix, A = V·diag(λ)·Vᵀ, by LAPACK's divide and
/// conquer routine `dsyevd`.
public struct SymmetricEigen: Sendable {
    /// Eigenvalues in **descending** order.
    public let values: [Double]
    /// Orthonormal eigenvectors, column i for `values[i]`.
    public let vectors: Matrix

    /// Decomposes the symmetric matrix `a` (only its lower triangle is read).
    public init(_ a: Matrix) throws {
        guard a.rows == a.columns else {
            throw EngineError.invalid("symmetric eigendecomposition", expected: "a square matrix", given: "\(a.rows)×\(a.columns)")
        }
        let n = a.rows
        if n == 0 {
            values = []
            vectors = a
            return
        }
        var work = a.elements
        var w = [Double](repeating: 0, count: n)
        var nn = try LAPACK.int(n, "dsyevd")
        var lda = nn
        var info: Int32 = 0
        var lwork: Int32 = -1, liwork: Int32 = -1
        var queryWork = 0.0
        var queryIwork: Int32 = 0
        dsyevd_("V", "L", &nn, &work, &lda, &w, &queryWork, &lwork, &queryIwork, &liwork, &info, 1, 1)
        try LAPACK.check(info, "dsyevd", "workspace query failed")
        lwork = try LAPACK.int(LAPACK.workspace(queryWork, minimum: 1 + 6 * n + 2 * n * n), "dsyevd")
        liwork = max(queryIwork, try LAPACK.int(3 + 5 * n, "dsyevd"))
        var workspace = [Double](repeating: 0, count: Int(lwork))
        var iworkspace = [Int32](repeating: 0, count: Int(liwork))
        dsyevd_("V", "L", &nn, &work, &lda, &w, &workspace, &lwork, &iworkspace, &liwork, &info, 1, 1)
        try LAPACK.check(info, "dsyevd", "the eigenvalue iteration did not converge")
        // LAPACK returns ascending order; reverse values and columns.
        values = w.reversed()
        var v = Matrix(rows: n, columns: n)
        for j in 0..<n {
            let source = (n - 1 - j) * n
            v.elements.replaceSubrange((j * n)..<(j * n + n), with: work[source..<(source + n)])
        }
        vectors = v
    }
}
