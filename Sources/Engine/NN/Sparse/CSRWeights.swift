import ConvKernelsAVX2
import ConvKernelsAVX512

/// A layer's weight as a compressed sparse row (CSR) matrix, for sparse inference.
///
/// The weight tensor (`out × in` for a linear layer, `out × in × kh × kw` for a convolution) is
/// read as an `out × (elements / out)` matrix in row-major order — the layout of im2col's patch
/// rows — and only its nonzero entries are kept: row r's entries are `rowStart[r]..<rowStart[r+1]`
/// of `columns` and `values`. A row with no nonzero (a pruned output channel) is empty; its
/// outputs are the bias alone.
public final class CSRWeights: @unchecked Sendable {
    /// Output channels or features.
    public let rows: Int
    /// Weights per row.
    public let columns: Int
    /// Stored entries (nonzero weights).
    public let nonzeros: Int
    let rowStart: UnsafeMutablePointer<Int32>
    let columnIndex: UnsafeMutablePointer<Int32>
    let values: UnsafeMutablePointer<Float>

    /// The nonzero entries of `weight` (contiguous float32 of rank ≥ 2), or nil when its sizes
    /// do not fit the 32-bit indices.
    init?(weight: Tensor) {
        guard weight.dtype == .float32, weight.rank >= 2, weight.isContiguous, let rows = weight.shape.first, rows > 0,
              weight.count % rows == 0, weight.count < Int(Int32.max) else { return nil }
        self.rows = rows
        columns = weight.count / rows
        let w = weight.mutablePointer(as: Float.self)
        var count = 0
        for i in 0..<weight.count where w[i] != 0 { count += 1 }
        nonzeros = count
        rowStart = .allocate(capacity: rows + 1)
        columnIndex = .allocate(capacity: max(1, count))
        values = .allocate(capacity: max(1, count))
        var k = 0
        for r in 0..<rows {
            rowStart[r] = Int32(k)
            for c in 0..<columns where w[r * columns + c] != 0 {
                columnIndex[k] = Int32(c)
                values[k] = w[r * columns + c]
                k += 1
            }
        }
        rowStart[rows] = Int32(k)
    }

    deinit {
        rowStart.deallocate(); columnIndex.deallocate(); values.deallocate()
    }

    /// nonzeros / (rows · columns).
    public var density: Double { Double(nonzeros) / Double(max(1, rows * columns)) }

    /// Bytes held: 4 per value, 4 per column index, 4 per row offset.
    public var bytes: Int { 8 * nonzeros + 4 * (rows + 1) }

    /// `destination[r][j] = Σ weight[r][c] · source[c][j]` for rows `rows` and j in 0..<width,
    /// on the best kernel build of this machine (AVX-512, AVX2 + FMA, or plain Swift).
    func multiply(rows: Range<Int>, source: UnsafePointer<Float>, sourceStride: Int, width: Int,
                  destination: UnsafeMutablePointer<Float>, destinationStride: Int) {
        if CPUFeatures.hasAVX512 {
            SparseRowKernel512.multiply(rowStart: rowStart, columns: columnIndex, values: values, rows: rows, source: source,
                                        sourceStride: sourceStride, width: width, destination: destination, destinationStride: destinationStride)
        } else if CPUFeatures.hasAVX2FMA {
            SparseRowKernel.multiply(rowStart: rowStart, columns: columnIndex, values: values, rows: rows, source: source,
                                     sourceStride: sourceStride, width: width, destination: destination, destinationStride: destinationStride)
        } else {
            for r in rows {
                let out = destination + r * destinationStride
                for j in 0..<width { out[j] = 0 }
                for k in Int(rowStart[r])..<Int(rowStart[r + 1]) {
                    let w = values[k], p = source + Int(columnIndex[k]) * sourceStride
                    for j in 0..<width { out[j] = out[j].addingProduct(w, p[j]) }
                }
            }
        }
    }
}
