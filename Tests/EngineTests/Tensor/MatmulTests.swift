import Testing
@testable import Engine

@Suite struct MatmulTests {
    /// Naive triple loop in Float64.
    func naive(_ a: Tensor, _ b: Tensor) throws -> [Double] {
        let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1])
        var out = [Double](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n { for p in 0..<k { out[i * n + j] += try a.element([i, p]) * b.element([p, j]) } } }
        return out
    }

    func close(_ x: [Double], _ y: [Double], _ tol: Double) -> Bool {
        x.count == y.count && zip(x, y).allSatisfy { Swift.abs($0 - $1) <= tol * Swift.max(1, Swift.abs($1)) }
    }

    @Test func matchesNaiveLoopForEveryLayout() throws {
        for dtype in DType.allCases {
            let tol = dtype == .float32 ? 1e-5 : 1e-12
            let a = try Tensor.randn([5, 7], seed: 1, dtype: dtype)
            let b = try Tensor.randn([7, 3], seed: 2, dtype: dtype)
            let want = try naive(a, b)
            #expect(close(try a.matmul(b).scalars(as: Double.self), want, tol))
            // Transposed views go to BLAS as transposed operands.
            let at = try Tensor.randn([7, 5], seed: 1, dtype: dtype).t()
            let bt = try Tensor.randn([3, 7], seed: 2, dtype: dtype).t()
            #expect(close(try at.matmul(bt).scalars(as: Double.self), try naive(at, bt), tol))
            // A strided (every other column) view is copied.
            let wide = try Tensor.randn([5, 14], seed: 3, dtype: dtype)
            let strided = try wide.sliced(1, start: 0, end: 14, step: 2)
            #expect(close(try strided.matmul(b).scalars(as: Double.self), try naive(strided, b), tol))
            // A narrowed (row-offset, leading-dimension > columns) view.
            let inner = try wide.narrowed(1, start: 3, length: 7)
            #expect(close(try inner.matmul(b).scalars(as: Double.self), try naive(inner, b), tol))
        }
        // Mixed types promote.
        let r = try Tensor.ones([2, 2], dtype: .float32).matmul(Tensor.ones([2, 2], dtype: .float64))
        #expect(r.dtype == .float64 && r.scalars(as: Double.self) == [2, 2, 2, 2])
    }

    @Test func vectorsAndBatches() throws {
        let a = try Tensor(shape: [2, 3], values: [1.0, 2, 3, 4, 5, 6])
        let v = try Tensor(shape: [3], values: [1.0, 0, -1])
        let mv = try a.matmul(v)
        #expect(mv.shape == [2] && mv.scalars(as: Double.self) == [-2, -2])
        let w = try Tensor(shape: [2], values: [1.0, 1])
        let vm = try w.matmul(a)
        #expect(vm.shape == [3] && vm.scalars(as: Double.self) == [5, 7, 9])
        #expect(try a.t().matmul(w).scalars(as: Double.self) == [5, 7, 9])
        let dot = try v.matmul(v)
        #expect(dot.shape == [] && dot.scalars(as: Double.self) == [2])
        #expect(try Tensor.ones([4], dtype: .float32).matmul(Tensor.ones([4], dtype: .float32)).item() == 4)
        // Batched: 2 × (2×3)·(3×2), and a 2-D operand broadcast over the batch.
        let batch = try Tensor.arange(0, 12, dtype: .float64).reshaped([2, 2, 3])
        let rhs = try Tensor.arange(0, 6, dtype: .float64).reshaped([3, 2])
        let out = try batch.matmul(rhs)
        #expect(out.shape == [2, 2, 2])
        for i in 0..<2 {
            let want = try batch.selected(0, index: i).matmul(rhs).scalars(as: Double.self)
            #expect(try out.selected(0, index: i).contiguous().scalars(as: Double.self) == want)
        }
        let both = try batch.matmul(Tensor.arange(0, 12, dtype: .float64).reshaped([2, 3, 2]))
        #expect(both.shape == [2, 2, 2])
        #expect(try batch.matmul(v).shape == [2, 2])
        #expect(try Tensor.ones([3]).matmul(Tensor.ones([4, 3, 5])).shape == [4, 5])
        // Empty inner size gives zeros; bad shapes are errors.
        #expect(try Tensor.ones([2, 0]).matmul(Tensor.ones([0, 3])).scalars(as: Double.self) == [0, 0, 0, 0, 0, 0])
        #expect(throws: EngineError.self) { try a.matmul(a) }
        #expect(throws: EngineError.self) { try Tensor.zeros([]).matmul(a) }
        #expect(throws: EngineError.self) { try Tensor.zeros([2, 2, 3]).matmul(Tensor.zeros([3, 3, 2])) }
    }
}
