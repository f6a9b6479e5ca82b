import Testing
@testable import Engine

/// Known answers for the layers' forward passes.
@Suite struct LayerForwardTests {
    /// A direct 7-loop convolution to compare the im2col + sgemm path against.
    func naiveConv(_ x: Tensor, _ conv: Conv2d) throws -> [Float] {
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let out = try conv.outputShape(for: [c, h, w])
        let (k, ho, wo) = (out[0], out[1], out[2])
        let xv = x.scalars(as: Float.self), wv = conv.weight.value.scalars(as: Float.self)
        let bv = conv.bias?.value.scalars(as: Float.self) ?? [Float](repeating: 0, count: k)
        var y = [Float](repeating: 0, count: n * k * ho * wo)
        for b in 0..<n { for o in 0..<k { for i in 0..<ho { for j in 0..<wo {
            var s = Double(bv[o])
            for ch in 0..<c { for r in 0..<conv.kernel.0 { for q in 0..<conv.kernel.1 {
                let ih = i * conv.stride.0 - conv.padding.0 + r, iw = j * conv.stride.1 - conv.padding.1 + q
                if ih >= 0 && ih < h && iw >= 0 && iw < w {
                    s += Double(xv[((b * c + ch) * h + ih) * w + iw]) * Double(wv[((o * c + ch) * conv.kernel.0 + r) * conv.kernel.1 + q])
                }
            } } }
            y[((b * k + o) * ho + i) * wo + j] = Float(s)
        } } } }
        return y
    }

    @Test func convolutionMatchesDirectLoops() throws {
        var rng = RandomGenerator(seed: 1)
        for (kernel, stride, pad) in [((3, 3), (1, 1), (1, 1)), ((5, 5), (1, 1), (2, 2)), ((3, 2), (2, 3), (1, 0)), ((1, 1), (2, 2), (0, 0))] {
            let conv = try Conv2d(inChannels: 3, outChannels: 4, kernel: kernel, stride: stride, padding: pad, generator: &rng)
            let x = try Tensor.randn([3, 3, 7, 6], seed: 2)
            let y = try conv.forward(x).scalars(as: Float.self)
            let expected = try naiveConv(x, conv)
            #expect(y.count == expected.count)
            let worst = zip(y, expected).map { abs($0 - $1) }.max() ?? 0
            #expect(worst < 1e-4, "kernel \(kernel) stride \(stride) pad \(pad): max error \(worst)")
        }
    }

    @Test func convolutionChunksGiveTheSameAnswer() throws {
        // A batch large enough to need several im2col chunks equals the per-sample results.
        var rng = RandomGenerator(seed: 3)
        let conv = try Conv2d(inChannels: 64, outChannels: 8, kernel: (5, 5), padding: (2, 2), generator: &rng)
        let perSample = 64 * 25 * 28 * 28
        let n = Settings.current.convolutionChunk / perSample * 2 + 1
        let x = try Tensor.randn([n, 64, 28, 28], seed: 4)
        let all = try conv.forward(x).copy()
        let last = try conv.forward(try x.narrowed(0, start: n - 1, length: 1))
        let tail = try all.narrowed(0, start: n - 1, length: 1).contiguous()
        #expect(tail.scalars(as: Float.self) == last.scalars(as: Float.self))
    }

    @Test func poolingKnownValues() throws {
        let x = try Tensor(shape: [1, 1, 4, 4], values: (1...16).map(Float.init))
        let max2 = try MaxPool2d(kernel: (2, 2)).forward(x)
        #expect(max2.scalars(as: Float.self) == [6, 8, 14, 16])
        // 3×3 stride 2 pad 1 (the ConvNet's pooling): windows clipped at the border.
        let max3 = try MaxPool2d(kernel: (3, 3), stride: (2, 2), padding: (1, 1)).forward(x)
        #expect(max3.shape == [1, 1, 2, 2])
        #expect(max3.scalars(as: Float.self) == [6, 8, 14, 16])
        let avg = try AvgPool2d(kernel: (2, 2)).forward(x)
        #expect(avg.scalars(as: Float.self) == [3.5, 5.5, 11.5, 13.5])
        // Padding counts as zeros (count_include_pad): the corner window sees 1, 2, 5, 6.
        let avgPad = try AvgPool2d(kernel: (3, 3), stride: (2, 2), padding: (1, 1)).forward(x)
        #expect(abs(avgPad.scalars(as: Float.self)[0] - 14 / 9) < 1e-6)
        let gap = try GlobalAvgPool2d().forward(x)
        #expect(gap.shape == [1, 1] && gap.scalars(as: Float.self) == [8.5])
    }

