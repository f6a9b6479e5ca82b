import Testing
@testable import Engine
import TensorKernels
import TensorKernelsAVX2
import TensorKernelsAVX512
#if canImport(Glibc)
import Glibc
#endif

@Suite struct ElementwiseTests {
    func t(_ shape: [Int], _ values: [Double], _ dtype: DType = .float64) throws -> Tensor {
        try Tensor(shape: shape, values: values).converted(to: dtype)
    }

    @Test func broadcastingFollowsNumPy() throws {
        for dtype in DType.allCases {
            let column = try t([3, 1], [1, 2, 3], dtype)
            let row = try t([4], [10, 20, 30, 40], dtype)
            let sum = try column + row
            #expect(sum.shape == [3, 4])
            #expect(sum.dtype == dtype)
            #expect(sum.scalars(as: Double.self) == [11, 21, 31, 41, 12, 22, 32, 42, 13, 23, 33, 43])
            // Leading dimensions of size 1 and a 0-d operand.
            let cube = try t([2, 1, 2], [1, 2, 3, 4], dtype)
            let prod = try cube * t([3, 1], [1, 10, 100], dtype)
            #expect(prod.shape == [2, 3, 2])
            #expect(prod.scalars(as: Double.self) == [1, 2, 10, 20, 100, 200, 3, 4, 30, 40, 300, 400])
            #expect(try (cube - Tensor.scalar(1, dtype: dtype)).scalars(as: Double.self) == [0, 1, 2, 3])
        }
        #expect(throws: EngineError.self) { try Tensor.zeros([2, 3]) + Tensor.zeros([2]) }
        #expect(throws: EngineError.self) { try Tensor.zeros([4, 3]) * Tensor.zeros([2, 3]) }
        // Empty shapes broadcast too.
        #expect(try (Tensor.zeros([0, 3]) + Tensor.ones([3])).shape == [0, 3])
    }

    @Test func promotionAndScalars() throws {
        let f = try t([2], [1.5, 2.5], .float32)
        let d = try t([2], [1, 1], .float64)
        #expect(try (f + d).dtype == .float64)
        #expect(try (d + f).dtype == .float64)
        #expect(try (f + 1).dtype == .float32)
        #expect(try (2 - f).scalars(as: Double.self) == [0.5, -0.5])
        #expect(try (3 / t([2], [2, 4])).scalars(as: Double.self) == [1.5, 0.75])
        #expect(try (f / 0.5).scalars(as: Double.self) == [3, 5])
        // A scalar takes the tensor's type: 0.1 rounds to Float.
        #expect(try (Tensor.zeros([1]) + 0.1).scalars(as: Float.self) == [Float(0.1)])
    }

    @Test func nonContiguousOperands() throws {
        let a = try Tensor.arange(0, 12, dtype: .float64).reshaped([3, 4])
        let at = try a.t()  // 4×3, strides (1, 4)
        let b = try Tensor.arange(0, 12, dtype: .float64).reshaped([4, 3])
        let sum = try at + b
        var expected: [Double] = []
        for i in 0..<4 { for j in 0..<3 { expected.append(Double(j * 4 + i) + Double(i * 3 + j)) } }
        #expect(sum.scalars(as: Double.self) == expected)
        let every2 = try a.sliced(1, start: 0, end: 4, step: 2)  // columns 0, 2
        #expect(try (every2 * 2).scalars(as: Double.self) == [0, 4, 8, 12, 16, 20])
    }

