import CBLAS

/// Eigendecomposition of a real symmetric matrix, A = V·diag(λ)·Vᵀ, by LAPACK's divide and
/// conquer routine `dsyevd`, or (``init(compact:)``) by its MRRR routine `dsyevr`.
public struct SymmetricEigen: Sendable {
    /// Eigenvalues in **descending** order.
    public let values: [Double]
    /// Orthonormal eigenvectors, column i for `values[i]`.
    public let vectors: Matrix

    /// Decomposes the symmetric matrix `a` (only its lower triangle is read). Pass a matrix
    /// nothing else holds (`consume m`) and its storage becomes the eigenvectors' (no copy).
    public init(_ a: consuming Matrix) throws {
        let n = try SymmetricEigen.order(of: a)
        if n == 0 {
            values = []
            vectors = Matrix(rows: 0, columns: 0)
            return
        }
        var work = a.elements
        a = Matrix(rows: 0, columns: 0)   // drop the second reference, so `work` is not copied
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
        (values, vectors) = try SymmetricEigen.descending(values: w, vectors: &work, order: n)
    }

    /// Decomposes `a` (lower triangle read) by LAPACK's MRRR routine `dsyevr` (Dhillon & Parlett
    /// 2004), which needs O(n) workspace where `dsyevd` needs 2n² doubles: about 2n² doubles in
    /// all (the destroyed copy of `a` and the eigenvectors) instead of 3n². For n = 1024 that
    /// is 17 MB instead of 25. It is a little slower (0.18 s vs 0.14 s at n = 1024 here) and
    /// its eigenvectors are orthogonal to ~1e-13 rather than ~1e-15; it serves SVCCA, whose
    /// streaming path must stay small (issue 3: a 1024-neuron pair in under 100 MB).
    public init(compact a: consuming Matrix) throws {
        let n = try SymmetricEigen.order(of: a)
        if n == 0 {
            values = []
            vectors = Matrix(rows: 0, columns: 0)
            return
        }
        var work = a.elements
        a = Matrix(rows: 0, columns: 0)
        var nn = try LAPACK.int(n, "dsyevr")
        var lda = nn, ldz = nn
        var w = [Double](repeating: 0, count: n)
        var z = [Double](repeating: 0, count: n * n)
        var support = [Int32](repeating: 0, count: 2 * n)
        var vl = 0.0, vu = 0.0, abstol = 0.0
        var il: Int32 = 1, iu = nn, found: Int32 = 0
        var info: Int32 = 0
        var lwork: Int32 = -1, liwork: Int32 = -1
        var queryWork = 0.0
        var queryIwork: Int32 = 0
        dsyevr_("V", "A", "L", &nn, &work, &lda, &vl, &vu, &il, &iu, &abstol, &found, &w, &z, &ldz, &support,
                &queryWork, &lwork, &queryIwork, &liwork, &info, 1, 1, 1)
        try LAPACK.check(info, "dsyevr", "workspace query failed")
        lwork = try LAPACK.int(LAPACK.workspace(queryWork, minimum: 26 * n), "dsyevr")
        liwork = max(queryIwork, try LAPACK.int(10 * n, "dsyevr"))
        var workspace = [Double](repeating: 0, count: Int(lwork))
        var iworkspace = [Int32](repeating: 0, count: Int(liwork))
        dsyevr_("V", "A", "L", &nn, &work, &lda, &vl, &vu, &il, &iu, &abstol, &found, &w, &z, &ldz, &support,
                &workspace, &lwork, &iworkspace, &liwork, &info, 1, 1, 1)
        try LAPACK.check(info, "dsyevr", "the eigenvalue computation failed")
        guard Int(found) == n else {
            throw EngineError("dsyevr: found \(found) of \(n) eigenvalues", kind: .numerical)
        }
        work = []
        (values, vectors) = try SymmetricEigen.descending(values: w, vectors: &z, order: n)
    }

    /// The order of the square matrix `a`, or an error naming what was given.
    private static func order(of a: borrowing Matrix) throws -> Int {
        guard a.rows == a.columns else {
            throw EngineError.invalid("symmetric eigendecomposition", expected: "a square matrix", given: "\(a.rows)×\(a.columns)")
        }
        return a.rows
    }

    /// LAPACK's ascending eigenpairs in descending order: values reversed, columns of the
    /// column-major n×n `vectors` reversed in place (the matrix shares their storage).
    private static func descending(values: [Double], vectors columns: inout [Double], order n: Int) throws -> ([Double], Matrix) {
        columns.withUnsafeMutableBufferPointer { p in
            for j in 0..<(n / 2) {
                let left = j * n, right = (n - 1 - j) * n
                for i in 0..<n { p.swapAt(left + i, right + i) }
            }
        }
        return (values.reversed(), try Matrix(rows: n, columns: n, columnMajor: columns))
    }
}