    @Test func batchNormNormalisesAndTracksStatistics() throws {
        let bn = try BatchNorm2d(features: 2, momentum: 0.1)
        let x = try Tensor.randn([8, 2, 3, 3], seed: 5, mean: 3, std: 2)
        let y = try bn.forward(x)
        let yv = y.scalars(as: Float.self), xv = x.scalars(as: Float.self)
        for c in 0..<2 {
            var values: [Double] = [], inputs: [Double] = []
            for n in 0..<8 { for p in 0..<9 { values.append(Double(yv[(n * 2 + c) * 9 + p])); inputs.append(Double(xv[(n * 2 + c) * 9 + p])) } }
            let mean = values.reduce(0, +) / 72
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 72
            #expect(abs(mean) < 1e-5)
            #expect(abs(variance - 1) < 1e-3)  // var/(var+eps)
            let inMean = inputs.reduce(0, +) / 72
            let unbiased = inputs.map { ($0 - inMean) * ($0 - inMean) }.reduce(0, +) / 71
            #expect(abs(Double(try bn.runningMean.element([c])) - 0.1 * inMean) < 1e-5)
            #expect(abs(Double(try bn.runningVar.element([c])) - (0.9 + 0.1 * unbiased)) < 1e-4)
        }
        // Evaluation uses the running statistics: y = (x − r_μ)/√(r_σ² + ε).
        bn.setTraining(false)
        let e = try bn.forward(x)
        let expected = (xv[0] - (try Float(bn.runningMean.element([0])))) / (try Float(bn.runningVar.element([0])) + 1e-5).squareRoot()
        #expect(abs(e.scalars(as: Float.self)[0] - expected) < 1e-5)
    }

    @Test func crossEntropyKnownValues() throws {
        // Equal logits: loss = log K for every row; gradient (1/K − onehot)/N.
        let logits = try Tensor.zeros([2, 4])
        let r = try CrossEntropy.evaluate(logits: logits, labels: [1, 3])
        #expect(abs(r.loss - 1.3862943611198906) < 1e-6)
        let g = r.gradient.scalars(as: Float.self)
        #expect(abs(g[1] - (0.25 - 1) / 2) < 1e-7 && abs(g[0] - 0.125) < 1e-7)
        // Huge logits stay finite (stable log-sum-exp).
        let big = try Tensor(shape: [1, 3], values: [Float](arrayLiteral: 1000, 0, -1000))
        let rb = try CrossEntropy.evaluate(logits: big, labels: [0])
        #expect(rb.loss.isFinite && rb.loss < 1e-6 && rb.correct == 1)
        #expect(throws: EngineError.self) { try CrossEntropy.evaluate(logits: logits, labels: [0, 4]) }
        #expect(throws: EngineError.self) { try CrossEntropy.evaluate(logits: logits, labels: [0]) }
    }

    @Test func dropoutKeepsExpectationAndIsSeeded() throws {
        let x = try Tensor.ones([100, 100])
        let d = try Dropout(probability: 0.25, seed: 7)
        let y = try d.forward(x).scalars(as: Float.self)
        let kept = y.filter { $0 != 0 }
        #expect(kept.allSatisfy { abs($0 - 4.0 / 3.0) < 1e-6 })
        #expect(abs(Double(kept.count) / 10_000 - 0.75) < 0.03)
        let again = try Dropout(probability: 0.25, seed: 7).forward(x).scalars(as: Float.self)
        #expect(again == y)
        d.setTraining(false)
        #expect(try d.forward(x).scalars(as: Float.self).allSatisfy { $0 == 1 })
    }

    @Test func gradientCheckCatchesAWrongGradient() throws {
        // The checker must fail on a layer whose backward is wrong (here: ReLU's gradient doubled).
        final class BrokenReLU: Layer {
            let inner = ReLU()
            override var kind: String { "BrokenReLU" }
            override func forward(_ input: Tensor) throws -> Tensor { let y = try inner.forward(input); output = y; return y }
            override func backward(_ gradOutput: Tensor) throws -> Tensor {
                let g = try inner.backward(gradOutput).copy()
                let p = g.mutablePointer(as: Float.self)
                for i in 0..<g.count { p[i] *= 2 }
                return g
            }
            override func copy() throws -> Layer { BrokenReLU(name: name) }
        }
        let failures = try GradientCheck.check(BrokenReLU(name: ""), input: try GradientCheck.distinctValues([2, 8], seed: 1))
        #expect(!failures.isEmpty)
    }
}