    @Test func powerMinimumMaximumAndComparisons() throws {
        let x = try t([4], [-2, 0, 3, .nan])
        let y = try t([4], [1, 0, 5, 1])
        #expect(try x.power(2).scalars(as: Double.self)[0..<3] == [4, 0, 9])
        #expect(try t([3], [4, 9, 16]).power(0.5).scalars(as: Double.self) == [2, 3, 4])
        #expect(try t([2], [2, 3]).power(t([2], [3, 2])).scalars(as: Double.self) == [8, 9])
        #expect(try t([2], [2, 4]).power(-1).scalars(as: Double.self) == [0.5, 0.25])
        let mn = try x.minimum(y).scalars(as: Double.self)
        #expect(mn[0..<3] == [-2, 0, 3] && mn[3].isNaN)
        let mx = try y.maximum(x).scalars(as: Double.self)
        #expect(mx[0..<3] == [1, 0, 5] && mx[3].isNaN)
        #expect(try x.applying(.equal, y).scalars(as: Double.self) == [0, 1, 0, 0])
        #expect(try x.applying(.notEqual, y).scalars(as: Double.self) == [1, 0, 1, 1])
        #expect(try x.applying(.less, y).scalars(as: Double.self) == [1, 0, 1, 0])
        #expect(try x.applying(.lessEqual, y).scalars(as: Double.self) == [1, 1, 1, 0])
        #expect(try x.applying(.greater, y).scalars(as: Double.self) == [0, 0, 0, 0])
        #expect(try x.applying(.greaterEqual, y).scalars(as: Double.self) == [0, 1, 0, 0])
        #expect(try x.applying(.greater, scalar: -1).scalars(as: Double.self) == [0, 1, 1, 0])
    }

    @Test func unaryFunctionsHaveKnownValues() throws {
        for dtype in DType.allCases {
            let x = try t([5], [-1.5, -0.5, 0, 0.5, 2.5], dtype)
            #expect(try x.applying(.abs).scalars(as: Double.self) == [1.5, 0.5, 0, 0.5, 2.5])
            #expect(try x.applying(.negate).scalars(as: Double.self) == [1.5, 0.5, 0, -0.5, -2.5])
            #expect(try x.applying(.relu).scalars(as: Double.self) == [0, 0, 0, 0.5, 2.5])
            #expect(try x.applying(.sign).scalars(as: Double.self) == [-1, -1, 0, 1, 1])
            #expect(try x.applying(.floor).scalars(as: Double.self) == [-2, -1, 0, 0, 2])
            #expect(try x.applying(.ceil).scalars(as: Double.self) == [-1, -0, 0, 1, 3])
            #expect(try x.applying(.round).scalars(as: Double.self) == [-2, -0, 0, 0, 2])  // halves to even
            #expect(try x.clamped(low: -1, high: 1).scalars(as: Double.self) == [-1, -0.5, 0, 0.5, 1])
            #expect(try x.clamped(low: nil, high: 0).scalars(as: Double.self) == [-1.5, -0.5, 0, 0, 0])
            let s = try x.applying(.sigmoid).scalars(as: Double.self)
            #expect(Swift.abs(s[2] - 0.5) < 1e-7 && Swift.abs(s[4] - 1 / (1 + Glibc.exp(-2.5))) < 1e-7)
            let positive = try t([3], [1, 4, M_E * M_E], dtype)
            let lg = try positive.applying(.log).scalars(as: Double.self)
            #expect(Swift.abs(lg[2] - 2) < 1e-6 && lg[0] == 0)
            #expect(try positive.applying(.sqrt).scalars(as: Double.self)[0..<2] == [1, 2])
            let angles = try t([2], [0, Double.pi / 2], dtype)
            #expect(Swift.abs(try angles.applying(.sin).scalars(as: Double.self)[1] - 1) < 1e-7)
            #expect(Swift.abs(try angles.applying(.cos).scalars(as: Double.self)[0] - 1) < 1e-7)
            #expect(Swift.abs(try t([1], [0.5], dtype).applying(.tanh).item() - Glibc.tanh(0.5)) < 1e-7)
        }
        // In place.
        let y = try t([2], [4, 9])
        y.apply(.sqrt)
        #expect(y.scalars(as: Double.self) == [2, 3])
    }

