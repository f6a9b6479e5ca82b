import CBLAS

/// Singular value decomposition A = U·diag(s)·Vᵀ by LAPACK's divide and conquer routine `dgesdd`.
public struct SingularValueDecomposition: Sendable {
    /// Singular values in descending order (min(rows, columns) of them).
    public let values: [Double]
    /// Left singular vectors (rows × min(rows, columns)); nil when only values were asked for.
    public let u: Matrix?
    /// Right singular vectors transposed (min(rows, columns) × columns); nil when only values
    /// were asked for.
    public let vt: Matrix?

    /// Decomposes `a`; `vectors` asks for the thin U and Vᵀ as well as the values.
    /// Pass a matrix nothing else holds (`consume m`) to let LAPACK work in its storage.
    public init(_ a: consuming Matrix, vectors: Bool) throws {
        let m = a.rows, n = a.columns, k = min(m, n)
        if k == 0 {
            values = []
            u = vectors ? Matrix(rows: m, columns: 0) : nil
            vt = vectors ? Matrix(rows: 0, columns: n) : nil
            return
        }
        var work = a.elements
        a = Matrix(rows: 0, columns: 0)   // drop the second reference, so `work` is not copied
        var s = [Double](repeating: 0, count: k)
        var mm = try LAPACK.int(m, "dgesdd"), nn = try LAPACK.int(n, "dgesdd")
        var lda = mm
        var uMatrix = vectors ? Matrix(rows: m, columns: k) : Matrix(rows: 1, columns: 1)
        var vtMatrix = vectors ? Matrix(rows: k, columns: n) : Matrix(rows: 1, columns: 1)
        var ldu: Int32 = vectors ? mm : 1
        var ldvt: Int32 = vectors ? try LAPACK.int(k, "dgesdd") : 1
        var iwork = [Int32](repeating: 0, count: 8 * k)
        var info: Int32 = 0
        var lwork: Int32 = -1
        var query = 0.0
        let jobz = vectors ? "S" : "N"
        dgesdd_(jobz, &mm, &nn, &work, &lda, &s, &uMatrix.elements, &ldu, &vtMatrix.elements, &ldvt,
                &query, &lwork, &iwork, &info, 1)
        try LAPACK.check(info, "dgesdd", "workspace query failed")
        let minimum = vectors ? 4 * k * k + 7 * k + max(m, n) : 3 * k + max(max(m, n), 7 * k)
        lwork = try LAPACK.int(LAPACK.workspace(query, minimum: minimum), "dgesdd")
        var workspace = [Double](repeating: 0, count: Int(lwork))
        dgesdd_(jobz, &mm, &nn, &work, &lda, &s, &uMatrix.elements, &ldu, &vtMatrix.elements, &ldvt,
                &workspace, &lwork, &iwork, &info, 1)
        try LAPACK.check(info, "dgesdd", "the singular value iteration did not converge")
        values = s
        u = vectors ? uMatrix : nil
        vt = vectors ? vtMatrix : nil
    }
}
