/// Reductions over all elements (returning a Swift number) or along one dimension (returning a
/// tensor whose reduced dimension is removed, or kept with size 1 when `keepDim`).
///
/// - Sums and means accumulate in Float64 (see ``ReductionKernels``); along a dimension the
///   result has the tensor's element type.
/// - Variance uses two passes (mean, then Σ(x − mean)²) and divides by N − `correction`:
///   `correction` 1 (the default) is the unbiased estimator Torch uses; 0 is NumPy's default
///   (population variance). N − correction ≤ 0 gives NaN. The standard deviation is its root.
/// - `maxElement`/`minElement` (and along a dimension `maxElements`/`minElements`; named so
///   that they do not shadow Swift's global `max`/`min` inside Tensor extensions) propagate NaN (as NumPy); `argmax`/`argmin` give the first position of the
///   extreme (the first NaN if there is one). Whole-tensor arg-reductions give the row-major
///   (flat) index; indices are 0-based, returned along a dimension as a float64 tensor.
/// - The mean of no elements is NaN, their sum 0; max/min/argmax/argmin of none is an error.
extension Tensor {
    // MARK: over all elements

    /// Σ of all elements.
    public func sum() -> Double {
        switch dtype {
        case .float32: wholeSum(Float.self)
        case .float64: wholeSum(Double.self)
        }
    }

    /// The arithmetic mean of all elements (NaN when there are none).
    public func mean() -> Double {
        count == 0 ? .nan : sum() / Double(count)
    }

    /// Σ(x − mean)² / (N − correction) over all elements.
    public func variance(correction: Int = 1) -> Double {
        let n = count - correction
        guard n > 0 else { return .nan }
        let m = mean()
        var total = ReductionKernels.CompensatedSum()
        switch dtype {
        case .float32: forEachRun(Float.self) { p, len, s in total.add(Tensor.squaredDeviations(p, len, s, m)) }
        case .float64: forEachRun(Double.self) { p, len, s in total.add(Tensor.squaredDeviations(p, len, s, m)) }
        }
        return total.value / Double(n)
    }

    /// √variance over all elements.
    public func standardDeviation(correction: Int = 1) -> Double {
        variance(correction: correction).squareRoot()
    }

    /// The largest element (NaN if any is NaN).
    public func maxElement() throws -> Double {
        try wholeExtreme(smallest: false, "max")
    }

    /// The smallest element (NaN if any is NaN).
    public func minElement() throws -> Double {
        try wholeExtreme(smallest: true, "min")
    }

    /// Row-major index of the first largest element (of the first NaN, if any).
    public func argmax() throws -> Int {
        try wholeArgExtreme(smallest: false, "argmax")
    }

    /// Row-major index of the first smallest element (of the first NaN, if any).
    public func argmin() throws -> Int {
        try wholeArgExtreme(smallest: true, "argmin")
    }

    // MARK: along one dimension

    /// Sums along `dim`.
    public func sum(dim: Int, keepDim: Bool = false) throws -> Tensor {
        let d = try Shape.normalizedDimension(dim, rank: rank)
        return try fromDoubles(dimSums(d), dim: d, keepDim: keepDim)
    }

    /// Means along `dim` (NaN where the dimension is empty).
    public func mean(dim: Int, keepDim: Bool = false) throws -> Tensor {
        let d = try Shape.normalizedDimension(dim, rank: rank)
        let n = Double(shape[d])
        return try fromDoubles(dimSums(d).map { $0 / n }, dim: d, keepDim: keepDim)
    }

    /// Variances along `dim`, dividing by N − `correction`.
    public func variance(dim: Int, correction: Int = 1, keepDim: Bool = false) throws -> Tensor {
        let d = try Shape.normalizedDimension(dim, rank: rank)
        return try fromDoubles(dimVariances(d, correction: correction), dim: d, keepDim: keepDim)
    }

