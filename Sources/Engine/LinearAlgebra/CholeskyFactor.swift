import CBLAS

/// The Cholesky factorisation of a symmetric positive definite matrix, A = L·Lᵀ (LAPACK's
/// `dpotrf`, lower triangle), and the triangular solves (`dtrsm`) that whiten with it:
/// L⁻¹·A·L⁻ᵀ = I, so L⁻¹ is a whitening transform of A.
public struct CholeskyFactor: Sendable {
    /// L, in the lower triangle (the strict upper triangle holds what A held there).
    public let lower: Matrix

    /// Factors the symmetric matrix `a` (only its lower triangle is read). Nil when `a` is not
    /// numerically positive definite (a pivot that is not positive).
    public init?(_ a: consuming Matrix) throws {
        guard a.rows == a.columns else {
            throw EngineError.invalid("Cholesky factorisation", expected: "a square matrix", given: "\(a.rows)×\(a.columns)")
        }
        var n = try LAPACK.int(a.rows, "dpotrf")
        var lda = max(n, 1)
        var info: Int32 = 0
        var elements = a.elements
        a = Matrix(rows: 0, columns: 0)   // drop the second reference, so `elements` is not copied
        if n > 0 { dpotrf_("L", &n, &elements, &lda, &info, 1) }
        if info > 0 { return nil }
        try LAPACK.check(info, "dpotrf", "the factorisation failed")
        lower = try Matrix(rows: Int(n), columns: Int(n), columnMajor: elements)
    }

    /// L⁻¹·B (B has as many rows as L).
    public func solvingLeft(_ b: consuming Matrix) throws -> Matrix {
        guard b.rows == lower.rows else {
            throw EngineError.invalid("triangular solve", expected: "\(lower.rows) rows", given: "\(b.rows)×\(b.columns)")
        }
        return try solving(b, side: CblasLeft, transpose: CblasNoTrans)
    }

    /// B·L⁻ᵀ (B has as many columns as L).
    public func solvingRightTransposed(_ b: consuming Matrix) throws -> Matrix {
        guard b.columns == lower.rows else {
            throw EngineError.invalid("triangular solve", expected: "\(lower.rows) columns", given: "\(b.rows)×\(b.columns)")
        }
        return try solving(b, side: CblasRight, transpose: CblasTrans)
    }

    /// op(L)⁻¹·B or B·op(L)⁻¹ (`dtrsm`), B's shape already checked.
    private func solving(_ b: consuming Matrix, side: CBLAS_SIDE, transpose: CBLAS_TRANSPOSE) throws -> Matrix {
        var x = b
        let (m, n, ld) = (try LAPACK.int(x.rows, "dtrsm"), try LAPACK.int(x.columns, "dtrsm"), try LAPACK.int(lower.rows, "dtrsm"))
        if m > 0 && n > 0 {
            lower.elements.withUnsafeBufferPointer { l in
                x.elements.withUnsafeMutableBufferPointer { p in
                    cblas_dtrsm(CblasColMajor, side, CblasLower, transpose, CblasNonUnit, m, n, 1, l.baseAddress, ld, p.baseAddress, m)
                }
            }
        }
        return x
    }
}
