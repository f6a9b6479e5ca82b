@testable import Engine

/// Builders for similarity tests: random layers, mixes, and layers with planted structure.
enum SimilarityFixtures {
    /// A rows×columns matrix of standard normals (column-major Matrix).
    static func normals(_ rows: Int, _ columns: Int, seed: UInt64) -> Matrix {
        var rng = RandomGenerator(seed: seed)
        var m = Matrix(rows: rows, columns: columns)
        for i in m.elements.indices { m.elements[i] = rng.nextNormal() }
        return m
    }

    /// A float64 tensor (rows × columns, row-major) holding `m`.
    static func tensor(_ m: Matrix) throws -> Tensor {
        var values = [Double](repeating: 0, count: m.rows * m.columns)
        for i in 0..<m.rows { for j in 0..<m.columns { values[i * m.columns + j] = m[i, j] } }
        return try Tensor(shape: [m.rows, m.columns], values: values)
    }

    /// A tensor as a Matrix.
    static func matrix(_ t: Tensor) -> Matrix {
        let v = t.scalars(as: Double.self)
        var m = Matrix(rows: t.shape[0], columns: t.shape[1])
        for i in 0..<m.rows { for j in 0..<m.columns { m[i, j] = v[i * m.columns + j] } }
        return m
    }

    static func layer(_ m: Matrix, _ name: String = "a") throws -> LayerActivations {
        try LayerActivations(tensor(m), name: name)
    }

    static func layer(_ t: Tensor, _ name: String = "a") throws -> LayerActivations {
        try LayerActivations(t, name: name)
    }

    /// Adds `shift[i]` to row i.
    static func shifted(_ m: Matrix, by shift: [Double]) -> Matrix {
        var r = m
        for i in 0..<m.rows { for j in 0..<m.columns { r[i, j] += shift[i] } }
        return r
    }

    /// A random orthogonal n×n matrix (Q of a QR of normals).
    static func orthogonal(_ n: Int, seed: UInt64) throws -> Matrix {
        var q = normals(n, n, seed: seed)
        _ = try q.elements.withUnsafeMutableBufferPointer { p in
            try QRDecomposition.orthonormalizeColumns(p.baseAddress!, rows: n, columns: n)
        }
        return q
    }

    /// A layer whose centred version has exactly the singular values `s`: U·diag(s)·Vᵀ with U
    /// orthogonal and V's columns orthonormal and orthogonal to the all-ones vector.
    static func layer(singularValues s: [Double], datapoints m: Int, seed: UInt64) throws -> Matrix {
        let n = s.count
        var v = normals(m, n, seed: seed)
        for j in 0..<n {
            var mean = 0.0
            for i in 0..<m { mean += v[i, j] }
            mean /= Double(m)
            for i in 0..<m { v[i, j] -= mean }
        }
        _ = try v.elements.withUnsafeMutableBufferPointer { p in
            try QRDecomposition.orthonormalizeColumns(p.baseAddress!, rows: m, columns: n)
        }
        // QR keeps the columns orthogonal to 1 (they span the same centred space).
        var us = try orthogonal(n, seed: seed &+ 1)
        us.scale(rows: [Double](repeating: 1, count: n), columns: s)
        return try Matrix.product(us, v, transposeB: true)
    }

    /// Every measure prunelab has, with default parameters.
    static let allMeasures: [SimilarityMeasure] = [
        .cca(epsilon: 1e-10), .svcca(.variance(0.99), epsilon: 1e-10), .svcca(.energy(0.9), epsilon: 1e-10),
        .svcca(.dims(4), epsilon: 1e-10), .pwcca(epsilon: 1e-10), .cka(.linear, debiased: false),
        .cka(.linear, debiased: true), .cka(.rbf(sigma: 0.8), debiased: false), .cka(.rbf(sigma: 0.8), debiased: true),
    ]

    /// The measures that streaming supports.
    static let streamingMeasures: [SimilarityMeasure] = [
        .cca(epsilon: 1e-10), .svcca(.variance(0.99), epsilon: 1e-10), .svcca(.energy(0.9), epsilon: 1e-10),
        .svcca(.dims(4), epsilon: 1e-10), .pwcca(epsilon: 1e-10), .cka(.linear, debiased: false),
    ]
}