    /// Standard deviations along `dim`.
    public func standardDeviation(dim: Int, correction: Int = 1, keepDim: Bool = false) throws -> Tensor {
        let d = try Shape.normalizedDimension(dim, rank: rank)
        return try fromDoubles(dimVariances(d, correction: correction).map { $0.squareRoot() }, dim: d, keepDim: keepDim)
    }

    /// Largest values along `dim` and their (0-based) positions.
    public func maxElements(dim: Int, keepDim: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        try dimExtremes(dim, smallest: false, keepDim: keepDim, "max")
    }

    /// Smallest values along `dim` and their (0-based) positions.
    public func minElements(dim: Int, keepDim: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        try dimExtremes(dim, smallest: true, keepDim: keepDim, "min")
    }

    /// Positions (0-based, float64) of the largest values along `dim`.
    public func argmax(dim: Int, keepDim: Bool = false) throws -> Tensor {
        try dimExtremes(dim, smallest: false, keepDim: keepDim, "argmax").indices
    }

    /// Positions (0-based, float64) of the smallest values along `dim`.
    public func argmin(dim: Int, keepDim: Bool = false) throws -> Tensor {
        try dimExtremes(dim, smallest: true, keepDim: keepDim, "argmin").indices
    }

    // MARK: drivers

    /// Calls `body(start, length, stride)` for each inner run of the elements, in row-major order.
    private func forEachRun<T: KernelScalar>(_: T.Type, _ body: (UnsafePointer<T>, Int, Int) throws -> Void) rethrows {
        let base = UnsafePointer(mutablePointer(as: T.self))
        try StridedLoop(shape: shape, strides: [strides]).forEachRun { offsets, n, inner in
            try body(base + offsets[0], n, inner[0])
        }
    }

    private func wholeSum<T: KernelScalar>(_: T.Type) -> Double {
        var total = ReductionKernels.CompensatedSum()
        forEachRun(T.self) { p, n, s in total.add(Tensor.runSum(p, n, s)) }
        return total.value
    }

    @inline(__always)
    private static func runSum<T: KernelScalar>(_ p: UnsafePointer<T>, _ n: Int, _ s: Int) -> Double {
        if s == 1 {
            if T.self == Float.self { return ReductionKernels.sum(UnsafeRawPointer(p).assumingMemoryBound(to: Float.self), n) }
            if T.self == Double.self { return ReductionKernels.sum(UnsafeRawPointer(p).assumingMemoryBound(to: Double.self), n) }
        }
        var total = 0.0
        for i in 0..<n { total += Double(p[i * s]) }
        return total
    }

    @inline(__always)
    private static func squaredDeviations<T: KernelScalar>(_ p: UnsafePointer<T>, _ n: Int, _ s: Int, _ mean: Double) -> Double {
        if s == 1 { return ReductionKernels.squaredDeviations(p, n, mean: mean) }
        var total = 0.0
        for i in 0..<n { let d = Double(p[i * s]) - mean; total += d * d }
        return total
    }

    private func wholeExtreme(smallest: Bool, _ name: String) throws -> Double {
        guard count > 0 else { throw EngineError.invalid(name, expected: "a non-empty tensor", given: "shape \(Shape.describe(shape))") }
        switch dtype {
        case .float32: return Double(wholeExtreme(Float.self, smallest: smallest))
        case .float64: return wholeExtreme(Double.self, smallest: smallest)
        }
    }

    private func wholeExtreme<T: KernelScalar>(_: T.Type, smallest: Bool) -> T {
        var best: T? = nil
        forEachRun(T.self) { p, n, s in
            var v: T
            if s == 1 {
                v = ReductionKernels.extreme(p, n, smallest: smallest)
            } else {
                v = p[0]
                for i in 0..<n {
                    let x = p[i * s]
                    if x != x || (v == v && (smallest ? x < v : x > v)) { v = x }
                }
            }
            if let b = best {
                if b == b && (v != v || (smallest ? v < b : v > b)) { best = v }
            } else {
                best = v
            }
        }
        return best ?? .nan
    }

