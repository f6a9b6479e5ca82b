extension Model {
    /// The initialisation scheme the model was built with: He-normal if its description says
    /// `init = "he"` (as `models.*{init = "he"}` records it, and checkpoints keep it), else
    /// PyTorch's default.
    public var initializationScheme: Initializer {
        Initializer.allCases.first { $0 != .pytorch && title.contains("init = \"\($0.rawValue)\"") } ?? .pytorch
    }

    /// Post-pruning re-initialisation (Blakeney, Yan & Zong 2020, §4.2): every parameter gets a
    /// fresh value from the model's own scheme (``initializationScheme``, or `initializer`),
    /// drawn from a generator seeded with `seed`, and the masks are kept and re-applied. Layers
    /// are visited in order with one generator, as the model builders do, so re-initialising
    /// an unpruned `models.convnet{seed = s}` with seed s reproduces its initial weights.
    /// BatchNorm layers return to γ = 1, β = 0 and running statistics 0 and 1.
    ///
    /// After ``pruneRandomly(to:seed:scope:selection:)`` this is the paper's random sparse
    /// initialisation (§4.3).
    public func reinitialize(seed: UInt64, initializer: Initializer? = nil) throws {
        let scheme = initializer ?? initializationScheme
        // Check every layer first, so that an unknown one leaves the model untouched.
        for (name, layer) in layers where !layer.parameters.isEmpty {
            guard layer.capabilities.contains(.reinitializable) else {
                let known = LayerRegistry.types.filter { $0.capabilities.contains(.reinitializable) }.map { $0.kind }
                throw EngineError("cannot re-initialise \(name) (\(layer.kind)): only \(known.dropLast().joined(separator: ", ")) and \(known.last ?? "") layers have an initialisation scheme")
            }
        }
        var generator = RandomGenerator(seed: seed)
        for (_, layer) in layers where layer.capabilities.contains(.reinitializable) {
            layer.reinitialize(scheme: scheme, generator: &generator)
        }
        zeroGradients()
        applyMasks()
    }

    /// Lottery-ticket rewinding (Frankle & Carbin, "The Lottery Ticket Hypothesis", ICLR 2019):
    /// every parameter and BatchNorm statistic takes `snapshot`'s value (typically a clone taken
    /// at initialisation or early in training), while this model keeps its own masks, which are
    /// re-applied — the unpruned weights return to their earlier values, the pruned stay zero.
    /// The snapshot must have the same architecture; its masks are ignored.
    public func rewind(to snapshot: Model) throws {
        try checkSameArchitecture(as: snapshot, "snapshot")
        for ((_, p), (_, q)) in zip(parameters, snapshot.parameters) { try p.value.assign(from: q.value) }
        for ((_, b), (_, c)) in zip(buffers, snapshot.buffers) { try b.assign(from: c) }
        zeroGradients()
        applyMasks()
    }
}