    @Test func vectorExpMatchesTheCLibrary() throws {
        // Float: within 2 ulp over the whole finite range, exact limits at the ends.
        var worstFloat: Float = 0
        var x: Float = -110
        while x < 90 {
            let got = VectorExp.exp(x), want = expf(x)
            if want.isFinite && want > Float.leastNormalMagnitude {
                worstFloat = Swift.max(worstFloat, Swift.abs(got - want) / want.ulp)
            } else if want == .infinity {
                #expect(got == .infinity)
            } else {
                #expect(Swift.abs(got - want) <= Float.leastNonzeroMagnitude * 2)
            }
            x += 0.0137
        }
        #expect(worstFloat <= 2)
        var worstDouble = 0.0
        var y = -750.0
        while y < 712 {
            let got = VectorExp.exp(y), want = Glibc.exp(y)
            if want.isFinite && want > Double.leastNormalMagnitude {
                worstDouble = Swift.max(worstDouble, Swift.abs(got - want) / want.ulp)
            } else if want == .infinity {
                #expect(got == .infinity)
            }
            y += 0.0731
        }
        #expect(worstDouble <= 2)
        #expect(VectorExp.exp(Float.nan).isNaN && VectorExp.exp(Double.nan).isNaN)
        #expect(VectorExp.exp(-Float.infinity) == 0 && VectorExp.exp(Double.infinity) == .infinity)
        #expect(VectorExp.exp(Float(0)) == 1 && VectorExp.exp(0.0) == 1)
    }

    @Test func inPlaceOperations() throws {
        let a = try t([2, 2], [1, 2, 3, 4])
        try a.add(try t([2, 2], [1, 1, 1, 1]), scaledBy: 0.5)
        #expect(a.scalars(as: Double.self) == [1.5, 2.5, 3.5, 4.5])
        try a.add(try t([2], [10, 20]))  // broadcast row, generic path
        #expect(a.scalars(as: Double.self) == [11.5, 22.5, 13.5, 24.5])
        a.multiply(by: 2)
        #expect(a.scalars(as: Double.self) == [23, 45, 27, 49])
        try a.apply(.subtract, scalar: 3)
        try a.apply(.divide, try t([2, 1], [2, 4]))
        #expect(a.scalars(as: Double.self) == [10, 21, 6, 11.5])
        #expect(throws: EngineError.self) { try a.apply(.add, try Tensor.zeros([3])) }
        #expect(throws: EngineError.self) { try Tensor.zeros([2]).apply(.add, try Tensor.zeros([2, 2])) }
        // A transposed view of itself as operand reads the old values.
        let m = try t([2, 2], [1, 2, 3, 4])
        try m.apply(.add, try m.t())
        #expect(m.scalars(as: Double.self) == [2, 5, 5, 8])
        // Writing through a view writes the base.
        let base = try Tensor.zeros([2, 3], dtype: .float32)
        try base.selected(1, index: 1).apply(.add, scalar: 7)
        #expect(base.scalars(as: Float.self) == [0, 7, 0, 0, 7, 0])
    }

    @Test func hugeViewShapesAreErrorsNotOverflows() throws {
        let t = try Tensor.zeros([2, 3])
        #expect(throws: EngineError.self) { try t.expanded(to: [1 << 62, 2, 3]) }
        #expect(throws: EngineError.self) { try t.reshaped([1 << 62, 4, -1]) }
        #expect(throws: EngineError.self) { try t.view([1 << 40, 1 << 40]) }
        #expect(throws: EngineError.self) { try Tensor.arange(0, 1e300) }
    }

    /// One build of the kernels: exp, sigmoid and extreme for both element types.
    struct KernelBuild {
        let name: String
        let expF: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void
        let expD: (UnsafePointer<Double>, UnsafeMutablePointer<Double>, Int) -> Void
        let sigmoidF: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void
        let sigmoidD: (UnsafePointer<Double>, UnsafeMutablePointer<Double>, Int) -> Void
        let extremeF: (UnsafePointer<Float>, Int, Bool) -> Float
        let extremeD: (UnsafePointer<Double>, Int, Bool) -> Double
    }

