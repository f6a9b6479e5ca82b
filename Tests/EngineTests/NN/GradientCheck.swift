import Testing
@testable import Engine

/// Finite-difference gradient checks for layers.
///
/// The scalar checked is `L = Σ r ⊙ layer(x)` for a fixed random `r`, so `∂L/∂y = r`. Each
/// evaluation runs on a fresh copy of the layer (same weights, same RNG state, same running
/// statistics), so Dropout masks and BatchNorm statistics are identical across evaluations.
/// Central differences in Float32 with step `h` are compared with the analytic gradient at a
/// sample of coordinates: |numeric − analytic| ≤ tol · max(1, |analytic|) … scaled by the
/// gradient's overall size. Where a kink (ReLU, max) lies within ±h the analytic gradient must
/// match one of the one-sided slopes instead.
enum GradientCheck {
    struct Failure: CustomStringConvertible {
        let what: String
        let index: Int
        let analytic: Double
        let numeric: Double
        var description: String { "\(what)[\(index)]: analytic \(analytic), numeric \(numeric)" }
    }

    /// Returns every mismatch (empty when the layer's gradients are right).
    static func check(_ layer: Layer, input: Tensor, step h: Float = 1e-2, tolerance: Double = 2e-2,
                      samples: Int = 24, seed: UInt64 = 99) throws -> [Failure] {
        let probe = try layer.copy()
        let y0 = try probe.forward(input)
        let r = try Tensor.randn(y0.shape, seed: seed)
        // Analytic gradients on a fresh copy.
        let analyticLayer = try layer.copy()
        analyticLayer.needsInputGradient = true
        _ = try analyticLayer.forward(input)
        let dx = try analyticLayer.backward(r).copy()
        let analyticParams = parameters(of: analyticLayer).map { try! $0.gradient.copy() }

        func loss(_ l: Layer, _ x: Tensor) throws -> Double {
            let y = try l.forward(x)
            let yp = try y.contiguous().scalars(as: Float.self), rp = r.scalars(as: Float.self)
            var total = 0.0
            for i in 0..<yp.count { total += Double(yp[i]) * Double(rp[i]) }
            return total
        }

        var failures: [Failure] = []
        var rng = RandomGenerator(seed: seed &+ 1)
        func compare(_ what: String, count: Int, analytic: [Float], perturb: (Int, Float) throws -> Double) throws {
            let scale = max(1, analytic.map { abs(Double($0)) }.max() ?? 1)
            let picks = count <= samples ? Array(0..<count) : (0..<samples).map { _ in rng.nextInt(below: count) }
            for i in picks {
                let plus = try perturb(i, h), minus = try perturb(i, -h)
                let numeric = (plus - minus) / Double(2 * h)
                let a = Double(analytic[i])
                if abs(numeric - a) > tolerance * scale {
                    // A ReLU/max kink within ±h: the one-sided slopes differ, and the analytic
                    // gradient must then equal the slope on one side.
                    let base = try perturb(i, 0)
                    let right = (plus - base) / Double(h), left = (base - minus) / Double(h)
                    let kink = abs(right - left) > tolerance * scale
                    if !(kink && min(abs(right - a), abs(left - a)) <= tolerance * scale) {
                        failures.append(Failure(what: what, index: i, analytic: a, numeric: numeric))
                    }
                }
            }
        }

        try compare("input", count: input.count, analytic: dx.scalars(as: Float.self)) { i, delta in
            let x = try input.copy()
            x.mutablePointer(as: Float.self)[i] += delta
            return try loss(try layer.copy(), x)
        }
        let names = parameters(of: layer).map(\.name)
        for (k, grad) in analyticParams.enumerated() {
            try compare("param \(k) (\(names[k]))", count: grad.count, analytic: grad.scalars(as: Float.self)) { i, delta in
                let l = try layer.copy()
                parameters(of: l)[k].value.mutablePointer(as: Float.self)[i] += delta
                return try loss(l, input)
            }
        }
        return failures
    }

    /// Every parameter of a layer tree, in a fixed order.
    static func parameters(of layer: Layer) -> [Parameter] {
        layer.parameters + layer.children.flatMap { parameters(of: $0) }
    }

    /// A tensor of distinct values (spaced at least `gap` apart, in random order, centred on
    /// zero and away from it), so max-pooling and ReLU have no ties or kinks within ±h.
    static func distinctValues(_ shape: [Int], seed: UInt64, gap: Float = 0.05) throws -> Tensor {
        let n = shape.reduce(1, *)
        var rng = RandomGenerator(seed: seed)
        let order = rng.permutation(n)
        let values = (0..<n).map { i -> Float in
            let v = Float(order[i] - n / 2) * gap
            return v >= 0 ? v + gap / 2 : v - gap / 2
        }
        return try Tensor(shape: shape, values: values)
    }
}
