import Testing
import ConvKernelsAVX2
@testable import Engine

/// The Winograd route (``WinogradConv2d``, F(2×2, 3×3)) against im2col + sgemm, a hand-computed
/// answer, batch independence, finite differences, its two kernel builds (AVX2, AVX-512) against
/// im2col and against each other bit for bit, and where it is chosen. It runs only on CPUs with
/// AVX2 + FMA (the tests return early elsewhere; the build comparison needs AVX-512).
@Suite struct WinogradConvolutionTests {
    func close(_ a: [Float], _ b: [Float], _ tolerance: Float) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
    }

    /// Channel counts off the kernels' multiples of 8 and 16, planes from 2×2 up (rows of tiles
    /// shorter than, equal to and longer than a vector), non-square planes, batches of 1, 3 and
    /// one larger than a block; forward, input gradient (also Winograd), weight gradient, and a
    /// folded BatchNorm.
    @Test func winogradAndIm2colAgree() throws {
        guard CPUFeatures.hasAVX2FMA else { return }
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
        guard CPUFeatures.hasAVX2FMA else { return }
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
        guard CPUFeatures.hasAVX2FMA else { return }
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
        guard CPUFeatures.hasAVX2FMA else { return }
        var rng = RandomGenerator(seed: 67)
        let conv = try Conv2d(inChannels: 3, outChannels: 5, kernel: (3, 3), padding: (1, 1), generator: &rng)
        conv.routePreference = .prefer(.winograd)
        let failures = try GradientCheck.check(conv, input: try Tensor.randn([2, 3, 6, 4], seed: 68))
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }

    /// Geometries for the build tests: channel counts off the multiples of 4, 8 and 16 (odd
    /// ones too), planes from 2×2 to 32×32 and non-square ones, batches of 1, 3 and 128 split
    /// into blocks of `block` images; 130 and 260 inputs make the products run in several
    /// output chunks (one of them ends on a single output of a 4-output block).
    static let buildCases: [(c: Int, k: Int, h: Int, w: Int, batch: Int, block: Int)] = [
        (3, 5, 2, 2, 1, 1), (1, 33, 2, 2, 128, 50), (17, 9, 4, 4, 3, 2), (5, 7, 2, 34, 3, 3), (9, 1, 12, 4, 128, 128),
        (13, 19, 8, 8, 128, 16), (7, 11, 16, 16, 3, 1), (16, 16, 32, 32, 3, 2), (33, 17, 32, 32, 1, 1),
        (3, 4, 32, 32, 128, 8), (8, 8, 6, 10, 3, 3), (130, 45, 4, 6, 3, 2), (260, 40, 2, 2, 3, 3),
    ]

    /// One build's forward pass (`scale`, `shift`, then the addend and a ReLU when given) and
    /// input gradient of `conv` for `x` and `dy`, called directly with blocks of `block` images.
    func run(_ conv: Conv2d, _ x: Tensor, _ dy: Tensor, build: WinogradBuild, block: Int, scale: [Float]?, shift: [Float],
             addend: Tensor?, rectified: Bool) throws -> (y: [Float], dx: [Float]) {
        let (n, h, w) = (x.shape[0], x.shape[2], x.shape[3])
        let y = try Tensor(shape: [n, conv.outChannels, h, w], dtype: .float32, zeroed: true)
        let dx = try Tensor(shape: x.shape, dtype: .float32, zeroed: true)
        try WinogradConv2d.forward(conv, x: x.mutablePointer(as: Float.self), n: n, height: h, width: w,
                                   y: y.mutablePointer(as: Float.self), scale: scale, shift: shift,
                                   adding: addend.map { UnsafePointer($0.mutablePointer(as: Float.self)) }, rectified: rectified,
                                   imagesPerBlock: block, build: build)
        try WinogradConv2d.inputGradient(conv, dy: dy.mutablePointer(as: Float.self), n: n, height: h, width: w,
                                         dx: dx.mutablePointer(as: Float.self), imagesPerBlock: block, build: build)
        return (y.scalars(as: Float.self), dx.scalars(as: Float.self))
    }

    /// The AVX2 build against im2col + sgemm: the plain forward pass, the input gradient, and
    /// the forward pass with a folded affine transform, a residual addend and a ReLU.
    @Test func avx2BuildAgreesWithIm2col() throws {
        guard CPUFeatures.hasAVX2FMA else { return }
        var rng = RandomGenerator(seed: 91)
        for (i, t) in Self.buildCases.enumerated() {
            let label = "\(t.c)→\(t.k) \(t.h)×\(t.w) batch \(t.batch) blocks of \(t.block)"
            let conv = try Conv2d(inChannels: t.c, outChannels: t.k, kernel: (3, 3), padding: (1, 1), bias: false, generator: &rng)
            let reference = try #require(try conv.copy() as? Conv2d)
            reference.routePreference = .prefer(.im2col)
            let seed = UInt64(92 + 4 * i)
            let x = try Tensor.randn([t.batch, t.c, t.h, t.w], seed: seed)
            let dy = try Tensor.randn([t.batch, t.k, t.h, t.w], seed: seed + 1)
            let addend = try Tensor.randn([t.batch, t.k, t.h, t.w], seed: seed + 2)
            let plain = try reference.forward(x).scalars(as: Float.self)
            let dx = try reference.backward(dy).scalars(as: Float.self)
            let zeros = [Float](repeating: 0, count: t.k)
            let fast = try run(conv, x, dy, build: .avx2, block: t.block, scale: nil, shift: zeros, addend: nil, rectified: false)
            #expect(close(fast.y, plain, 1e-4), "forward \(label)")
            #expect(close(fast.dx, dx, 1e-4), "input gradient \(label)")
            let scale = (0..<t.k).map { Float($0 % 5) * 0.25 - 0.6 }, shift = (0..<t.k).map { Float($0 % 3) - 1 }
            let fused = try run(conv, x, dy, build: .avx2, block: t.block, scale: scale, shift: shift, addend: addend, rectified: true)
            let plane = t.h * t.w, e = addend.scalars(as: Float.self)
            let expected = plain.indices.map { j in max(plain[j] * scale[(j / plane) % t.k] + shift[(j / plane) % t.k] + e[j], 0) }
            #expect(close(fused.y, expected, 1e-4), "affine, addend and ReLU \(label)")
            #expect(expected.contains { $0 == 0 } && expected.contains { $0 > 0 })
        }
    }

    /// The AVX2 and AVX-512 builds give the same bits (forward with and without the epilogues,
    /// input gradient), also with different blocks of images. Needs AVX-512.
    @Test func buildsGiveTheSameBits() throws {
        guard CPUFeatures.hasAVX512 else { return }
        var rng = RandomGenerator(seed: 141)
        for (i, t) in Self.buildCases.enumerated() {
            let label = "\(t.c)→\(t.k) \(t.h)×\(t.w) batch \(t.batch)"
            let conv = try Conv2d(inChannels: t.c, outChannels: t.k, kernel: (3, 3), padding: (1, 1), generator: &rng)
            let seed = UInt64(142 + 4 * i)
            let x = try Tensor.randn([t.batch, t.c, t.h, t.w], seed: seed)
            let dy = try Tensor.randn([t.batch, t.k, t.h, t.w], seed: seed + 1)
            let addend = try Tensor.randn([t.batch, t.k, t.h, t.w], seed: seed + 2)
            let scale = (0..<t.k).map { Float($0 % 7) * 0.3 - 0.8 }, shift = (0..<t.k).map { Float($0 % 3) * 0.5 - 0.4 }
            for (scaled, sum, relu) in [(false, false, false), (true, true, true), (true, false, true)] {
                let s = scaled ? scale : nil, a = sum ? addend : nil
                let narrow = try run(conv, x, dy, build: .avx2, block: t.block, scale: s, shift: shift, addend: a, rectified: relu)
                let wide = try run(conv, x, dy, build: .avx512, block: t.batch, scale: s, shift: shift, addend: a, rectified: relu)
                #expect(narrow.y == wide.y, "forward \(label) affine \(scaled) addend \(sum) ReLU \(relu)")
                #expect(narrow.dx == wide.dx, "input gradient \(label)")
            }
        }
    }

    /// The hand-computed answer of ``knownAnswer()`` from the AVX2 build called directly, on
    /// an 8×6 plane in two images (the plane's rows of tiles shorter than a vector).
    @Test func avx2KnownAnswer() throws {
        guard CPUFeatures.hasAVX2FMA else { return }
        var rng = RandomGenerator(seed: 151)
        let conv = try Conv2d(inChannels: 2, outChannels: 3, kernel: (3, 3), padding: (1, 1), bias: false, generator: &rng)
        let w = conv.weight.value.mutablePointer(as: Float.self)
        for o in 0..<3 { for t in 0..<18 { w[o * 18 + t] = Float(o + 1) } }
        let x = try Tensor(shape: [2, 2, 8, 6], values: [Float](repeating: 1, count: 192))
        let ones = try Tensor(shape: [2, 3, 8, 6], values: [Float](repeating: 1, count: 288))
        let r = try run(conv, x, ones, build: .avx2, block: 1, scale: nil, shift: [0, 10, 20], addend: nil, rectified: false)
        var taps: [Float] = []
        for row in 0..<8 { for c in 0..<6 { taps.append(Float(((row == 0 || row == 7) ? 2 : 3) * ((c == 0 || c == 5) ? 2 : 3))) } }
        // Two input channels of ones: twice the taps; ∂x of all-ones ∂y: the taps times Σ_o (o+1).
        var image: [Float] = []
        for o in 0..<3 {
            let factor = Float(2 * (o + 1)), bias = Float(10 * o)
            image += taps.map { $0 * factor + bias }
        }
        #expect(r.y == image + image)
        let gradient: [Float] = taps.map { $0 * 6 }
        #expect(r.dx == Array([[Float]](repeating: gradient, count: 4).joined()))
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

    /// The AVX2 + FMA rule: as the AVX-512 one, but 8×8 planes from 32 channels and, on
    /// 32×32 planes, the forward pass from 16 channels (the input gradient from 8); never
    /// without FMA or AVX2.
    @Test func routeChoiceOnAVX2() throws {
        func plan(_ c: Int, _ k: Int, height: Int, width: Int, machine: ConvMachine = ConvMachine(level: .avx2, hasFMA: true),
                  settings: Settings = Settings()) -> ConvPlan {
            let g = ConvGeometry(inChannels: c, outChannels: k, kernel: (3, 3), stride: (1, 1), padding: (1, 1),
                                 height: height, width: width, batch: 128)
            return ConvPlanner.plan(g, settings: settings, machine: machine)
        }
        func applies(_ c: Int, _ k: Int, height: Int, width: Int, machine: ConvMachine = ConvMachine(level: .avx2, hasFMA: true),
                     settings: Settings = Settings()) -> Bool {
            let p = plan(c, k, height: height, width: width, machine: machine, settings: settings)
            return p.forward == .winograd && p.inputGradient == .winograd
        }
        #expect(applies(16, 16, height: 32, width: 32))
        #expect(plan(8, 8, height: 32, width: 32).summary == "flat/winograd/channels")
        #expect(plan(8, 8, height: 32, width: 32, machine: ConvMachine(level: .avx512, hasFMA: true)).summary == "winograd/winograd/channels")
        #expect(applies(32, 32, height: 16, width: 16))
        #expect(applies(16, 16, height: 16, width: 16))
        #expect(applies(64, 64, height: 8, width: 8))
        #expect(applies(32, 32, height: 8, width: 8))
        #expect(!applies(32, 32, height: 8, width: 8, machine: ConvMachine(level: .avx512, hasFMA: true)))
        #expect(!applies(16, 16, height: 8, width: 8))
        #expect(!applies(128, 128, height: 4, width: 4))
        #expect(!applies(128, 128, height: 2, width: 2))
        #expect(!applies(16, 16, height: 32, width: 32, machine: ConvMachine(level: .avx2, hasFMA: false)))
        #expect(!applies(16, 16, height: 32, width: 32, machine: ConvMachine(level: .baseline, hasFMA: true)))
        #expect(!applies(16, 16, height: 32, width: 32, settings: Settings(environment: [.winograd: "0"])))
        #expect(applies(128, 128, height: 4, width: 4, settings: Settings(environment: [.winograd: "1"])))
    }
}