    /// The AVX builds this machine can run (none elsewhere: then there is nothing to compare).
    var wideBuilds: [KernelBuild] {
        var builds: [KernelBuild] = []
        if CPUFeatures.hasAVX2 {
            builds.append(KernelBuild(name: "avx2", expF: AVX2Kernels.exp, expD: AVX2Kernels.exp, sigmoidF: AVX2Kernels.sigmoid,
                                      sigmoidD: AVX2Kernels.sigmoid, extremeF: { AVX2Kernels.extreme($0, $1, smallest: $2) },
                                      extremeD: { AVX2Kernels.extreme($0, $1, smallest: $2) }))
        }
        if CPUFeatures.hasAVX512 {
            builds.append(KernelBuild(name: "avx512", expF: AVX512Kernels.exp, expD: AVX512Kernels.exp, sigmoidF: AVX512Kernels.sigmoid,
                                      sigmoidD: AVX512Kernels.sigmoid, extremeF: { AVX512Kernels.extreme($0, $1, smallest: $2) },
                                      extremeD: { AVX512Kernels.extreme($0, $1, smallest: $2) }))
        }
        return builds
    }

    @Test func wideKernelBuildsMatchTheBaselineBitForBit() throws {
        var xs: [Float] = [0, -0.0, 1, -1, 88.7, 88.8, -87.3, -103.9, -104.5, .infinity, -.infinity, .nan, 1e-30]
        var x: Float = -110
        while x < 90 { xs.append(x); x += 0.377 }
        var ds: [Double] = [0, -0.0, 709.7, 709.8, -708.5, -745.2, -746, .infinity, -.infinity, .nan]
        var y = -750.0
        while y < 712 { ds.append(y); y += 1.37 }
        var baseF = [Float](repeating: 0, count: xs.count), baseD = [Double](repeating: 0, count: ds.count)
        var sigF = baseF, sigD = baseD
        VectorLoops.exp(xs, &baseF, xs.count)
        VectorLoops.exp(ds, &baseD, ds.count)
        VectorLoops.sigmoid(xs, &sigF, xs.count)
        VectorLoops.sigmoid(ds, &sigD, ds.count)
        for build in wideBuilds {
            var f = [Float](repeating: 0, count: xs.count), d = [Double](repeating: 0, count: ds.count)
            build.expF(xs, &f, xs.count)
            #expect(zip(f, baseF).allSatisfy { $0.bitPattern == $1.bitPattern }, "\(build.name) exp float")
            build.expD(ds, &d, ds.count)
            #expect(zip(d, baseD).allSatisfy { $0.bitPattern == $1.bitPattern }, "\(build.name) exp double")
            build.sigmoidF(xs, &f, xs.count)
            #expect(zip(f, sigF).allSatisfy { $0.bitPattern == $1.bitPattern }, "\(build.name) sigmoid float")
            build.sigmoidD(ds, &d, ds.count)
            #expect(zip(d, sigD).allSatisfy { $0.bitPattern == $1.bitPattern }, "\(build.name) sigmoid double")
        }
        // Extremes: every length around the 32/16-element blocks, NaN anywhere, in every build.
        for n in [1, 2, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100] {
            let f = (0..<n).map { Float(($0 * 37) % 101) - 50 }
            let g = f.map(Double.init)
            for smallest in [false, true] {
                let want = smallest ? f.min()! : f.max()!
                #expect(VectorLoops.extreme(f, n, smallest: smallest) == want)
                #expect(VectorLoops.extreme(g, n, smallest: smallest) == Double(want))
                for build in wideBuilds {
                    #expect(build.extremeF(f, n, smallest) == want, "\(build.name) n \(n)")
                    #expect(build.extremeD(g, n, smallest) == Double(want), "\(build.name) n \(n)")
                }
            }
            for at in [0, n / 2, n - 1] {
                var h = g
                h[at] = .nan
                #expect(VectorLoops.extreme(h, n, smallest: true).isNaN)
                for build in wideBuilds { #expect(build.extremeD(h, n, false).isNaN && build.extremeF(h.map(Float.init), n, true).isNaN) }
            }
        }
        // The tensor path (which dispatches to the best build) equals the scalar function.
        let t = try Tensor(shape: [xs.count], values: xs)
        #expect(try t.applying(.exp).scalars(as: Float.self).map(\.bitPattern) == xs.map { VectorExp.exp($0).bitPattern })
    }
}
