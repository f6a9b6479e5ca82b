import CBLAS

/// Matrix products through OpenBLAS (`cblas_?gemm`, `cblas_?gemv`, `cblas_?dot`), for both
/// element types, following NumPy's `matmul` rules:
///
/// - 2-D × 2-D: the matrix product (m×k)·(k×n) → m×n;
/// - 2-D × 1-D and 1-D × 2-D: matrix–vector products (the vector's dimension is dropped);
/// - 1-D × 1-D: the dot product, a 0-d tensor (float32 dots accumulate in Float64);
/// - more dimensions: a batch of matrices, batch dimensions broadcast NumPy-style.
///
/// Transposed views are handed to BLAS as transposed operands (`CblasTrans` with the view's
/// leading dimension) instead of being copied; only layouts BLAS cannot express (e.g. strided
/// or broadcast inner dimensions) are copied. Mixed element types promote to float64.
extension Tensor {
    /// The matrix product `self · other` (see above).
    public func matmul(_ other: Tensor) throws -> Tensor {
        guard rank >= 1, other.rank >= 1 else {
            throw EngineError.invalid("matmul", expected: "operands with at least 1 dimension", given: "shapes \(Shape.describe(shape)) and \(Shape.describe(other.shape))")
        }
        let dtype = DType.promoted(self.dtype, other.dtype)
        let a = try converted(to: dtype), b = try other.converted(to: dtype)
        let k = a.shape[a.rank - 1]
        let kb = b.rank == 1 ? b.shape[0] : b.shape[b.rank - 2]
        guard k == kb else {
            throw EngineError.invalid("matmul", expected: "inner sizes that agree", given: "shapes \(Shape.describe(shape)) and \(Shape.describe(other.shape)) (\(k) ≠ \(kb))")
        }
        if a.rank == 1 && b.rank == 1 { return try Tensor.dot(a, b) }
        if a.rank == 2 && b.rank == 1 { return try Tensor.matrixVector(a, b, transposed: false) }
        if a.rank == 1 && b.rank == 2 { return try Tensor.matrixVector(b, a, transposed: true) }
        return try Tensor.batchedProduct(a, b)
    }

    /// BLAS's view of a matrix: whether it is transposed and its leading dimension, or nil when
    /// its strides cannot be expressed (then the caller copies it).
    private static func blasLayout(rows r: Int, columns c: Int, strides s0: Int, _ s1: Int) -> (transposed: Bool, ld: Int)? {
        if (c == 1 || s1 == 1) && (r == 1 || s0 >= Swift.max(1, c)) {
            return (false, r == 1 ? Swift.max(1, c) : s0)
        }
        if (r == 1 || s0 == 1) && (c == 1 || s1 >= Swift.max(1, r)) {
            return (true, c == 1 ? Swift.max(1, r) : s1)
        }
        return nil
    }

    private static func checkBLASSize(_ sizes: Int...) throws {
        for s in sizes where s > Int(Int32.max) {
            throw EngineError.invalid("matmul", expected: "matrix sizes below 2^31", given: "\(s)")
        }
    }

    private static func dot(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        let n = a.shape[0]
        try checkBLASSize(n, Swift.abs(a.strides[0]), Swift.abs(b.strides[0]))
        let x = a.strides[0] == 0 && n > 1 ? try a.contiguous() : a
        let y = b.strides[0] == 0 && n > 1 ? try b.contiguous() : b
        let incx = Int32(n > 1 ? x.strides[0] : 1), incy = Int32(n > 1 ? y.strides[0] : 1)
        switch a.dtype {
        case .float32:
            let v = n == 0 ? 0 : cblas_dsdot(Int32(n), x.mutablePointer(as: Float.self), incx, y.mutablePointer(as: Float.self), incy)
            return try Tensor(scalar: Float(v))
        case .float64:
            let v = n == 0 ? 0 : cblas_ddot(Int32(n), x.mutablePointer(as: Double.self), incx, y.mutablePointer(as: Double.self), incy)
            return try Tensor(scalar: v)
        }
    }

