/// Sparse inference for pruned models (`m:compress()`).
///
/// `compress` gives every convolution and linear layer a ``SparseRoute``: sparse (its nonzero
/// weights as ``CSRWeights``, run by the sparse × dense kernels) when the weight carries a mask
/// and its density is at most `maxDensity`, dense otherwise — so compressing a model without
/// masks changes nothing but the printed routes. The compressed weights are a snapshot: change
/// weights or masks afterwards and call `compress` again. The model is put in evaluation mode;
/// a compressed layer refuses to run in training mode (train, or `m:train()` then forward)
/// until `decompress` drops the routes.
extension Model {
    /// Chooses and installs a route for every Conv2d and Linear layer (see the extension's
    /// documentation) and returns them in layer order. `maxDensity` in [0, 1].
    @discardableResult
    public func compress(maxDensity: Double = SparseRoute.defaultMaxDensity) throws -> [(name: String, route: SparseRoute)] {
        guard maxDensity.isFinite, maxDensity >= 0, maxDensity <= 1 else {
            throw EngineError.invalid("Model.compress max_density", expected: "a density in [0, 1]", given: "\(maxDensity)")
        }
        var routes: [(name: String, route: SparseRoute)] = []
        for (name, layer) in layers {
            if let conv = layer as? Conv2d {
                let route = SparseRoute.choose(weight: conv.weight, maxDensity: maxDensity)
                conv.sparseRoute = route
                routes.append((name, route))
            } else if let linear = layer as? Linear {
                let route = SparseRoute.choose(weight: linear.weight, maxDensity: maxDensity)
                linear.sparseRoute = route
                routes.append((name, route))
            }
        }
        setTraining(false)
        return routes
    }

    /// Drops every layer's route: dense kernels again, and training allowed.
    public func decompress() {
        for (_, layer) in layers {
            (layer as? Conv2d)?.sparseRoute = nil
            (layer as? Linear)?.sparseRoute = nil
        }
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
