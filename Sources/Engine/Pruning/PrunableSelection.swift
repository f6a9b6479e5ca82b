/// Which weight tensors of a model a pruning call touches.
///
/// By default: every prunable parameter (``Parameter/isPrunable``: convolution and linear
/// weights, never biases or BatchNorm), except the final classifier — the last prunable tensor
/// in layer order — which Blakeney, Yan & Zong (2020, §4.1) keep dense ("we omit pruning the
/// final fully connected layer"). `layers` narrows the selection: each name is either a layer
/// name (`conv1`, `layer2.0.downsample.0`; meaning that layer's prunable weights), a container
/// (`layer4`, `layer2.0`: every prunable tensor inside it) or a full
/// parameter name (`fc1.weight`, and also `fc1.bias` or `bn1.weight`: biases and BatchNorm
/// parameters are pruned only when named like this).
public struct PrunableSelection: Sendable, Equatable {
    /// Layer or parameter names; nil means every prunable tensor.
    public var layers: [String]?
    /// Keep the final classifier dense. nil means "true unless `layers` is given".
    public var skipLast: Bool?

    public init(layers: [String]? = nil, skipLast: Bool? = nil) {
        self.layers = layers
        self.skipLast = skipLast
    }

    /// The selected parameters, in layer order, with their full names.
    public func resolve(in model: Model) throws -> [(name: String, parameter: Parameter)] {
        let all = model.parameters
        let prunable = all.filter { $0.parameter.isPrunable }
        let last = prunable.last?.name
        var chosen: [(name: String, parameter: Parameter)]
        if let layers {
            guard !layers.isEmpty else {
                throw EngineError.invalid("option 'layers'", expected: "at least one layer name", given: "an empty list")
            }
            var names = Set<String>()
            for name in layers {
                if all.contains(where: { $0.name == name }) {
                    names.insert(name)
                    continue
                }
                // A layer's own weights, or every prunable tensor inside a container (`layer4`).
                let own = prunable.filter { $0.name.hasPrefix(name + ".") || PrunableSelection.layerName(of: $0.name, in: model) == name }
                if !own.isEmpty {
                    for p in own { names.insert(p.name) }
                    continue
                }
                if model.layer(named: name) != nil {
                    throw EngineError.invalid("layer \"\(name)\"", expected: "a layer with prunable weights (\(PrunableSelection.sample(prunable)))", given: "a layer without convolution or linear weights")
                }
                throw EngineError.invalid("layer \"\(name)\"", expected: "one of the model's prunable layers (\(PrunableSelection.sample(prunable))) or a parameter name", given: "no such layer or parameter")
            }
            chosen = all.filter { names.contains($0.name) }
        } else {
            chosen = prunable
        }
        let skip = skipLast ?? (layers == nil)
        if skip, let last {
            if layers != nil, chosen.contains(where: { $0.name == last }) {
                throw EngineError("skip_last = true keeps the final classifier (\(last)) dense, but 'layers' names it: drop one of the two")
            }
            chosen.removeAll { $0.name == last }
        }
        guard !chosen.isEmpty else {
            if prunable.count == 1 && skip {
                throw EngineError("nothing to prune: the model's only prunable tensor (\(last ?? "")) is the final classifier, which skip_last keeps dense; pass skip_last = false")
            }
            throw EngineError.invalid("model", expected: "convolution or linear weights to prune", given: "a model without prunable weights")
        }
        return chosen
    }

    /// The layer a parameter belongs to: its name without the last component (`fc1.weight` →
    /// `fc1`); for a model of one layer, that layer's own name.
    static func layerName(of parameter: String, in model: Model) -> String {
        guard let dot = parameter.lastIndex(of: ".") else { return model.rootLeafName }
        return String(parameter[..<dot])
    }

    /// "conv1, conv2, fc1, …" — the first few prunable layer names, for messages.
    static func sample(_ prunable: [(name: String, parameter: Parameter)]) -> String {
        let names = prunable.map { $0.name.hasSuffix(".weight") ? String($0.name.dropLast(7)) : $0.name }
        return names.prefix(4).joined(separator: ", ") + (names.count > 4 ? ", …" : "")
    }
}
