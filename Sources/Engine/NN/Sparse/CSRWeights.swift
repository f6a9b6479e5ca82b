import ConvKernelsAVX2
import Synchronization
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

    /// The flat-plane offsets of the nonzeros of a convolution weight (`out × in × kh × kw`,
    /// `taps = kh·kw`): entry k is `(c·planeStride + r·pitch + s)·lanes` for column
    /// `c·taps + r·kw + s`, for ``SparseFlatKernel`` (`lanes` 1: one sample's planes; 16: the
    /// batch-innermost layout of ``SparseConvRoute/batched``); nil when an offset does not fit
    /// 32 bits. Remembered per layout, since every forward of a layer asks for the same one.
    func flatOffsets(taps: Int, kernelW: Int, planeStride: Int, pitch: Int, lanes: Int = 1) -> [Int32]? {
        let key = FlatLayout(taps: taps, kernelW: kernelW, planeStride: planeStride, pitch: pitch, lanes: lanes)
        if let known = flatOffsetCache.withLock({ $0[key] }) { return known }
        guard taps > 0, kernelW > 0, lanes > 0, columns % taps == 0 else { return nil }
        let (reach, o1) = (columns / taps).multipliedReportingOverflow(by: planeStride)
        let (scaled, o2) = reach.multipliedReportingOverflow(by: lanes)
        guard !o1, !o2, scaled < Int(Int32.max) else { return nil }
        let offsets = (0..<nonzeros).map { k in
            let column = Int(columnIndex[k])
            let (c, t) = column.quotientAndRemainder(dividingBy: taps)
            return Int32((c * planeStride + (t / kernelW) * pitch + t % kernelW) * lanes)
        }
        flatOffsetCache.withLock { cache in
            if cache.count >= 8 { cache.removeAll() }  // a layer sees few layouts (batch sizes do not change them)
            cache[key] = offsets
        }
        return offsets
    }

    /// A flat layout the offsets were computed for.
    private struct FlatLayout: Hashable {
        let taps: Int, kernelW: Int, planeStride: Int, pitch: Int, lanes: Int
    }
    private let flatOffsetCache = Mutex<[FlatLayout: [Int32]]>([:])

    /// Output channel `row` of a stride-1 convolution on flat padded planes (see
    /// ``SparseFlatKernel``): `y[p] = scale · Σ_k values[k] · x[offsets[k] + p] + shift` for p
    /// below `length` rounded up to 16, on the best kernel build of this machine.
    func flatRow(_ row: Int, offsets: UnsafePointer<Int32>, x: UnsafePointer<Float>, length: Int, scale: Float, shift: Float,
                 y: UnsafeMutablePointer<Float>) {
        if CPUFeatures.hasAVX512 {
            SparseFlatKernel512.row(row, rowStart: rowStart, offsets: offsets, values: values, x: x, length: length, scale: scale, shift: shift, y: y)
        } else if CPUFeatures.hasAVX2FMA {
            SparseFlatKernel.row(row, rowStart: rowStart, offsets: offsets, values: values, x: x, length: length, scale: scale, shift: shift, y: y)
        } else {
            let begin = Int(rowStart[row]), end = Int(rowStart[row + 1])
            for p in 0..<length {
                var a: Float = 0
                for k in begin..<end { a = a.addingProduct(values[k], x[Int(offsets[k]) + p]) }
                y[p] = a * scale + shift
            }
        }
    }

    /// ``flatRow(_:offsets:x:length:scale:shift:y:)`` for a run of one row's nonzeros: onto the
    /// partial sums in `y` when `partial`, scaled and shifted only when `finish` (see
    /// ``SparseFlatKernel/span(_:offsets:values:x:length:partial:finish:scale:shift:y:)``).
    func flatSpan(_ nonzeros: Range<Int>, offsets: UnsafePointer<Int32>, x: UnsafePointer<Float>, length: Int,
                  partial: Bool, finish: Bool, scale: Float, shift: Float, y: UnsafeMutablePointer<Float>) {
        if CPUFeatures.hasAVX512 {
            SparseFlatKernel512.span(nonzeros, offsets: offsets, values: values, x: x, length: length, partial: partial, finish: finish,
                                     scale: scale, shift: shift, y: y)
        } else if CPUFeatures.hasAVX2FMA {
            SparseFlatKernel.span(nonzeros, offsets: offsets, values: values, x: x, length: length, partial: partial, finish: finish,
                                  scale: scale, shift: shift, y: y)
        } else {
            for p in 0..<length {
                var a: Float = partial ? y[p] : 0
                for k in nonzeros { a = a.addingProduct(values[k], x[Int(offsets[k]) + p]) }
                y[p] = finish ? a * scale + shift : a
            }
        }
    }

    /// Where each row's nonzeros enter each block of `blockColumns` columns: entry
    /// `r·(blocks + 1) + b` is the first nonzero of row r at column ≥ b·blockColumns (the row's
    /// end for b = blocks), blocks = ⌈columns / blockColumns⌉. Remembered per block size.
    func columnBlockStarts(blockColumns: Int) -> [Int32] {
        let width = max(1, blockColumns)
        if let known = blockStartCache.withLock({ $0[width] }) { return known }
        let blocks = (columns + width - 1) / width
        var starts = [Int32](repeating: 0, count: rows * (blocks + 1))
        for r in 0..<rows {
            var k = Int(rowStart[r])
            let end = Int(rowStart[r + 1])
            for b in 0...blocks {
                while k < end, Int(columnIndex[k]) < b * width { k += 1 }
                starts[r * (blocks + 1) + b] = Int32(b == blocks ? end : k)
            }
        }
        blockStartCache.withLock { cache in
            if cache.count >= 8 { cache.removeAll() }
            cache[width] = starts
        }
        return starts
    }
    private let blockStartCache = Mutex<[Int: [Int32]]>([:])

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