/// The direct kernels (AVX2 + FMA) against im2col + sgemm.
@Suite struct DirectConvolutionTests {
    @Test func directAndIm2colAgree() throws {
        guard DirectConv2d.isAvailable else { return }
        var rng = RandomGenerator(seed: 21)
        let cases: [(c: Int, k: Int, h: Int, w: Int, kernel: (Int, Int), pad: (Int, Int))] = [
            (3, 5, 17, 19, (3, 3), (1, 1)), (16, 16, 16, 16, (3, 3), (1, 1)), (4, 9, 25, 13, (3, 3), (0, 0)),
            (2, 6, 16, 17, (3, 3), (2, 2)), (8, 7, 1, 300, (3, 3), (1, 1)), (5, 6, 20, 18, (5, 5), (2, 2)),
            (1, 8, 28, 28, (5, 5), (2, 2)), (3, 4, 20, 21, (3, 2), (1, 0)), (2, 3, 22, 22, (7, 7), (3, 3)),
            (6, 5, 50, 50, (1, 1), (0, 0)),
        ]
        for t in cases {
            let direct = try Conv2d(inChannels: t.c, outChannels: t.k, kernel: t.kernel, padding: t.pad, generator: &rng)
            direct.routePreference = .prefer(.flat)
            let reference = try #require(try direct.copy() as? Conv2d)
            reference.routePreference = .prefer(.im2col)
            let label = "\(t.c)→\(t.k) \(t.h)×\(t.w) kernel \(t.kernel) pad \(t.pad)"
            let plan = direct.plan(height: t.h, width: t.w, batch: 3)
            #expect(plan.forward == .flat && plan.weightGradient == .flat && plan.inputGradient == .flat, "\(label)")
            #expect(reference.plan(height: t.h, width: t.w, batch: 3).forward == .im2col)
            let x = try Tensor.randn([3, t.c, t.h, t.w], seed: 22)
            let y1 = try direct.forward(x).scalars(as: Float.self), y2 = try reference.forward(x).scalars(as: Float.self)
            #expect(y1.count == y2.count)
            #expect(zip(y1, y2).allSatisfy { abs($0 - $1) < 1e-4 }, "forward \(label)")
            let dy = try Tensor.randn(try #require(direct.output).shape, seed: 23)
            let dx1 = try direct.backward(dy).scalars(as: Float.self), dx2 = try reference.backward(dy).scalars(as: Float.self)
            #expect(zip(dx1, dx2).allSatisfy { abs($0 - $1) < 1e-4 }, "input gradient \(label)")
            let g1 = direct.weight.gradient.scalars(as: Float.self), g2 = reference.weight.gradient.scalars(as: Float.self)
            #expect(zip(g1, g2).allSatisfy { abs($0 - $1) < 1e-3 * max(1, abs($1)) }, "weight gradient \(label)")
            let b1 = try #require(direct.bias).gradient.scalars(as: Float.self), b2 = try #require(reference.bias).gradient.scalars(as: Float.self)
            #expect(zip(b1, b2).allSatisfy { abs($0 - $1) < 1e-3 })
        }
    }
}

/// The output-channel kernel (``ChannelVectorConvolution``) against im2col + sgemm: odd channel
/// counts (not multiples of 16), 1×1 to 7×7 kernels, planes from 1×1 up, batch 1 and 3,
/// strides (forward only), and a folded BatchNorm.
@Suite struct ChannelKernelConvolutionTests {
    func close(_ a: [Float], _ b: [Float], _ tolerance: Float) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
    }