    private func wholeArgExtreme(smallest: Bool, _ name: String) throws -> Int {
        guard count > 0 else { throw EngineError.invalid(name, expected: "a non-empty tensor", given: "shape \(Shape.describe(shape))") }
        switch dtype {
        case .float32: return wholeArgExtreme(Float.self, smallest: smallest)
        case .float64: return wholeArgExtreme(Double.self, smallest: smallest)
        }
    }

    private func wholeArgExtreme<T: KernelScalar>(_: T.Type, smallest: Bool) -> Int {
        var best: T = 0
        var bestIndex = -1
        var position = 0
        forEachRun(T.self) { p, n, s in
            for i in 0..<n {
                let x = p[i * s]
                if bestIndex < 0 || (best == best && (x != x || (smallest ? x < best : x > best))) {
                    best = x
                    bestIndex = position + i
                }
            }
            position += n
        }
        return Swift.max(bestIndex, 0)
    }

    /// The shape after reducing `d`.
    private func reducedShape(_ d: Int, keepDim: Bool) -> [Int] {
        var s = shape
        if keepDim { s[d] = 1 } else { s.remove(at: d) }
        return s
    }

    /// A tensor of `self`'s type from per-output Float64 values (row-major over the kept dims).
    private func fromDoubles(_ values: [Double], dim d: Int, keepDim: Bool) throws -> Tensor {
        try Tensor(shape: reducedShape(d, keepDim: keepDim), values: values).converted(to: dtype)
    }

    /// Whether reducing `d` walks each reduced run directly (its elements are adjacent, or there
    /// is only one run) rather than accumulating whole slices.
    private func reducesByRuns(_ d: Int) -> Bool {
        strides[d] == 1 || shape.count == 1 || count == shape[d]
    }

    /// Calls `body(run, stride, length, j)` for the run reduced into output element `j`.
    private func forEachReducedRun<T: KernelScalar>(_ d: Int, _: T.Type, _ body: (UnsafePointer<T>, Int, Int, Int) -> Void) {
        let outShape = reducedShape(d, keepDim: false)
        var outerStrides = strides
        outerStrides.remove(at: d)
        let base = UnsafePointer(mutablePointer(as: T.self))
        let n = shape[d], s = strides[d]
        StridedLoop(shape: outShape, strides: [Shape.contiguousStrides(outShape), outerStrides]).forEachRun { offsets, len, inner in
            for i in 0..<len { body(base + offsets[1] + i * inner[1], s, n, offsets[0] + i * inner[0]) }
        }
    }

    /// Calls `body(run, stride, length, outputOffset, k)` for each inner run of slice `k` of `d`
    /// (the slice's elements map to consecutive output elements from `outputOffset`).
    private func forEachSliceRun<T: KernelScalar>(_ d: Int, _: T.Type, _ body: (UnsafePointer<T>, Int, Int, Int, Int) -> Void) {
        let outShape = reducedShape(d, keepDim: false)
        var outerStrides = strides
        outerStrides.remove(at: d)
        let base = UnsafePointer(mutablePointer(as: T.self))
        let loop = StridedLoop(shape: outShape, strides: [Shape.contiguousStrides(outShape), outerStrides])
        for k in 0..<shape[d] {
            let slice = base + k * strides[d]
            loop.forEachRun { offsets, len, inner in
                body(slice + offsets[1], inner[1], len, offsets[0], k)
            }
        }
    }

    private func dimSums(_ d: Int) -> [Double] {
        switch dtype {
        case .float32: dimSums(d, Float.self)
        case .float64: dimSums(d, Double.self)
        }
    }

    private func dimSums<T: KernelScalar>(_ d: Int, _: T.Type) -> [Double] {
        let outCount = count == 0 ? reducedShape(d, keepDim: false).reduce(1, *) : count / shape[d]
        var acc = [Double](repeating: 0, count: outCount)
        acc.withUnsafeMutableBufferPointer { a in
            guard let out = a.baseAddress else { return }
            if reducesByRuns(d) {
                forEachReducedRun(d, T.self) { p, s, n, j in out[j] = Tensor.runSum(p, n, s) }
            } else {
                forEachSliceRun(d, T.self) { p, s, len, o, _ in
                    let q = out + o
                    if s == 1 {
                        for i in 0..<len { q[i] += Double(p[i]) }
                    } else {
                        for i in 0..<len { q[i] += Double(p[i * s]) }
                    }
                }
            }
        }
        return acc
    }

