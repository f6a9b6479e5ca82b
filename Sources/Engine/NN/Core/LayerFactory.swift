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
        var rng = RandomGenerator(seed: 0)
        var budget = parameterBudget
        return try build(spec, &rng, &budget)
    }

    /// Subtracts the `factors`' product (a layer's weight count) from `budget`, or throws.
    private static func spend(_ factors: [Int], of s: LayerSpec, _ budget: inout Int) throws {
        var count = 1
        for f in factors {
            guard f >= 0 else { return }  // the layer's own checks reject it with a better message
            let (product, overflow) = count.multipliedReportingOverflow(by: f)
            guard !overflow, product <= budget else {
                throw EngineError("architecture: layer '\(s.name)' (\(s.kind)) needs \(factors.map(String.init).joined(separator: "×")) weights, more than the \(budget) stored elements left for it", kind: .io)
            }
            count = product
        }
        budget -= count
    }

    private static func build(_ s: LayerSpec, _ rng: inout RandomGenerator, _ budget: inout Int) throws -> Layer {
        func leaf() throws {
            guard s.children.isEmpty else { throw EngineError("architecture: layer '\(s.name)' (\(s.kind)) cannot have children", kind: .io) }
        }
        func pair(_ a: String, _ b: String) throws -> (Int, Int) { (try s.integer(a), try s.integer(b)) }
        let layer: Layer
        switch s.kind {
        case "Linear":
            try leaf()
            try spend([try s.integer("in"), try s.integer("out")], of: s, &budget)
            layer = try Linear(name: s.name, inFeatures: try s.integer("in"), outFeatures: try s.integer("out"), bias: try s.flag("bias"), generator: &rng)
        case "Conv2d":
            try leaf()
            try spend([try s.integer("in"), try s.integer("out"), try s.integer("kernel_h"), try s.integer("kernel_w")], of: s, &budget)
            layer = try Conv2d(name: s.name, inChannels: try s.integer("in"), outChannels: try s.integer("out"),
                               kernel: try pair("kernel_h", "kernel_w"), stride: try pair("stride_h", "stride_w"),
                               padding: try pair("pad_h", "pad_w"), bias: try s.flag("bias"), generator: &rng)
        case "BatchNorm1d", "BatchNorm2d":
            try leaf()
            let (f, eps, momentum) = (try s.integer("features"), try s.real("eps"), try s.real("momentum"))
            try spend([f], of: s, &budget)
            layer = s.kind == "BatchNorm1d" ? try BatchNorm1d(name: s.name, features: f, eps: eps, momentum: momentum)
                : try BatchNorm2d(name: s.name, features: f, eps: eps, momentum: momentum)
        case "ReLU":
            try leaf()
            layer = ReLU(name: s.name)
        case "MaxPool2d", "AvgPool2d":
            try leaf()
            let (k, st, p) = (try pair("kernel_h", "kernel_w"), try pair("stride_h", "stride_w"), try pair("pad_h", "pad_w"))
            layer = s.kind == "MaxPool2d" ? try MaxPool2d(name: s.name, kernel: k, stride: st, padding: p)
                : try AvgPool2d(name: s.name, kernel: k, stride: st, padding: p)
        case "GlobalAvgPool2d":
            try leaf()
            layer = GlobalAvgPool2d(name: s.name)
        case "Dropout":
            try leaf()
            layer = try Dropout(name: s.name, probability: try s.real("p"), seed: UInt64(bitPattern: Int64(try s.integer("seed"))))
        case "Flatten":
            try leaf()
            layer = Flatten(name: s.name)
        case "BasicBlock":
            try leaf()
            let (inputs, outputs) = (try s.integer("in"), try s.integer("out"))
            try spend([inputs, outputs, 9], of: s, &budget)
            try spend([outputs, outputs, 9], of: s, &budget)
            layer = try BasicBlock(name: s.name, inChannels: try s.integer("in"), outChannels: try s.integer("out"),
                                   stride: try s.integer("stride"), generator: &rng)
        case "Sequential":
            guard !s.children.isEmpty else { throw EngineError("architecture: Sequential '\(s.name)' has no layers", kind: .io) }
            var children: [Layer] = []
            for child in s.children { children.append(try build(child, &rng, &budget)) }
            layer = try Sequential(name: s.name, children)
        default:
            throw EngineError("architecture: unknown layer kind \"\(s.kind)\" (layer '\(s.name)')", kind: .io)
        }
        return layer
    }
}
