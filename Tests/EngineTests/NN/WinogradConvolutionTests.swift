import Testing
@testable import Engine

/// The Winograd route (``WinogradConv2d``, F(2×2, 3×3)) against im2col + sgemm, a hand-computed
/// answer, batch independence, finite differences, and where it is chosen. It runs only on CPUs
/// with AVX-512 (the tests return early elsewhere).
@Suite struct WinogradConvolutionTests {
    func close(_ a: [Float], _ b: [Float], _ tolerance: Float) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
    }

    /// Channel counts off the kernels' multiples of 8 and 16, planes from 2×2 up (rows of tiles
    /// shorter than, equal to and longer than a vector), non-square planes, batches of 1, 3 and
    /// one larger than a block; forward, input gradient (also Winograd), weight gradient, and a
    /// folded BatchNorm.
    @Test func winogradAndIm2colAgree() throws {
        guard CPUFeatures.hasAVX512 else { return }
        var rng = RandomGenerator(seed: 61)
        let cases: [(c: Int, k: Int, h: Int, w: Int, batch: Int)] = [
            (3, 5, 8, 8, 3), (16, 16, 32, 32, 5), (17, 9, 6, 10, 3), (1, 33, 2, 2, 1), (20, 130, 4, 4, 3),
            (8, 8, 40, 40, 2), (5, 7, 2, 34, 3), (64, 24, 16, 16, 3), (9, 1, 12, 4, 1),
        ]
        for t in cases {
            let fast = try Conv2d(inChannels: t.c, outChannels: t.k, kernel: (3, 3), padding: (1, 1), generator: &rng)
            fast.routePreference = .prefer(.winograd)
            let reference = try #require(try fast.copy() as? Conv2d)
            reference.routePreference = .prefer(.im2col)
            let label = "\(t.c)→\(t.k) \(t.h)×\(t.w) batch \(t.batch)"
            let plan = fast.plan(height: t.h, width: t.w, batch: t.batch)
            #expect(plan.forward == .winograd, "\(label)")
            #expect(plan.inputGradient == .winograd, "\(label)")
            #expect(reference.plan(height: t.h, width: t.w, batch: t.batch).forward != .winograd)
            let x = try Tensor.randn([t.batch, t.c, t.h, t.w], seed: 62)
            let y1 = try fast.forward(x).scalars(as: Float.self), y2 = try reference.forward(x).scalars(as: Float.self)
            #expect(close(y1, y2, 1e-4), "forward \(label)")
            let dy = try Tensor.randn(try #require(fast.output).shape, seed: 63)
            let dx1 = try fast.backward(dy).scalars(as: Float.self), dx2 = try reference.backward(dy).scalars(as: Float.self)
            #expect(close(dx1, dx2, 1e-4), "input gradient \(label)")
            let g1 = fast.weight.gradient.scalars(as: Float.self), g2 = reference.weight.gradient.scalars(as: Float.self)
            #expect(close(g1, g2, 1e-3), "weight gradient \(label)")
            let scale = (0..<t.k).map { Float($0 % 5) * 0.25 - 0.6 }, shift = (0..<t.k).map { Float($0 % 3) - 1 }
            let a1 = try fast.forward(x, then: (scale, shift)).scalars(as: Float.self)
            let a2 = try reference.forward(x, then: (scale, shift)).scalars(as: Float.self)
            #expect(close(a1, a2, 1e-4), "folded affine \(label)")
        }
    }

    /// A hand-computed answer, exact in float32: a 4×6 image of ones and kernels of ones
    /// (times o+1 for output o, bias 10·o) count the in-image taps of each window: 4 at the
    /// corners, 6 on the edges, 9 inside. The input gradient of all-ones ∂y is the same count
    /// times Σ_o (o+1).
    @Test func knownAnswer() throws {
        guard CPUFeatures.hasAVX512 else { return }
        var rng = RandomGenerator(seed: 64)
        let conv = try Conv2d(inChannels: 1, outChannels: 3, kernel: (3, 3), padding: (1, 1), generator: &rng)
        conv.routePreference = .prefer(.winograd)
        let w = conv.weight.value.mutablePointer(as: Float.self)
        for o in 0..<3 { for t in 0..<9 { w[o * 9 + t] = Float(o + 1) } }
        let b = try #require(conv.bias).value.mutablePointer(as: Float.self)
        for o in 0..<3 { b[o] = Float(o) * 10 }
        let x = try Tensor(shape: [1, 1, 4, 6], values: [Float](repeating: 1, count: 24))
        let y = try conv.forward(x).scalars(as: Float.self)
        var taps: [Float] = []
        for r in 0..<4 { for c in 0..<6 { taps.append(Float(((r == 0 || r == 3) ? 2 : 3) * ((c == 0 || c == 5) ? 2 : 3))) } }
        let expected = (0..<3).flatMap { o in taps.map { $0 * Float(o + 1) + Float(o) * 10 } }
        #expect(y == expected)
        let ones = try Tensor(shape: [1, 3, 4, 6], values: [Float](repeating: 1, count: 72))
        #expect(try conv.backward(ones).scalars(as: Float.self) == taps.map { $0 * 6 })
    }

    /// Each sample gets the bits it gets alone, however the batch is split into blocks and
    /// between workers.
    @Test func samplesAreIndependentOfTheBatch() throws {
        guard CPUFeatures.hasAVX512 else { return }
        var rng = RandomGenerator(seed: 65)
        let conv = try Conv2d(inChannels: 16, outChannels: 24, kernel: (3, 3), padding: (1, 1), generator: &rng)
        conv.routePreference = .prefer(.winograd)
        let x = try Tensor.randn([7, 16, 32, 32], seed: 66)
        let all = try conv.forward(x).scalars(as: Float.self)
        let size = 24 * 32 * 32
        for j in 0..<7 {
            let one = try conv.forward(try x.narrowed(0, start: j, length: 1).contiguous()).scalars(as: Float.self)
            #expect(Array(all[(j * size)..<((j + 1) * size)]) == one, "sample \(j)")
        }
    }

    /// Finite differences through the Winograd forward pass and input gradient.
    @Test func gradientsMatchFiniteDifferences() throws {
        guard CPUFeatures.hasAVX512 else { return }
        var rng = RandomGenerator(seed: 67)
        let conv = try Conv2d(inChannels: 3, outChannels: 5, kernel: (3, 3), padding: (1, 1), generator: &rng)
        conv.routePreference = .prefer(.winograd)
        let failures = try GradientCheck.check(conv, input: try Tensor.randn([2, 3, 6, 4], seed: 68))
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }

    /// Where the route is taken by default: large planes, and small ones only with many
    /// channels; never for other kernels, strides, paddings or odd sizes. (The planner under
    /// default settings on an AVX-512 machine, so this runs on every CPU.)
    @Test func routeChoice() throws {
        let machine = ConvMachine(level: .avx512, hasFMA: true)
        func applies(_ c: Int, _ k: Int, kernel: Int = 3, stride: Int = 1, pad: Int = 1, height: Int, width: Int,
                     preference: ConvRoutePreference = .measured) -> Bool {
            let g = ConvGeometry(inChannels: c, outChannels: k, kernel: (kernel, kernel), stride: (stride, stride),
                                 padding: (pad, pad), height: height, width: width, batch: 128)
            return ConvPlanner.plan(g, preference: preference, settings: Settings(), machine: machine).forward == .winograd
        }
        #expect(applies(16, 16, height: 32, width: 32))
        #expect(applies(64, 64, height: 16, width: 16))
        #expect(applies(64, 64, height: 8, width: 8))
        #expect(applies(16, 16, height: 16, width: 16))
        #expect(!applies(32, 32, height: 8, width: 8))
        #expect(!applies(512, 512, height: 4, width: 4))
        #expect(!applies(3, 16, height: 32, width: 32))
        #expect(!applies(16, 16, stride: 2, height: 32, width: 32))
        #expect(!applies(16, 16, pad: 0, height: 32, width: 32))
        #expect(!applies(16, 16, kernel: 5, pad: 2, height: 32, width: 32))
        #expect(!applies(16, 16, height: 31, width: 32))
        #expect(!applies(3, 16, height: 32, width: 32, preference: .avoid(.winograd)))
        #expect(!applies(16, 16, height: 32, width: 32, preference: .avoid(.winograd)))
    }
}
