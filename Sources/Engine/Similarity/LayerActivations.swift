/// One layer's activations as a **neurons × datapoints** matrix (Google's SVCCA convention),
/// validated and ready to be read in blocks of datapoints.
///
/// Accepts 2-D tensors (neurons × datapoints, any strides, float32 or float64) and 4-D
/// convolutional activations N×C×H×W, which become C × (N·H·W) (``ConvolutionLayout/flatten``,
/// column (n·H + h)·W + w) or C × N (``ConvolutionLayout/mean``). Nothing is converted to Float64
/// up front: the similarity code reads column blocks, centred, into Float64 buffers.
public struct LayerActivations {
    /// How messages refer to this input ("a", "argument 1 (a)", a file name, …).
    public let name: String
    /// Rows of the matrix.
    public let neurons: Int
    /// Columns of the matrix.
    public let datapoints: Int
    /// The shape the caller passed in.
    public let originalShape: [Int]
    /// How a 4-D (conv) input became a matrix; nil for a 2-D input.
    public let convolution: ConvolutionLayout?
    /// The neurons × datapoints matrix (2-D, any strides).
    let matrix: Tensor

    /// Validates `tensor` and arranges it as neurons × datapoints. Throws for ranks other than
    /// 2 and 4 and for empty inputs; non-finite entries are detected when the data is read.
    public init(_ tensor: Tensor, conv: ConvolutionLayout = .flatten, name: String) throws {
        self.name = name
        self.originalShape = tensor.shape
        self.convolution = tensor.rank == 4 ? conv : nil
        let shapeText = Shape.describe(tensor.shape)
        switch tensor.rank {
        case 2:
            matrix = tensor
        case 4:
            let (n, c, h, w) = (tensor.shape[0], tensor.shape[1], tensor.shape[2], tensor.shape[3])
            if tensor.count == 0 {
                throw EngineError("\(name) is empty (shape \(shapeText)): it needs at least one channel and one datapoint")
            }
            switch conv {
            case .flatten:
                matrix = try tensor.permuted([1, 0, 2, 3]).contiguous().view([c, n * h * w])
            case .mean:
                matrix = try LayerActivations.spatialMeans(tensor)
                if !matrix.scalars(as: Double.self).allSatisfy({ $0.isFinite }) {
                    throw try LayerActivations.nonFiniteError(name, tensor)
                }
            }
        default:
            throw EngineError("\(name): expected a 2-D tensor (neurons × datapoints) or a 4-D one (N×C×H×W), got shape \(shapeText)")
        }
        neurons = matrix.shape[0]
        datapoints = matrix.shape[1]
        if neurons == 0 || datapoints == 0 {
            throw EngineError("\(name) is empty (shape \(shapeText)): it needs at least one neuron and one datapoint")
        }
    }

    /// The shape as the user gave it, for messages ("64×1000").
    public var shapeDescription: String { Shape.describe(originalShape) }

    /// C × N Float64 means over H and W (strided reads, no copies).
    private static func spatialMeans(_ t: Tensor) throws -> Tensor {
        let (n, c) = (t.shape[0], t.shape[1])
        let result = try Tensor(shape: [c, n], dtype: .float64, zeroed: true)
        let out = result.mutablePointer(as: Double.self)
        switch t.dtype {
        case .float32: spatialMeans(t, Float.self, into: out)
        case .float64: spatialMeans(t, Double.self, into: out)
        }
        return result
    }

    private static func spatialMeans<T: TensorScalar>(_ t: Tensor, _: T.Type, into out: UnsafeMutablePointer<Double>) {
        let (n, c, h, w) = (t.shape[0], t.shape[1], t.shape[2], t.shape[3])
        let s = t.strides
        let base = t.mutablePointer(as: T.self)
        let scale = 1.0 / Double(h * w)
        for ni in 0..<n {
            for ci in 0..<c {
                let plane = base + ni * s[0] + ci * s[1]
                var total = 0.0
                for hi in 0..<h {
                    let row = plane + hi * s[2]
                    for wi in 0..<w { total += Double(row[wi * s[3]]) }
                }
                out[ci * n + ni] = total * scale
            }
        }
    }

    // MARK: reading

