/// A dense Float64 matrix stored column by column (LAPACK's layout), for Engine's linear algebra.
///
/// Element (i, j) lives at `elements[j * rows + i]`. A symmetric matrix reads the same in
/// either layout, which is why covariance matrices built row-major by CBLAS can be handed to
/// LAPACK unchanged.
public struct Matrix: Sendable, Equatable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// Column-major elements (`rows * columns` of them).
    public var elements: [Double]

    /// A `rows`×`columns` matrix of zeros.
    public init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
        self.elements = [Double](repeating: 0, count: rows * columns)
    }

    /// A matrix over existing column-major `elements` (`rows * columns` of them).
    public init(rows: Int, columns: Int, columnMajor elements: [Double]) throws {
        guard elements.count == rows * columns else {
            throw EngineError.invalid("matrix", expected: "\(rows * columns) elements for \(rows)×\(columns)", given: "\(elements.count)")
        }
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    /// The `n`×`n` identity.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m.elements[i * n + i] = 1 }
        return m
    }

    /// A diagonal matrix with `values` on its diagonal.
    public static func diagonal(_ values: [Double]) -> Matrix {
        var m = Matrix(rows: values.count, columns: values.count)
        for (i, v) in values.enumerated() { m.elements[i * values.count + i] = v }
        return m
    }

    /// Element (i, j).
    @inlinable public subscript(i: Int, j: Int) -> Double {
        get { elements[j * rows + i] }
        set { elements[j * rows + i] = newValue }
    }

    /// The diagonal.
    public var diagonalElements: [Double] { (0..<min(rows, columns)).map { self[$0, $0] } }

    /// Whether every element off the diagonal is exactly zero.
    public var isDiagonal: Bool {
        elements.withUnsafeBufferPointer { p in
            for j in 0..<columns { for i in 0..<rows where i != j && p[j * rows + i] != 0 { return false } }
            return true
        }
    }

    /// The submatrix with the given rows and columns (in the order given).
    public func selecting(rows rowIndices: [Int], columns columnIndices: [Int]) -> Matrix {
        if rowIndices.count == rows, columnIndices.count == columns,
           rowIndices.elementsEqual(0..<rows), columnIndices.elementsEqual(0..<columns) {
            return self   // shares storage (copy on write)
        }
        var result = Matrix(rows: rowIndices.count, columns: columnIndices.count)
        elements.withUnsafeBufferPointer { src in
            result.elements.withUnsafeMutableBufferPointer { dst in
                for (c, j) in columnIndices.enumerated() {
                    let column = j * rows
                    for (r, i) in rowIndices.enumerated() { dst[c * rowIndices.count + r] = src[column + i] }
                }
            }
        }
        return result
    }

    /// The first `count` columns, reusing this matrix's storage (column-major: they are the
    /// first rows·count elements).
    public consuming func keepingLeadingColumns(_ count: Int) -> Matrix {
        let rows = self.rows
        var elements = self.elements
        self = Matrix(rows: 0, columns: 0)
        elements.removeLast(elements.count - rows * count)
        return (try? Matrix(rows: rows, columns: count, columnMajor: elements)) ?? Matrix(rows: rows, columns: 0)
    }

    /// The first `count` columns.
    public func leadingColumns(_ count: Int) -> Matrix {
        var result = Matrix(rows: rows, columns: count)
        result.elements.replaceSubrange(0..<(rows * count), with: elements[0..<(rows * count)])
        return result
    }

    /// The transpose.
    public var transposed: Matrix {
        var result = Matrix(rows: columns, columns: rows)
        for j in 0..<columns { for i in 0..<rows { result.elements[i * columns + j] = elements[j * rows + i] } }
        return result
    }

    /// The largest absolute element (0 for an empty matrix).
    public var maxAbsoluteElement: Double {
        elements.reduce(0) { Swift.max($0, abs($1)) }
    }

    /// The Frobenius norm, computed with scaling so that it neither overflows nor underflows.
    public var frobeniusNorm: Double {
        let scale = maxAbsoluteElement
        guard scale > 0, scale.isFinite else { return scale }
        var sum = 0.0
        for v in elements { let s = v / scale; sum += s * s }
        return scale * sum.squareRoot()
    }

    /// Whether every element is finite.
    public var isFinite: Bool { elements.allSatisfy { $0.isFinite } }
}

import CBLAS

extension Matrix {
    /// op(a)·op(b) through `cblas_dgemm`, op being the transpose when asked.
    public static func product(_ a: Matrix, _ b: Matrix, transposeA: Bool = false, transposeB: Bool = false) throws -> Matrix {
        let m = transposeA ? a.columns : a.rows
        let k = transposeA ? a.rows : a.columns
        let kb = transposeB ? b.columns : b.rows
        let n = transposeB ? b.rows : b.columns
        guard k == kb else {
            throw EngineError.invalid("matrix product", expected: "inner dimensions to agree", given: "\(m)×\(k) times \(kb)×\(n)")
        }
        var c = Matrix(rows: m, columns: n)
        if m == 0 || n == 0 { return c }
        if k == 0 { return c }
        a.elements.withUnsafeBufferPointer { pa in
            b.elements.withUnsafeBufferPointer { pb in
                c.elements.withUnsafeMutableBufferPointer { pc in
                    cblas_dgemm(CblasColMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                                Int32(m), Int32(n), Int32(k), 1, pa.baseAddress, Int32(max(1, a.rows)),
                                pb.baseAddress, Int32(max(1, b.rows)), 0, pc.baseAddress, Int32(max(1, m)))
                }
            }
        }
        return c
    }

    /// Scales row i by `rowScale[i]` and column j by `columnScale[j]`.
    public mutating func scale(rows rowScale: [Double], columns columnScale: [Double]) {
        let r = rows
        elements.withUnsafeMutableBufferPointer { p in
            for j in 0..<columns {
                let cj = columnScale[j]
                for i in 0..<r { p[j * r + i] *= rowScale[i] * cj }
            }
        }
    }
}