    private func dimVariances(_ d: Int, correction: Int) -> [Double] {
        let n = shape[d]
        let means = dimSums(d).map { $0 / Double(n) }
        var acc = [Double](repeating: 0, count: means.count)
        means.withUnsafeBufferPointer { m in
            acc.withUnsafeMutableBufferPointer { a in
                guard let out = a.baseAddress, let mean = m.baseAddress else { return }
                switch dtype {
                case .float32: dimSquaredDeviations(d, Float.self, mean, out)
                case .float64: dimSquaredDeviations(d, Double.self, mean, out)
                }
            }
        }
        let divisor = Double(n - correction)
        return acc.map { n - correction > 0 ? $0 / divisor : .nan }
    }

    private func dimSquaredDeviations<T: KernelScalar>(_ d: Int, _: T.Type, _ mean: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>) {
        if reducesByRuns(d) {
            forEachReducedRun(d, T.self) { p, s, n, j in out[j] = Tensor.squaredDeviations(p, n, s, mean[j]) }
        } else {
            forEachSliceRun(d, T.self) { p, s, len, o, _ in
                for i in 0..<len {
                    let x = Double(p[i * s]) - mean[o + i]
                    out[o + i] += x * x
                }
            }
        }
    }

    private func dimExtremes(_ dim: Int, smallest: Bool, keepDim: Bool, _ name: String) throws -> (values: Tensor, indices: Tensor) {
        let d = try Shape.normalizedDimension(dim, rank: rank)
        guard shape[d] > 0 else {
            throw EngineError.invalid(name, expected: "a non-empty dimension \(d)", given: "shape \(Shape.describe(shape))")
        }
        let outShape = reducedShape(d, keepDim: keepDim)
        let (values, indices): (Tensor, [Double])
        switch dtype {
        case .float32:
            let (v, i) = dimExtremes(d, Float.self, smallest: smallest)
            (values, indices) = (try Tensor(shape: outShape, values: v), i)
        case .float64:
            let (v, i) = dimExtremes(d, Double.self, smallest: smallest)
            (values, indices) = (try Tensor(shape: outShape, values: v), i)
        }
        return (values, try Tensor(shape: outShape, values: indices))
    }

    private func dimExtremes<T: KernelScalar>(_ d: Int, _: T.Type, smallest: Bool) -> ([T], [Double]) {
        let outCount = count / shape[d]
        var best = [T](repeating: 0, count: outCount)
        var where_ = [Double](repeating: 0, count: outCount)
        best.withUnsafeMutableBufferPointer { b in
            where_.withUnsafeMutableBufferPointer { w in
                guard let bp = b.baseAddress, let wp = w.baseAddress else { return }
                if reducesByRuns(d) {
                    forEachReducedRun(d, T.self) { p, s, n, j in
                        var v = p[0], at = 0
                        for i in 1..<Swift.max(n, 1) {
                            let x = p[i * s]
                            if v == v && (x != x || (smallest ? x < v : x > v)) { v = x; at = i }
                        }
                        bp[j] = v
                        wp[j] = Double(at)
                    }
                } else {
                    forEachSliceRun(d, T.self) { p, s, len, o, k in
                        if k == 0 {
                            for i in 0..<len { bp[o + i] = p[i * s] }
                            return
                        }
                        let kd = Double(k)
                        for i in 0..<len {
                            let x = p[i * s], v = bp[o + i]
                            if v == v && (x != x || (smallest ? x < v : x > v)) { bp[o + i] = x; wp[o + i] = kd }
                        }
                    }
                }
            }
        }
        return (best, where_)
    }
}
