/// Sparse inference for pruned models (`m:compress()`).
///
/// `compress` gives every convolution and linear layer a ``SparseRoute``: sparse (its nonzero
/// weights as ``CSRWeights``, run by the sparse × dense kernels) when the weight carries a mask
/// and its density is at most `maxDensity`, dense otherwise — so compressing a model without
/// masks changes nothing but the printed routes. The compressed weights are a snapshot: change
/// weights or masks afterwards and call `compress` again. The model is put in evaluation mode;
/// a compressed layer refuses to run in training mode (train, or `m:train()` then forward)
/// until `decompress` drops the routes.
///
/// With a sample batch (`measuring`), a layer that the density rule sends sparse is timed on
/// both routes, on its own input from a forward pass of the sample, and keeps the sparse route
/// only where it is faster: the compressed model is then never slower than dense layer by
/// layer (up to timing noise), on this machine and at this batch size. The choice depends on
/// the timings, so two measured compressions may pick differently where the routes are close
/// (their logits agree to rounding either way); the density rule alone is deterministic.
extension Model {
    /// Chooses and installs a route for every Conv2d and Linear layer (see the extension's
    /// documentation) and returns them in layer order. `maxDensity` in [0, 1]; `sample` a
    /// batch the model accepts, timed `repeats` times per route (median) after a warm-up.
    @discardableResult
    public func compress(maxDensity: Double = SparseRoute.defaultMaxDensity, measuring sample: Tensor? = nil,
                         repeats: Int = 5) throws -> [(name: String, route: SparseRoute)] {
        guard maxDensity.isFinite, maxDensity >= 0, maxDensity <= 1 else {
            throw EngineError.invalid("Model.compress max_density", expected: "a density in [0, 1]", given: "\(maxDensity)")
        }
        guard (1...1000).contains(repeats) else {
            throw EngineError.invalid("Model.compress repeats", expected: "1 to 1000 timed passes", given: "\(repeats)")
        }
        if let sample {
            // Every layer's own input, from one dense forward pass in evaluation mode.
            decompress()
            setTraining(false)
            _ = try forward(sample)
        }
        var routes: [(name: String, route: SparseRoute)] = []
        for (name, layer) in layers {
            let weight: Parameter
            if let conv = layer as? Conv2d { weight = conv.weight } else if let linear = layer as? Linear { weight = linear.weight } else { continue }
            var route = SparseRoute.choose(weight: weight, maxDensity: maxDensity)
            if sample != nil, route.kind == .sparse, let input = try (layer as? Conv2d)?.lastInput?.copy() ?? (layer as? Linear)?.lastInput?.copy() {
                route = route.decided(by: try Self.time(layer, on: input, sparse: route, repeats: repeats))
            }
            Self.install(route, on: layer)
            routes.append((name, route))
        }
        setTraining(false)
        return routes
    }

    /// Installs `route` on a Conv2d or Linear layer (nil: dense, uncompressed).
    private static func install(_ route: SparseRoute?, on layer: Layer) {
        (layer as? Conv2d)?.sparseRoute = route
        (layer as? Linear)?.sparseRoute = route
    }

    /// Median seconds of `layer.forward(input)` over `repeats` passes after one warm-up, dense
    /// and with `sparse` installed (the layer is left without a route).
    private static func time(_ layer: Layer, on input: Tensor, sparse: SparseRoute, repeats: Int) throws -> RouteTiming {
        let clock = ContinuousClock()
        func median(_ route: SparseRoute?) throws -> Double {
            install(route, on: layer)
            defer { install(nil, on: layer) }
            _ = try layer.forward(input)
            var times: [Double] = []
            for _ in 0..<repeats {
                let start = clock.now
                _ = try layer.forward(input)
                let d = clock.now - start
                times.append(Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
            }
            times.sort()
            return times.count % 2 == 1 ? times[times.count / 2] : (times[times.count / 2 - 1] + times[times.count / 2]) / 2
        }
        return RouteTiming(dense: try median(nil), sparse: try median(sparse))
    }

    /// Drops every layer's route: dense kernels again, and training allowed.
    public func decompress() {
        for (_, layer) in layers { Self.install(nil, on: layer) }
    }

    /// The route of each compressed layer, by layer name (empty when not compressed).
    public var sparseRoutes: [String: SparseRoute] {
        var routes: [String: SparseRoute] = [:]
        for (name, layer) in layers {
            if let r = (layer as? Conv2d)?.sparseRoute ?? (layer as? Linear)?.sparseRoute { routes[name] = r }
        }
        return routes
    }
}
