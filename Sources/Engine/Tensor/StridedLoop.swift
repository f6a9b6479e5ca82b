/// Walks the elements of one or more equally shaped strided views in row-major order,
/// handing the body one innermost run at a time, so that kernels run a tight loop over
/// `length` elements with fixed strides (contiguous runs have stride 1).
///
/// Dimensions are coalesced first (adjacent dimensions that are contiguous with each other in
/// every operand merge), so a contiguous tensor is a single run however many dimensions it has.
public struct StridedLoop {
    /// Shape after coalescing; the last dimension is the inner run.
    public let shape: [Int]
    /// Per operand, strides after coalescing.
    public let strides: [[Int]]

    /// Prepares a walk over `shape` with one strides array per operand (each `shape.count` long).
    public init(shape: [Int], strides operandStrides: [[Int]]) {
        var mergedShape: [Int] = []
        var mergedStrides = [[Int]](repeating: [], count: operandStrides.count)
        for d in 0..<shape.count where shape[d] != 1 {
            if let last = mergedShape.indices.last,
               operandStrides.indices.allSatisfy({ mergedStrides[$0][last] == operandStrides[$0][d] * shape[d] }) {
                mergedShape[last] *= shape[d]
                for k in operandStrides.indices { mergedStrides[k][last] = operandStrides[k][d] }
            } else {
                mergedShape.append(shape[d])
                for k in operandStrides.indices { mergedStrides[k].append(operandStrides[k][d]) }
            }
        }
        if mergedShape.isEmpty {
            mergedShape = [shape.contains(0) ? 0 : 1]
            for k in operandStrides.indices { mergedStrides[k] = [1] }
        }
        self.shape = mergedShape
        self.strides = mergedStrides
    }

    /// Number of elements in the inner run.
    public var innerLength: Int { shape[shape.count - 1] }

    /// Calls `body(offsets, length, innerStrides)` for every inner run; `offsets[k]` is the
    /// element offset of operand `k`'s run start (relative to its first element).
    public func forEachRun(_ body: (_ offsets: UnsafeBufferPointer<Int>, _ length: Int, _ innerStrides: UnsafeBufferPointer<Int>) throws -> Void) rethrows {
        let operands = strides.count
        let rank = shape.count
        if shape.contains(0) { return }
        let inner = strides.map { $0[rank - 1] }
        var offsets = [Int](repeating: 0, count: operands)
        var index = [Int](repeating: 0, count: rank)
        try inner.withUnsafeBufferPointer { innerStrides in
            while true {
                try offsets.withUnsafeBufferPointer { try body($0, shape[rank - 1], innerStrides) }
                // Advance the outer multi-index (all dimensions but the last).
                var d = rank - 2
                while d >= 0 {
                    index[d] += 1
                    for k in 0..<operands { offsets[k] += strides[k][d] }
                    if index[d] < shape[d] { break }
                    for k in 0..<operands { offsets[k] -= strides[k][d] * shape[d] }
                    index[d] = 0
                    d -= 1
                }
                if d < 0 { return }
            }
        }
    }
}