    /// Per-row sums over all datapoints (Float64). Throws, counting them, if any entry is NaN or
    /// infinite, or if a sum overflows.
    func rowSums() throws -> [Double] {
        var sums = [Double](repeating: 0, count: neurons)
        switch matrix.dtype {
        case .float32: rowSums(Float.self, into: &sums)
        case .float64: rowSums(Double.self, into: &sums)
        }
        if sums.allSatisfy({ $0.isFinite }) { return sums }
        throw try LayerActivations.nonFiniteError(name, matrix)
    }

    /// The error for non-finite entries in `tensor`, counting them (or, if there are none, for
    /// sums that overflow).
    static func nonFiniteError(_ name: String, _ tensor: Tensor) throws -> EngineError {
        var nan = 0, inf = 0
        try tensor.withContiguousBuffer(as: Double.self) { buffer in
            for v in buffer where !v.isFinite { if v.isNaN { nan += 1 } else { inf += 1 } }
        }
        if nan + inf == 0 {
            return EngineError("\(name) has values too large to sum in Float64 (shape \(Shape.describe(tensor.shape)))", kind: .numerical)
        }
        return EngineError("\(name) has \(nan + inf) non-finite entr\(nan + inf == 1 ? "y" : "ies") (\(nan) NaN, \(inf) infinite) in its \(tensor.count) values: similarity needs finite activations")
    }

    private func rowSums<T: TensorScalar>(_: T.Type, into sums: inout [Double]) {
        let base = matrix.mutablePointer(as: T.self)
        let rs = matrix.strides[0], cs = matrix.strides[1]
        let m = datapoints
        for i in 0..<neurons {
            let row = base + i * rs
            var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
            var j = 0
            if cs == 1 {
                while j + 4 <= m {
                    s0 += Double(row[j]); s1 += Double(row[j + 1]); s2 += Double(row[j + 2]); s3 += Double(row[j + 3])
                    j += 4
                }
            }
            while j < m { s0 += Double(row[j * cs]); j += 1 }
            sums[i] = (s0 + s1) + (s2 + s3)
        }
    }

    /// Writes rows `rows` (all when nil) and columns `columns` into `destination` as a row-major
    /// block with leading dimension `ld`, subtracting `means[r]` (indexed like `rows`) when given.
    func readBlock(rows: [Int]?, columns: Range<Int>, subtracting means: [Double]?, into destination: UnsafeMutablePointer<Double>, ld: Int) {
        switch matrix.dtype {
        case .float32: readBlock(Float.self, rows: rows, columns: columns, means: means, destination, ld)
        case .float64: readBlock(Double.self, rows: rows, columns: columns, means: means, destination, ld)
        }
    }

    private func readBlock<T: TensorScalar>(_: T.Type, rows: [Int]?, columns: Range<Int>, means: [Double]?,
                                            _ destination: UnsafeMutablePointer<Double>, _ ld: Int) {
        let base = matrix.mutablePointer(as: T.self)
        let rs = matrix.strides[0], cs = matrix.strides[1]
        let count = rows?.count ?? neurons
        let width = columns.count
        let start = columns.lowerBound
        if cs == 1 || rs > cs {
            // Row by row: contiguous (or nearly) reads along each row.
            for r in 0..<count {
                let i = rows?[r] ?? r
                let mu = means?[r] ?? 0
                let src = base + i * rs + start * cs
                let dst = destination + r * ld
                if cs == 1 {
                    for j in 0..<width { dst[j] = Double(src[j]) - mu }
                } else {
                    for j in 0..<width { dst[j] = Double(src[j * cs]) - mu }
                }
            }
        } else {
            // Datapoints-first layout (neurons adjacent in memory): walk columns outermost.
            for j in 0..<width {
                let src = base + (start + j) * cs
                for r in 0..<count {
                    let i = rows?[r] ?? r
                    destination[r * ld + j] = Double(src[i * rs]) - (means?[r] ?? 0)
                }
            }
        }
    }

    /// Columns per block so that a block of `rows` rows takes about `bytes` of Float64.
    static func blockWidth(rows: Int, bytes: Int = 4 << 20) -> Int {
        max(256, bytes / (8 * max(1, rows)))
    }
}