    /// `matrix · vector`, or `vectorᵀ · matrix` when `transposed`.
    private static func matrixVector(_ matrix: Tensor, _ vector: Tensor, transposed: Bool) throws -> Tensor {
        let (r, c) = (matrix.shape[0], matrix.shape[1])
        let outLength = transposed ? c : r
        let result = try Tensor(zeros: [outLength], dtype: matrix.dtype)
        if r == 0 || c == 0 { return result }
        var m = matrix
        var layout = blasLayout(rows: r, columns: c, strides: m.strides[0], m.strides[1])
        if layout == nil {
            m = try matrix.copy()
            layout = (false, Swift.max(1, c))
        }
        guard let (isTransposed, ld) = layout else { return result }
        let v = vector.strides[0] <= 0 && vector.shape[0] > 1 ? try vector.contiguous() : vector
        let inc = vector.shape[0] > 1 ? v.strides[0] : 1
        try checkBLASSize(r, c, ld, inc)
        // BLAS sees the stored matrix: rows × columns as stored (swapped when transposed).
        let (storedRows, storedColumns) = isTransposed ? (c, r) : (r, c)
        let trans = (isTransposed != transposed) ? CblasTrans : CblasNoTrans
        switch matrix.dtype {
        case .float32:
            cblas_sgemv(CblasRowMajor, trans, Int32(storedRows), Int32(storedColumns), 1, m.mutablePointer(as: Float.self), Int32(ld),
                        v.mutablePointer(as: Float.self), Int32(inc), 0, result.mutablePointer(as: Float.self), 1)
        case .float64:
            cblas_dgemv(CblasRowMajor, trans, Int32(storedRows), Int32(storedColumns), 1, m.mutablePointer(as: Double.self), Int32(ld),
                        v.mutablePointer(as: Double.self), Int32(inc), 0, result.mutablePointer(as: Double.self), 1)
        }
        return result
    }

    private static func batchedProduct(_ x: Tensor, _ y: Tensor) throws -> Tensor {
        let a = x.rank == 1 ? try x.unsqueezed(0) : x
        let b = y.rank == 1 ? try y.unsqueezed(1) : y
        let (m, k, n) = (a.shape[a.rank - 2], a.shape[a.rank - 1], b.shape[b.rank - 1])
        let batch = try Shape.broadcast(Array(a.shape.dropLast(2)), Array(b.shape.dropLast(2)))
        var ea = try a.expanded(to: batch + [m, k])
        var eb = try b.expanded(to: batch + [k, n])
        var outShape = batch + [m, n]
        let result = try Tensor(zeros: outShape, dtype: a.dtype)
        if result.count > 0 && k > 0 {
            var la = blasLayout(rows: m, columns: k, strides: ea.strides[batch.count], ea.strides[batch.count + 1])
            if la == nil { ea = try ea.copy(); la = (false, Swift.max(1, k)) }
            var lb = blasLayout(rows: k, columns: n, strides: eb.strides[batch.count], eb.strides[batch.count + 1])
            if lb == nil { eb = try eb.copy(); lb = (false, Swift.max(1, n)) }
            guard let (ta, lda) = la, let (tb, ldb) = lb else { return result }
            try checkBLASSize(m, n, k, lda, ldb)
            let aBatchStrides = Array(ea.strides.prefix(batch.count)), bBatchStrides = Array(eb.strides.prefix(batch.count))
            let batchCount = batch.reduce(1, *)
            var index = [Int](repeating: 0, count: batch.count)
            for item in 0..<batchCount {
                var offsetA = 0, offsetB = 0
                for d in 0..<batch.count { offsetA += index[d] * aBatchStrides[d]; offsetB += index[d] * bBatchStrides[d] }
                let offsetC = item * m * n
                switch a.dtype {
                case .float32:
                    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), Int32(k), 1,
                                ea.mutablePointer(as: Float.self) + offsetA, Int32(lda), eb.mutablePointer(as: Float.self) + offsetB, Int32(ldb),
                                0, result.mutablePointer(as: Float.self) + offsetC, Int32(n))
                case .float64:
                    cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), Int32(k), 1,
                                ea.mutablePointer(as: Double.self) + offsetA, Int32(lda), eb.mutablePointer(as: Double.self) + offsetB, Int32(ldb),
                                0, result.mutablePointer(as: Double.self) + offsetC, Int32(n))
                }
                var d = batch.count - 1
                while d >= 0 {
                    index[d] += 1
                    if index[d] < batch[d] { break }
                    index[d] = 0
                    d -= 1
                }
            }
        }
        if y.rank == 1 { outShape.removeLast() }
        if x.rank == 1 { outShape.remove(at: outShape.count - (y.rank == 1 ? 1 : 2)) }
        return outShape == result.shape ? result : try result.view(outShape)
    }
}
