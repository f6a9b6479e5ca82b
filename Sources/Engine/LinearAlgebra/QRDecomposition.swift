import CBLAS

/// Householder QR factorisation of a tall matrix, A = Q·R, by LAPACK's `dgeqrf` and `dorgqr`.
///
/// Orthonormalising the columns of A in order (Gram–Schmidt order): column i of Q spans the part
/// of column i of A that is orthogonal to the columns before it. Signs may differ from classical
/// Gram–Schmidt (R's diagonal may be negative).
public enum QRDecomposition {
    /// Replaces the columns of the column-major `rows`×`columns` matrix in `a` (leading dimension
    /// `rows`, rows ≥ columns) by Q's and returns R's diagonal.
    public static func orthonormalizeColumns(_ a: UnsafeMutablePointer<Double>, rows: Int, columns: Int) throws -> [Double] {
        guard rows >= columns else {
            throw EngineError.invalid("QR decomposition", expected: "at least as many rows as columns", given: "\(rows)×\(columns)")
        }
        if columns == 0 { return [] }
        var m = try LAPACK.int(rows, "dgeqrf"), n = try LAPACK.int(columns, "dgeqrf")
        var lda = m
        var tau = [Double](repeating: 0, count: columns)
        var info: Int32 = 0
        var lwork: Int32 = -1
        var query = 0.0
        dgeqrf_(&m, &n, a, &lda, &tau, &query, &lwork, &info)
        try LAPACK.check(info, "dgeqrf", "workspace query failed")
        var query2 = 0.0
        var k = n
        dorgqr_(&m, &n, &k, a, &lda, tau, &query2, &lwork, &info)
        try LAPACK.check(info, "dorgqr", "workspace query failed")
        lwork = try LAPACK.int(LAPACK.workspace(max(query, query2), minimum: columns), "dgeqrf")
        var workspace = [Double](repeating: 0, count: Int(lwork))
        dgeqrf_(&m, &n, a, &lda, &tau, &workspace, &lwork, &info)
        try LAPACK.check(info, "dgeqrf", "factorisation failed")
        let diagonal = (0..<columns).map { a[$0 * rows + $0] }
        dorgqr_(&m, &n, &k, a, &lda, tau, &workspace, &lwork, &info)
        try LAPACK.check(info, "dorgqr", "forming Q failed")
        return diagonal
    }
}
