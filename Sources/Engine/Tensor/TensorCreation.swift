/// Factories: zeros, ones, full, eye, arange, linspace, rand, randn.
extension Tensor {
    /// A tensor of `shape` with every element `value`.
    public static func full(_ shape: [Int], value: Double, dtype: DType = .float32) throws -> Tensor {
        let t = try Tensor(shape: shape, dtype: dtype, zeroed: value == 0)
        if value != 0 { t.fill(value) }
        return t
    }

    /// Zeros of `shape`.
    public static func zeros(_ shape: [Int], dtype: DType = .float32) throws -> Tensor {
        try Tensor(zeros: shape, dtype: dtype)
    }

    /// Ones of `shape`.
    public static func ones(_ shape: [Int], dtype: DType = .float32) throws -> Tensor {
        try full(shape, value: 1, dtype: dtype)
    }

    /// The `rows`×`columns` identity (ones on the main diagonal).
    public static func eye(_ rows: Int, _ columns: Int? = nil, dtype: DType = .float32) throws -> Tensor {
        let cols = columns ?? rows
        let t = try Tensor(zeros: [rows, cols], dtype: dtype)
        for i in 0..<min(rows, cols) { try t.setElement([i, i], 1) }
        return t
    }

    /// `start, start+step, …` strictly before `end` (NumPy's arange; the count is
    /// ceil((end − start) / step)).
    public static func arange(_ start: Double, _ end: Double, step: Double = 1, dtype: DType = .float32) throws -> Tensor {
        guard step != 0, step.isFinite, start.isFinite, end.isFinite else {
            throw EngineError.invalid("arange", expected: "finite start, end and a non-zero step", given: "start \(start), end \(end), step \(step)")
        }
        let steps = ((end - start) / step).rounded(.up)
        guard steps <= Double(Storage.maxCount) else {
            throw EngineError.invalid("arange", expected: "at most \(Storage.maxCount) values", given: "start \(start), end \(end), step \(step)")
        }
        let n = Swift.max(0, Int(steps))
        let t = try Tensor(shape: [n], dtype: .float64, zeroed: false)
        let p = t.mutablePointer(as: Double.self)
        for i in 0..<n { p[i] = start + Double(i) * step }
        return try t.converted(to: dtype)
    }

    /// `count` evenly spaced values from `start` to `end` inclusive.
    public static func linspace(_ start: Double, _ end: Double, count: Int, dtype: DType = .float32) throws -> Tensor {
        guard count >= 0 else {
            throw EngineError.invalid("linspace", expected: "a count ≥ 0", given: "\(count)")
        }
        guard start.isFinite, end.isFinite else {
            throw EngineError.invalid("linspace", expected: "finite start and end", given: "start \(start), end \(end)")
        }
        let t = try Tensor(shape: [count], dtype: .float64, zeroed: false)
        let p = t.mutablePointer(as: Double.self)
        let step = count > 1 ? (end - start) / Double(count - 1) : 0
        for i in 0..<count { p[i] = i == count - 1 && count > 1 ? end : start + Double(i) * step }
        return try t.converted(to: dtype)
    }

    /// Uniform values in [low, high) from a generator seeded with `seed` (see ``RandomGenerator``).
    public static func rand(_ shape: [Int], seed: UInt64, low: Double = 0, high: Double = 1, dtype: DType = .float32) throws -> Tensor {
        var rng = RandomGenerator(seed: seed)
        return try rand(shape, generator: &rng, low: low, high: high, dtype: dtype)
    }

    /// Uniform values in [low, high) drawn from `generator`.
    public static func rand(_ shape: [Int], generator: inout RandomGenerator, low: Double = 0, high: Double = 1, dtype: DType = .float32) throws -> Tensor {
        let t = try Tensor(shape: shape, dtype: dtype, zeroed: false)
        let width = high - low
        switch dtype {
        case .float32:
            let p = t.mutablePointer(as: Float.self)
            let (l, w) = (Float(low), Float(width))
            for i in 0..<t.count { p[i] = l + w * generator.nextFloat() }
        case .float64:
            let p = t.mutablePointer(as: Double.self)
            for i in 0..<t.count { p[i] = low + width * generator.nextDouble() }
        }
        return t
    }

    /// Normal values with `mean` and `std` from a generator seeded with `seed`.
    public static func randn(_ shape: [Int], seed: UInt64, mean: Double = 0, std: Double = 1, dtype: DType = .float32) throws -> Tensor {
        var rng = RandomGenerator(seed: seed)
        return try randn(shape, generator: &rng, mean: mean, std: std, dtype: dtype)
    }

    /// Normal values with `mean` and `std` drawn from `generator`.
    public static func randn(_ shape: [Int], generator: inout RandomGenerator, mean: Double = 0, std: Double = 1, dtype: DType = .float32) throws -> Tensor {
        let t = try Tensor(shape: shape, dtype: dtype, zeroed: false)
        switch dtype {
        case .float32:
            let p = t.mutablePointer(as: Float.self)
            for i in 0..<t.count { p[i] = Float(mean + std * generator.nextNormal()) }
        case .float64:
            let p = t.mutablePointer(as: Double.self)
            for i in 0..<t.count { p[i] = mean + std * generator.nextNormal() }
        }
        return t
    }
}
