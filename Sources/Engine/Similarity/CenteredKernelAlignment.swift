import CBLAS
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The kernel of centred kernel alignment.
public enum CKAKernel: Sendable, Equatable {
    /// k(x, x') = ⟨x, x'⟩.
    case linear
    /// k(x, x') = exp(−‖x − x'‖² / (2σ²)) with σ = `sigma` × the median distance between
    /// datapoints (Kornblith et al. 2019's `gram_rbf`, whose `threshold` is this fraction).
    case rbf(sigma: Double)
}

/// Centred kernel alignment (Kornblith, Norouzi, Lee & Hinton 2019).
///
/// - Linear: CKA = ‖Sxy‖²_F / (‖Sxx‖_F·‖Syy‖_F) = ‖Yc·Xcᵀ‖²_F / (‖Xc·Xcᵀ‖_F·‖Yc·Ycᵀ‖_F), a function of
///   the ``JointStatistics`` alone (so it streams).
/// - Debiased: the unbiased HSIC estimator of Song et al. (2012) in place of the biased one;
///   for the linear kernel Kornblith's feature-space form, which needs per-datapoint squared
///   norms of the centred data as well.
/// - RBF: Gram matrices K_ij = exp(−d²_ij / (2σ²)) over the m datapoints, centred (HKH) and
///   compared: ⟨Kc, Lc⟩_F / (‖Kc‖_F·‖Lc‖_F). This needs m×m matrices, so m is limited to
///   ``maximumKernelDatapoints``.
///
/// A layer with no variance has no defined CKA; prunelab reports 0 for it.
public enum CenteredKernelAlignment {
    /// The largest number of datapoints RBF CKA accepts (two m×m Float64 matrices: 1.6 GB at the limit).
    public static let maximumKernelDatapoints = 10_000

    /// Linear CKA from the statistics (biased HSIC, as Kornblith's `feature_space_linear_cka`).
    public static func linear(_ s: JointStatistics) -> Double {
        let nx = s.scatterXX.frobeniusNorm, ny = s.scatterYY.frobeniusNorm
        guard nx > 0, ny > 0 else { return 0 }
        let nxy = s.scatterXY.frobeniusNorm
        return (nxy / nx) * (nxy / ny)
    }

    /// Debiased linear CKA (Kornblith's `feature_space_linear_cka(debiased=True)`), from the
    /// data: m ≥ 4 datapoints.
    public static func debiasedLinear(_ x: LayerActivations, _ y: LayerActivations, statistics s: JointStatistics) throws -> Double {
        let m = x.datapoints
        guard m >= 4 else { throw EngineError("debiased CKA needs at least 4 datapoints, got \(m)") }
        // Per-datapoint squared norms of the centred layers: a = ‖xc_i‖², b = ‖yc_i‖².
        var sumAB = 0.0
        let n1 = x.neurons, n2 = y.neurons
        let width = min(m, LayerActivations.blockWidth(rows: n1 + n2))
        let block = UnsafeMutablePointer<Double>.allocate(capacity: (n1 + n2) * width)
        defer { block.deallocate() }
        var a = [Double](repeating: 0, count: width), b = [Double](repeating: 0, count: width)
        var start = 0
        while start < m {
            let end = min(m, start + width), w = end - start
            x.readBlock(rows: nil, columns: start..<end, subtracting: s.mean1, into: block, ld: w)
            y.readBlock(rows: nil, columns: start..<end, subtracting: s.mean2, into: block + n1 * w, ld: w)
            for j in 0..<w { a[j] = 0; b[j] = 0 }
            for i in 0..<n1 { let row = block + i * w; for j in 0..<w { a[j] += row[j] * row[j] } }
            for i in 0..<n2 { let row = block + (n1 + i) * w; for j in 0..<w { b[j] += row[j] * row[j] } }
            for j in 0..<w { sumAB += a[j] * b[j] }
            start = end
            try Cancellation.check()
        }
        let (sumAA, sumBB) = try squaredNormProducts(x, y, s)
        let md = Double(m)
        let normX2 = trace(s.scatterXX), normY2 = trace(s.scatterYY)   // Σ_i ‖xc_i‖², Σ_i ‖yc_i‖²
        func debiased(_ dot: Double, _ ab: Double, _ na: Double, _ nb: Double) -> Double {
            dot - md / (md - 2) * ab + na * nb / ((md - 1) * (md - 2))
        }
        let fxy = s.scatterXY.frobeniusNorm, fxx = s.scatterXX.frobeniusNorm, fyy = s.scatterYY.frobeniusNorm
        let hxy = debiased(fxy * fxy, sumAB, normX2, normY2)
        let hxx = debiased(fxx * fxx, sumAA, normX2, normX2)
        let hyy = debiased(fyy * fyy, sumBB, normY2, normY2)
        guard hxx > 0, hyy > 0 else { return 0 }
        return hxy / (hxx.squareRoot() * hyy.squareRoot())
    }

