/// Shape arithmetic shared by every tensor operation.
public enum Shape {
    /// Row-major strides for `shape`.
    public static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var step = 1
        for d in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[d] = step
            step *= max(shape[d], 1)
        }
        return strides
    }

    /// The element count of `shape`, after checking every size is non-negative and the
    /// product fits a storage.
    public static func validatedCount(_ shape: [Int]) throws -> Int {
        var count = 1
        for size in shape {
            guard size >= 0 else {
                throw EngineError.invalid("shape", expected: "non-negative sizes", given: describe(shape))
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow, product <= Storage.maxCount else {
                throw EngineError.invalid("shape", expected: "at most \(Storage.maxCount) elements", given: describe(shape))
            }
            count = product
        }
        return count
    }

    /// `d` as a dimension in `0..<rank`; negative values count from the end (-1 is the last).
    public static func normalizedDimension(_ d: Int, rank: Int) throws -> Int {
        let n = d < 0 ? d + rank : d
        guard n >= 0, n < rank else {
            throw EngineError.invalid("dimension", expected: rank == 0 ? "no dimension (the tensor is 0-d)" : "a dimension in 0..<\(rank)", given: "\(d)")
        }
        return n
    }

    /// The shape NumPy's broadcasting rules give for two shapes: align from the right; sizes
    /// must be equal or one of them 1.
    public static func broadcast(_ a: [Int], _ b: [Int]) throws -> [Int] {
        let rank = max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let sa = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let sb = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            if sa == sb || sb == 1 {
                result[i] = sa
            } else if sa == 1 {
                result[i] = sb
            } else {
                throw EngineError.invalid("broadcast", expected: "shapes that are equal or 1 in each trailing dimension", given: "\(describe(a)) and \(describe(b))")
            }
        }
        return result
    }

    /// `shape` with one `-1` replaced by the size that makes the element count `count`.
    public static func inferred(_ shape: [Int], count: Int) throws -> [Int] {
        var result = shape
        let unknown = shape.indices.filter { shape[$0] == -1 }
        guard unknown.count <= 1 else {
            throw EngineError.invalid("shape", expected: "at most one -1", given: describe(shape))
        }
        for size in shape where size < -1 {
            throw EngineError.invalid("shape", expected: "sizes ≥ 0 (or one -1)", given: describe(shape))
        }
        let known = try validatedCount(shape.filter { $0 != -1 })
        if let u = unknown.first {
            guard known > 0, count % known == 0 else {
                throw EngineError.invalid("shape", expected: "a shape with \(count) elements", given: describe(shape))
            }
            result[u] = count / known
        } else if known != count {
            throw EngineError.invalid("shape", expected: "a shape with \(count) elements", given: "\(describe(shape)) (\(known) elements)")
        }
        return result
    }

    /// `[2, 3]` written as `2×3` (`scalar` for a 0-d shape).
    public static func describe(_ shape: [Int]) -> String {
        shape.isEmpty ? "scalar" : shape.map(String.init).joined(separator: "×")
    }
}