    @Test func channelKernelAndIm2colAgree() throws {
        guard DirectConv2d.isAvailable else { return }
        var rng = RandomGenerator(seed: 41)
        typealias Case = (c: Int, k: Int, h: Int, w: Int, kernel: (Int, Int), pad: (Int, Int), stride: (Int, Int))
        var cases: [Case] = [
            (3, 5, 8, 8, (3, 3), (1, 1), (1, 1)), (17, 33, 4, 4, (3, 3), (1, 1), (1, 1)), (5, 17, 7, 7, (3, 3), (1, 1), (1, 1)),
            (33, 3, 8, 8, (3, 3), (0, 0), (1, 1)), (16, 16, 1, 1, (3, 3), (1, 1), (1, 1)), (5, 3, 2, 2, (3, 3), (1, 1), (1, 1)),
            (17, 5, 14, 14, (5, 5), (2, 2), (1, 1)), (3, 17, 14, 14, (1, 1), (0, 0), (1, 1)), (33, 33, 4, 4, (1, 1), (0, 0), (1, 1)),
            (5, 5, 7, 7, (5, 5), (0, 0), (1, 1)), (3, 33, 8, 8, (7, 7), (3, 3), (1, 1)), (4, 6, 5, 9, (3, 2), (1, 0), (1, 1)),
            (16, 32, 8, 8, (3, 3), (1, 1), (2, 2)), (5, 17, 7, 7, (1, 1), (0, 0), (2, 2)), (3, 5, 9, 6, (3, 3), (1, 1), (2, 1)),
        ]
        cases += [(64, 64, 8, 8, (3, 3), (1, 1), (1, 1)), (32, 48, 4, 4, (3, 3), (1, 1), (1, 1)), (7, 20, 16, 16, (3, 3), (1, 1), (1, 1))]
        for t in cases {
            for batch in [1, 3] {
                let fast = try Conv2d(inChannels: t.c, outChannels: t.k, kernel: t.kernel, stride: t.stride, padding: t.pad, generator: &rng)
                fast.routePreference = .prefer(.channels)
                let reference = try #require(try fast.copy() as? Conv2d)
                reference.routePreference = .prefer(.im2col)
                let label = "\(t.c)→\(t.k) \(t.h)×\(t.w) kernel \(t.kernel) pad \(t.pad) stride \(t.stride) batch \(batch)"
                #expect(fast.plan(height: t.h, width: t.w, batch: batch).forward == .channels, "\(label)")
                #expect(reference.plan(height: t.h, width: t.w, batch: batch).forward != .channels)
                let x = try Tensor.randn([batch, t.c, t.h, t.w], seed: 42)
                let y1 = try fast.forward(x).scalars(as: Float.self), y2 = try reference.forward(x).scalars(as: Float.self)
                #expect(close(y1, y2, 1e-4), "forward \(label)")
                let dy = try Tensor.randn(try #require(fast.output).shape, seed: 43)
                let dx1 = try fast.backward(dy).scalars(as: Float.self), dx2 = try reference.backward(dy).scalars(as: Float.self)
                #expect(close(dx1, dx2, 1e-4), "input gradient \(label)")
                let g1 = fast.weight.gradient.scalars(as: Float.self), g2 = reference.weight.gradient.scalars(as: Float.self)
                #expect(close(g1, g2, 1e-3), "weight gradient \(label)")
                // A folded BatchNorm: y·scale + shift per output channel.
                let scale = (0..<t.k).map { Float($0 % 5) * 0.25 - 0.6 }, shift = (0..<t.k).map { Float($0 % 3) - 1 }
                let a1 = try fast.forward(x, then: (scale, shift)).scalars(as: Float.self)
                let a2 = try reference.forward(x, then: (scale, shift)).scalars(as: Float.self)
                #expect(close(a1, a2, 1e-4), "folded affine \(label)")
            }
        }
    }

    /// A hand-computed answer: 1 input channel, 2×2 image, 2×2 kernel of ones, padding 1, so
    /// each output sums the image values under its window; output channel o has weights o+1.
    @Test func knownAnswer() throws {
        guard DirectConv2d.isAvailable else { return }
        var rng = RandomGenerator(seed: 44)
        let conv = try Conv2d(inChannels: 1, outChannels: 17, kernel: (2, 2), padding: (1, 1), generator: &rng)
        conv.routePreference = .prefer(.channels)
        let w = conv.weight.value.mutablePointer(as: Float.self)
        for o in 0..<17 { for t in 0..<4 { w[o * 4 + t] = Float(o + 1) } }
        let b = try #require(conv.bias).value.mutablePointer(as: Float.self)
        for o in 0..<17 { b[o] = Float(o) * 100 }
        let x = try Tensor(shape: [1, 1, 2, 2], values: [Float]([1, 2, 3, 4]))
        let y = try conv.forward(x).scalars(as: Float.self)
        let sums: [Float] = [1, 3, 2, 4, 10, 6, 3, 7, 4]
        var expected: [Float] = []
        for o in 0..<17 {
            let weight = Float(o + 1), bias = Float(o) * 100
            for sum in sums { expected.append(sum * weight + bias) }
        }
        #expect(y == expected)
        // ∂x[i] = Σ over the 4 outputs whose window covers pixel i of Σ_o w_o·∂y = Σ_o (o+1) · 4 (∂y = 1).
        let ones = try Tensor(shape: [1, 17, 3, 3], values: [Float](repeating: 1, count: 153))
        let dx = try conv.backward(ones).scalars(as: Float.self)
        #expect(dx == [Float](repeating: Float(4 * (1...17).reduce(0, +)), count: 4))
    }

    /// Results do not depend on how samples are split between workers or grouped into pixel
    /// streams: a batch of 5 gives each sample the bits it gets alone.
    @Test func samplesAreIndependentOfTheBatch() throws {
        guard DirectConv2d.isAvailable else { return }
        var rng = RandomGenerator(seed: 45)
        let conv = try Conv2d(inChannels: 20, outChannels: 24, kernel: (3, 3), padding: (1, 1), generator: &rng)
        conv.routePreference = .prefer(.channels)
        let x = try Tensor.randn([5, 20, 4, 4], seed: 46)
        let all = try conv.forward(x).scalars(as: Float.self)
        for j in 0..<5 {
            let one = try conv.forward(try x.narrowed(0, start: j, length: 1).contiguous()).scalars(as: Float.self)
            #expect(Array(all[(j * 24 * 16)..<((j + 1) * 24 * 16)]) == one, "sample \(j)")
        }
    }
}

/// Max pooling's fast 2×2 path and NaN handling against the general path.
@Suite struct MaxPoolTests {
    /// The reference maximum: NaN if either is.
    static func nanMax(_ a: Float, _ b: Float) -> Float { a.isNaN || b.isNaN ? .nan : max(a, b) }

