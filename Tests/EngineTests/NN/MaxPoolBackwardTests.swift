import Testing
@testable import Engine

/// Max pooling's backward pass (the fast 2×2 and 3×3 stride-2 forward paths and the general one)
/// against a brute-force router written here: each output gradient goes to the first element
/// of its window, in row-major order, equal to the output (NaN to the first NaN), and
/// overlapping windows add up. Inputs drawn from {0, 1, 2} make ties the rule, not the exception.
@Suite struct MaxPoolBackwardTests {
    /// Small integers (many ties) with a few NaNs.
    func tiedValues(_ shape: [Int], seed: UInt64, nans: Bool) throws -> Tensor {
        var generator = RandomGenerator(seed: seed)
        let count = shape.reduce(1, *)
        var values = (0..<count).map { _ in Float(generator.next() % 3) }
        if nans { for i in stride(from: 7, to: count, by: 41) { values[i] = .nan } }
        return try Tensor(shape: shape, values: values)
    }

    func expectedGradient(x: Tensor, dy: Tensor, kernel: Int, stride: Int, pad: Int) throws -> [Float] {
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (ho, wo) = (dy.shape[2], dy.shape[3])
        let xs = x.scalars(as: Float.self), gs = dy.scalars(as: Float.self)
        var dx = [Float](repeating: 0, count: xs.count)
        for p in 0..<(n * c) {
            for oh in 0..<ho {
                for ow in 0..<wo {
                    var window: [Int] = []
                    for r in 0..<kernel {
                        for s in 0..<kernel {
                            let ih = oh * stride - pad + r, iw = ow * stride - pad + s
                            if ih >= 0 && ih < h && iw >= 0 && iw < w { window.append(p * h * w + ih * w + iw) }
                        }
                    }
                    var best = -Float.infinity
                    for i in window { best = best.isNaN || xs[i].isNaN ? .nan : max(best, xs[i]) }
                    let winner = window.first { xs[$0] == best || (best.isNaN && xs[$0].isNaN) } ?? window[0]
                    dx[winner] += gs[p * ho * wo + oh * wo + ow]
                }
            }
        }
        return dx
    }

    @Test func everyGradientGoesToTheFirstWinnerOfItsWindow() throws {
        let cases: [(kernel: Int, stride: Int, pad: Int, h: Int, w: Int)] = [
            (2, 2, 0, 8, 8), (2, 2, 0, 7, 9), (2, 2, 0, 2, 2), (2, 2, 0, 5, 4),   // 2×2 stride 2 (a fast forward path), odd sizes included
            (3, 2, 1, 28, 28), (3, 2, 1, 14, 14), (3, 2, 1, 7, 5), (3, 2, 0, 9, 10), (3, 2, 1, 3, 3), (3, 2, 0, 3, 4),
            (3, 1, 1, 6, 7), (2, 1, 0, 5, 5), (3, 3, 1, 10, 8),                     // other windows (the general forward path)
        ]
        for (i, t) in cases.enumerated() {
            for nans in [false, true] {
                let x = try tiedValues([2, 3, t.h, t.w], seed: UInt64(50 + i), nans: nans)
                let pool = try MaxPool2d(kernel: (t.kernel, t.kernel), stride: (t.stride, t.stride), padding: (t.pad, t.pad))
                let y = try pool.forward(x)
                let dy = try tiedValues(y.shape, seed: UInt64(90 + i), nans: false) + 1
                let dx = try pool.backward(dy).scalars(as: Float.self)
                let expected = try expectedGradient(x: x, dy: dy, kernel: t.kernel, stride: t.stride, pad: t.pad)
                #expect(dx == expected, "kernel \(t.kernel) stride \(t.stride) pad \(t.pad), \(t.h)×\(t.w), NaNs \(nans)")
            }
        }
    }
}
