/// Every layer type prunelab can build from a spec, and the lookups that read their
/// declarations (``DeclaredLayer``). Adding a layer type: write its file (a class conforming
/// to ``DeclaredLayer``) and add the class to ``types``.
public enum LayerRegistry {
    /// The registered layer types. Swift has no load-time registration, so this list is the
    /// one place besides the layer's own file that names it.
    public static let types: [any DeclaredLayer.Type] = [
        Linear.self, Conv2d.self, BatchNorm1d.self, BatchNorm2d.self, ReLU.self, LeakyReLU.self,
        MaxPool2d.self, AvgPool2d.self, GlobalAvgPool2d.self, Dropout.self, Flatten.self,
        BasicBlock.self, ResidualAdd.self, Sequential.self,
    ]

    /// Types by kind.
    private static let byKind: [String: any DeclaredLayer.Type] = {
        var table: [String: any DeclaredLayer.Type] = [:]
        for t in types { table[t.kind] = t }
        return table
    }()

    /// The type declared with `kind`, or nil.
    public static func type(ofKind kind: String) -> (any DeclaredLayer.Type)? { byKind[kind] }

    /// The layer (tree) that `spec` describes, built by its type's
    /// ``DeclaredLayer/make(from:in:)``; kinds the registry does not know, and child specs
    /// under a non-container, are errors naming the layer.
    public static func build(_ spec: LayerSpec, in context: inout LayerBuildContext) throws -> Layer {
        guard let type = byKind[spec.kind] else {
            throw EngineError("architecture: unknown layer kind \"\(spec.kind)\" (layer '\(spec.name)')", kind: .io)
        }
        guard spec.children.isEmpty || type.capabilities.contains(.container) else {
            throw EngineError("architecture: layer '\(spec.name)' (\(spec.kind)) cannot have children", kind: .io)
        }
        return try type.make(from: spec, in: &context)
    }
}

/// Builds layers from their ``LayerSpec`` (the inverse of ``Layer/spec``), so that a checkpoint
/// can rebuild its architecture. Weights are freshly initialised (from seed 0); loading then
/// overwrites them.
public enum LayerFactory {
    /// The layer (tree) that `spec` describes. With `parameterBudget` (the number of stored
    /// elements a checkpoint holds), every layer's weights are counted, with overflow-reporting
    /// arithmetic, before anything is allocated, and an architecture needing more elements than
    /// the file could hold is an error: a crafted architecture cannot make prunelab allocate
    /// terabytes, nor overflow while sizing its layers.
    public static func build(_ spec: LayerSpec, parameterBudget: Int = .max) throws -> Layer {
        var context = LayerBuildContext(budget: parameterBudget)
        return try LayerRegistry.build(spec, in: &context)
    }
}