    @Test func fastPathMatchesGeneralWindows() throws {
        // Widths 22 (one vector of outputs and a scalar tail) and 36 (two vectors); NaNs in
        // either row of a pair and in either column.
        for width in [22, 36] {
            let x = try Tensor.randn([2, 3, 6, width], seed: 31)
            for at in [5, width + 8, 2 * width + 3] { x.mutablePointer(as: Float.self)[at] = .nan }
            let fast = try MaxPool2d(kernel: (2, 2))
            let y = try fast.forward(x)  // compared with the maximum of each window computed here
            for p in 0..<6 { for oh in 0..<3 { for ow in 0..<(width / 2) {
                var best = -Float.infinity
                for dh in 0..<2 { for dw in 0..<2 {
                    let v = try Float(x.element([p / 3, p % 3, 2 * oh + dh, 2 * ow + dw]))
                    best = MaxPoolTests.nanMax(best, v)
                } }
                let got = try Float(y.element([p / 3, p % 3, oh, ow]))
                #expect(got == best || (got.isNaN && best.isNaN), "width \(width) at \(oh),\(ow)")
            } } }
        }
        let failures = try GradientCheck.check(try MaxPool2d(kernel: (2, 2)), input: try GradientCheck.distinctValues([2, 2, 4, 18], seed: 32))
        #expect(failures.isEmpty)
    }

    @Test func threeByThreeStrideTwoMatchesWindows() throws {
        for (h, w, pad) in [(28, 28, 1), (14, 14, 1), (7, 7, 1), (9, 40, 0), (16, 16, 1), (8, 8, 1), (5, 3, 1), (3, 3, 0)] {
            let x = try Tensor.randn([3, 2, h, w], seed: 33)
            // NaNs in a first row of a window (copied) and in a later one (maximised in).
            if h * w > 20 { for at in [17, 3 * w + 9] { x.mutablePointer(as: Float.self)[at] = .nan } }
            let pool = try MaxPool2d(kernel: (3, 3), stride: (2, 2), padding: (pad, pad))
            let y = try pool.forward(x)
            let (ho, wo) = (y.shape[2], y.shape[3])
            for n in 0..<3 { for c in 0..<2 { for oh in 0..<ho { for ow in 0..<wo {
                var best = -Float.infinity
                for r in 0..<3 { for s in 0..<3 {
                    let ih = 2 * oh - pad + r, iw = 2 * ow - pad + s
                    if ih >= 0 && ih < h && iw >= 0 && iw < w { best = MaxPoolTests.nanMax(best, try Float(x.element([n, c, ih, iw]))) }
                } }
                let got = try Float(y.element([n, c, oh, ow]))
                #expect(got == best || (got.isNaN && best.isNaN), "\(h)×\(w) pad \(pad) at \(oh),\(ow)")
            } } } }
            let failures = try GradientCheck.check(pool, input: try GradientCheck.distinctValues([2, 2, h, w], seed: 34))
            #expect(failures.isEmpty, "gradient \(h)×\(w) pad \(pad)")
        }
    }
}
