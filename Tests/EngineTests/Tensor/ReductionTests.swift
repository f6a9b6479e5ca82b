import Testing
@testable import Engine

@Suite struct ReductionTests {
    @Test func wholeTensorReductions() throws {
        for dtype in DType.allCases {
            let x = try Tensor(shape: [2, 3], values: [3.0, 1, 4, 1, 5, 9]).converted(to: dtype)
            #expect(x.sum() == 23)
            #expect(Swift.abs(x.mean() - 23.0 / 6) < 1e-12)
            // Unbiased: Σ(x−m)² = 39.5 − wait: values 3,1,4,1,5,9 → mean 23/6.
            let m = 23.0 / 6
            let ss = [3.0, 1, 4, 1, 5, 9].reduce(0) { $0 + ($1 - m) * ($1 - m) }
            #expect(Swift.abs(x.variance() - ss / 5) < 1e-12)
            #expect(Swift.abs(x.variance(correction: 0) - ss / 6) < 1e-12)
            #expect(Swift.abs(x.standardDeviation() - (ss / 5).squareRoot()) < 1e-12)
            #expect(try x.maxElement() == 9 && x.minElement() == 1)
            #expect(try x.argmax() == 5 && x.argmin() == 1)  // first of the two 1s
            // A transposed view: row-major index of the view.
            let v = try x.t()  // [[3,1],[1,5],[4,9]]
            #expect(try v.argmin() == 1 && v.argmax() == 5 && v.sum() == 23)
        }
        #expect(try Tensor.zeros([0]).sum() == 0)
        #expect(try Tensor.zeros([0]).mean().isNaN)
        #expect(try Tensor.ones([1]).variance().isNaN)
        #expect(throws: EngineError.self) { try Tensor.zeros([0, 2]).maxElement() }
        #expect(throws: EngineError.self) { try Tensor.zeros([0]).argmax() }
        let withNaN = try Tensor(shape: [4], values: [1.0, .nan, 7, .nan])
        #expect(try withNaN.maxElement().isNaN && withNaN.minElement().isNaN)
        #expect(try withNaN.argmax() == 1)
    }

    @Test func largeSumsAreAccurate() throws {
        // 10^6 copies of 0.1f: naive float accumulation drifts by ~1%; ours is exact to float64.
        let n = 1_000_000
        let x = try Tensor.full([n], value: 0.1, dtype: .float32)
        let expected = Double(Float(0.1)) * Double(n)
        #expect(Swift.abs(x.sum() - expected) < 1e-6)
        // SIMD lanes and tails: every length around the block sizes.
        for len in [1, 7, 31, 32, 33, 1023, 1024, 1025, 2049] {
            let y = try Tensor.arange(0, Double(len), dtype: .float32)
            #expect(y.sum() == Double(len * (len - 1) / 2))
            let z = try Tensor.arange(0, Double(len), dtype: .float64)
            #expect(z.sum() == Double(len * (len - 1) / 2))
            #expect(try y.maxElement() == Double(len - 1) && y.minElement() == 0)
            let r = try z.applying(.negate)
            #expect(try r.maxElement() == 0 && r.minElement() == -Double(len - 1))
        }
        // NaN deep inside a SIMD block is seen.
        let big = try Tensor.zeros([100])
        try big.setElement([67], .nan)
        #expect(try big.maxElement().isNaN)
    }

    @Test func reductionsAlongADimension() throws {
        for dtype in DType.allCases {
            let x = try Tensor.arange(0, 24, dtype: dtype).reshaped([2, 3, 4])
            let s1 = try x.sum(dim: 1)
            #expect(s1.shape == [2, 4] && s1.dtype == dtype)
            #expect(s1.scalars(as: Double.self) == [12, 15, 18, 21, 48, 51, 54, 57])
            #expect(try x.sum(dim: 2).scalars(as: Double.self) == [6, 22, 38, 54, 70, 86])
            #expect(try x.sum(dim: 0, keepDim: true).shape == [1, 3, 4])
            #expect(try x.sum(dim: -1).shape == [2, 3])
            #expect(try x.mean(dim: 0).scalars(as: Double.self) == (0..<12).map { Double($0) + 6 })
            // Column variance of [[0..3],[4..7],[8..11]]: each column 0,4,8 → var 16 (unbiased).
            let v = try x.selected(0, index: 0).variance(dim: 0)
            #expect(v.scalars(as: Double.self) == [16, 16, 16, 16])
            #expect(try x.selected(0, index: 0).variance(dim: 0, correction: 0).scalars(as: Double.self).allSatisfy { Swift.abs($0 - 32.0 / 3) < 1e-5 })
            #expect(try x.selected(0, index: 0).standardDeviation(dim: 1).scalars(as: Double.self).allSatisfy { Swift.abs($0 - (5.0 / 3).squareRoot()) < 1e-6 })
            let (values, indices) = try x.maxElements(dim: 1)
            #expect(values.scalars(as: Double.self) == [8, 9, 10, 11, 20, 21, 22, 23])
            #expect(indices.scalars(as: Double.self) == [2, 2, 2, 2, 2, 2, 2, 2])
            #expect(indices.dtype == .float64)
            let (mins, at) = try x.minElements(dim: 2, keepDim: true)
            #expect(mins.shape == [2, 3, 1] && mins.scalars(as: Double.self) == [0, 4, 8, 12, 16, 20])
            #expect(at.scalars(as: Double.self) == [0, 0, 0, 0, 0, 0])
            // Transposed input: both strategies (runs and slices) agree.
            let xt = try x.permuted([2, 0, 1])  // 4×2×3
            #expect(try xt.sum(dim: 0).scalars(as: Double.self) == x.sum(dim: 2).scalars(as: Double.self))
            #expect(try xt.sum(dim: 2).scalars(as: Double.self) == x.sum(dim: 1).t().contiguous().scalars(as: Double.self))
            #expect(try xt.argmax(dim: 0).scalars(as: Double.self) == [Double](repeating: 3, count: 6))
        }
        let m = try Tensor(shape: [3, 2], values: [1.0, 5, 7, .nan, 7, 2])
        #expect(try m.argmax(dim: 0).scalars(as: Double.self) == [1, 1])  // first 7; NaN wins
        #expect(try m.argmin(dim: 1).scalars(as: Double.self) == [0, 1, 1])
        #expect(throws: EngineError.self) { try m.sum(dim: 2) }
        #expect(throws: EngineError.self) { try Tensor.zeros([2, 0]).maxElements(dim: 1) }
        #expect(try Tensor.zeros([2, 0]).sum(dim: 1).scalars(as: Double.self) == [0, 0])
        #expect(try Tensor.zeros([2, 0]).sum(dim: 0).shape == [0])
    }
}