    /// Σ_i ‖xc_i‖⁴ and Σ_i ‖yc_i‖⁴ (one more blocked pass).
    private static func squaredNormProducts(_ x: LayerActivations, _ y: LayerActivations, _ s: JointStatistics) throws -> (Double, Double) {
        func fourth(_ layer: LayerActivations, _ means: [Double]) throws -> Double {
            let m = layer.datapoints, n = layer.neurons
            let width = min(m, LayerActivations.blockWidth(rows: n))
            let block = UnsafeMutablePointer<Double>.allocate(capacity: n * width)
            defer { block.deallocate() }
            var a = [Double](repeating: 0, count: width)
            var total = 0.0, start = 0
            while start < m {
                let end = min(m, start + width), w = end - start
                layer.readBlock(rows: nil, columns: start..<end, subtracting: means, into: block, ld: w)
                for j in 0..<w { a[j] = 0 }
                for i in 0..<n { let row = block + i * w; for j in 0..<w { a[j] += row[j] * row[j] } }
                for j in 0..<w { total += a[j] * a[j] }
                start = end
                try Cancellation.check()
            }
            return total
        }
        return (try fourth(x, s.mean1), try fourth(y, s.mean2))
    }

    private static func trace(_ a: Matrix) -> Double { a.diagonalElements.reduce(0, +) }

    /// RBF-kernel CKA (biased or debiased HSIC), from the data: at most
    /// ``maximumKernelDatapoints`` datapoints, at least 4 when debiased.
    public static func rbf(_ x: LayerActivations, _ y: LayerActivations, sigma: Double, debiased: Bool) throws -> Double {
        let m = x.datapoints
        guard m <= maximumKernelDatapoints else {
            throw EngineError("RBF CKA builds m×m kernel matrices and accepts at most \(maximumKernelDatapoints) datapoints, got \(m): use fewer datapoints, conv = \"mean\", or the linear kernel")
        }
        if debiased, m < 4 { throw EngineError("debiased CKA needs at least 4 datapoints, got \(m)") }
        let kx = try centredKernel(x, sigma: sigma, debiased: debiased)
        defer { kx.deallocate() }
        try Cancellation.check()
        let ky = try centredKernel(y, sigma: sigma, debiased: debiased)
        defer { ky.deallocate() }
        let count = Int32(m * m)
        let hsic = cblas_ddot(count, kx, 1, ky, 1)
        let nx = cblas_dnrm2(count, kx, 1), ny = cblas_dnrm2(count, ky, 1)
        guard nx > 0, ny > 0 else { return 0 }
        return (hsic / nx) / ny
    }

