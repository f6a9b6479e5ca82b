/// How a compressed layer (`Model.compress`) runs its inference forward: through the sparse
/// kernels on its ``CSRWeights``, or dense as before, and why.
///
/// The rule: a layer goes sparse when its weight density (nonzero weights / weights) is at
/// most `maxDensity` (default ``SparseRoute/defaultMaxDensity``), dense otherwise (at high
/// density the dense kernels — BLAS, the direct and Winograd convolutions — do less work per
/// multiply-add than any sparse format). A layer without a mask stays dense. Training a layer
/// that has a route is an error until `Model.decompress()`.
public struct SparseRoute: Sendable {
    /// The two routes.
    public enum Kind: String, Sendable { case sparse, dense }

    /// Density at or below which a layer goes sparse by default: 0.2 (80% sparsity). Measured
    /// with `scripts/bench_sparse` (BENCHMARKS.md, Zen 4, 2 threads, batch 64): at density 0.25
    /// the sparse kernels beat the dense ones on the ConvNet (1.33×) but lose on VGG-16 and
    /// ResNet-18/34 at width 1/4 (0.87–0.89× as a whole model), whose dense 3×3 layers run on
    /// Winograd; at 0.10 every model gains (1.3–2.1×). Published CPU kernels gain from 80–90%
    /// on (Elsen et al. 2020: 1.3–2.4×). `m:compress{measure = x}` decides per layer instead.
    public static let defaultMaxDensity = 0.2

    public let kind: Kind
    /// Why this route (`density 0.10 ≤ 0.20`, `no mask`, …).
    public let reason: String
    /// Nonzero weights / weights.
    public let density: Double
    /// The compressed weights (sparse route only).
    let weights: CSRWeights?
    /// Measured seconds per forward pass of the layer, dense and sparse, when the route was
    /// chosen by measurement (``Model/compress(maxDensity:measuring:repeats:)``), else nil.
    public internal(set) var timing: RouteTiming?

    init(kind: Kind, reason: String, density: Double, weights: CSRWeights?, timing: RouteTiming? = nil) {
        self.kind = kind
        self.reason = reason
        self.density = density
        self.weights = weights
        self.timing = timing
    }

    /// The route for `weight` (with or without a mask) under `maxDensity`.
    static func choose(weight: Parameter, maxDensity: Double) -> SparseRoute {
        let w = weight.value.mutablePointer(as: Float.self)
        var nonzero = 0
        for i in 0..<weight.count where w[i] != 0 { nonzero += 1 }
        let density = Double(nonzero) / Double(max(1, weight.count))
        let shown = Format.fixed(density, 2), limit = Format.fixed(maxDensity, 2)
        guard weight.mask != nil else {
            return SparseRoute(kind: .dense, reason: "no mask", density: density, weights: nil)
        }
        guard density <= maxDensity else {
            return SparseRoute(kind: .dense, reason: "density \(shown) > \(limit)", density: density, weights: nil)
        }
        guard let csr = CSRWeights(weight: weight.value) else {
            return SparseRoute(kind: .dense, reason: "too large for 32-bit indices", density: density, weights: nil)
        }
        return SparseRoute(kind: .sparse, reason: "density \(shown) ≤ \(limit)", density: density, weights: csr)
    }

    /// This sparse route, or the dense one, decided by `timing` (the faster; dense on a tie):
    /// the reason then quotes both times.
    func decided(by timing: RouteTiming) -> SparseRoute {
        let times = "sparse \(Format.milliseconds(timing.sparse)) vs dense \(Format.milliseconds(timing.dense))"
        if timing.sparse < timing.dense {
            return SparseRoute(kind: .sparse, reason: "\(reason); \(times)", density: density, weights: weights, timing: timing)
        }
        return SparseRoute(kind: .dense, reason: "\(times)", density: density, weights: nil, timing: timing)
    }

    /// The route as `print(m)` shows it: `sparse CSR (density 0.10 ≤ 0.20)`.
    public var description: String { kind == .sparse ? "sparse CSR (\(reason))" : "dense (\(reason))" }
}

/// A layer's forward pass timed on both routes: median seconds over the measured passes.
public struct RouteTiming: Sendable, Equatable {
    public let dense: Double
    public let sparse: Double
}

extension Layer {
    /// The compressed weights to run with, nil for the dense route; an error in training mode.
    func sparseWeights(_ route: SparseRoute?) throws -> CSRWeights? {
        guard let route else { return nil }
        guard !isTraining else {
            throw EngineError("\(name.isEmpty ? kind : name) (\(kind)): the model is compressed for inference (m:compress()); call m:decompress() before training it")
        }
        return route.weights
    }

    /// Backward through a compressed layer is an error (its sparse forward keeps no input).
    func refuseCompressedBackward(_ route: SparseRoute?) throws {
        guard route != nil else { return }
        throw EngineError("\(name.isEmpty ? kind : name) (\(kind)): the model is compressed for inference (m:compress()); call m:decompress() before training it")
    }
}