    /// The centred RBF Gram matrix of a layer (m×m, caller deallocates).
    private static func centredKernel(_ layer: LayerActivations, sigma: Double, debiased: Bool) throws -> UnsafeMutablePointer<Double> {
        let m = layer.datapoints, n = layer.neurons
        // Features: the layer as a row-major n × m block = column-major m × n (datapoints × neurons).
        let features = UnsafeMutablePointer<Double>.allocate(capacity: n * m)
        defer { features.deallocate() }
        let means = try layer.rowSums().map { $0 / Double(m) }
        layer.readBlock(rows: nil, columns: 0..<m, subtracting: means, into: features, ld: m)
        let k = UnsafeMutablePointer<Double>.allocate(capacity: m * m)
        // Gram matrix F·Fᵀ (lower triangle), then squared distances G_ii + G_jj − 2G_ij (full).
        cblas_dsyrk(CblasColMajor, CblasLower, CblasNoTrans, Int32(m), Int32(n), 1, features, Int32(m), 0, k, Int32(m))
        var diagonal = [Double](repeating: 0, count: m)
        for i in 0..<m { diagonal[i] = k[i * m + i] }
        for j in 0..<m {
            k[j * m + j] = 0
            for i in (j + 1)..<max(j + 1, m) {
                let d = diagonal[i] + diagonal[j] - 2 * k[j * m + i]
                k[j * m + i] = d
                k[i * m + j] = d
            }
        }
        let median = medianOfSquaredDistances(k, m)
        guard median > 0 else {
            k.deallocate()
            throw EngineError("\(layer.name): the median distance between datapoints is 0 (most datapoints are identical), so the RBF bandwidth would be 0")
        }
        let scale = -1 / (2 * sigma * sigma * median)
        for i in 0..<(m * m) { k[i] = exp(k[i] * scale) }
        centre(k, m, debiased: debiased)
        return k
    }

    /// np.median over all m² entries of the symmetric squared-distance matrix (diagonal zeros
    /// included), selected from the m(m−1)/2 entries below the diagonal.
    private static func medianOfSquaredDistances(_ d: UnsafeMutablePointer<Double>, _ m: Int) -> Double {
        var v: [Double] = []
        v.reserveCapacity(m * (m - 1) / 2)
        for j in 0..<m { for i in (j + 1)..<max(j + 1, m) { v.append(d[j * m + i]) } }
        // Full multiset, sorted: negatives (each twice), m diagonal zeros and the zero entries
        // (each twice), positives (each twice).
        let negatives = v.reduce(0) { $0 + ($1 < 0 ? 1 : 0) }
        let zeros = v.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }
        func element(_ rank: Int) -> Double {
            if rank < 2 * negatives { return Selection.kthSmallest(&v, rank / 2) }
            let zeroEnd = 2 * negatives + m + 2 * zeros
            if rank < zeroEnd { return 0 }
            return Selection.kthSmallest(&v, negatives + zeros + (rank - zeroEnd) / 2)
        }
        let total = m * m
        if total % 2 == 1 { return element(total / 2) }
        return (element(total / 2 - 1) + element(total / 2)) / 2
    }

    /// Centres a symmetric m×m kernel in place: H·K·H, or the unbiased (U-statistic) centring of
    /// Kornblith's `center_gram(unbiased=True)`.
    private static func centre(_ k: UnsafeMutablePointer<Double>, _ m: Int, debiased: Bool) {
        var means = [Double](repeating: 0, count: m)
        if debiased {
            for i in 0..<m { k[i * m + i] = 0 }
            for j in 0..<m { var s = 0.0; for i in 0..<m { s += k[j * m + i] }; means[j] = s / Double(m - 2) }
            let shift = means.reduce(0, +) / Double(2 * (m - 1))
            for j in 0..<m { means[j] -= shift }
        } else {
            for j in 0..<m { var s = 0.0; for i in 0..<m { s += k[j * m + i] }; means[j] = s / Double(m) }
            let shift = means.reduce(0, +) / Double(2 * m)
            for j in 0..<m { means[j] -= shift }
        }
        for j in 0..<m { for i in 0..<m { k[j * m + i] -= means[i] + means[j] } }
        if debiased { for i in 0..<m { k[i * m + i] = 0 } }
    }
}

/// Quickselect.
enum Selection {
    /// The k-th smallest element (0-based) of `v`, partially reordering it (average O(n)).
    static func kthSmallest(_ v: inout [Double], _ k: Int) -> Double {
        var low = 0, high = v.count - 1
        while low < high {
            // Median of three as the pivot.
            let mid = low + (high - low) / 2
            if v[mid] < v[low] { v.swapAt(mid, low) }
            if v[high] < v[low] { v.swapAt(high, low) }
            if v[high] < v[mid] { v.swapAt(high, mid) }
            let pivot = v[mid]
            var i = low, j = high
            while i <= j {
                while v[i] < pivot { i += 1 }
                while v[j] > pivot { j -= 1 }
                if i <= j { v.swapAt(i, j); i += 1; j -= 1 }
            }
            if k <= j { high = j } else if k >= i { low = i } else { return v[k] }
        }
        return v[k]
    }
}
