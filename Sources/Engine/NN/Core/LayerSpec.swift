/// A layer's configuration without its weights: its kind, name, options and children.
///
/// Every layer can describe itself as a spec, and ``LayerFactory`` rebuilds a layer from one.
/// Checkpoints store the model's spec (as JSON) next to its tensors, so loading a file
/// rebuilds the architecture before filling in the weights.
public struct LayerSpec: Equatable, Sendable {
    /// Layer type, e.g. `Conv2d`, `Sequential`, `BasicBlock`.
    public var kind: String
    /// Name within the parent (`conv1`, `0`, `layer2`).
    public var name: String
    /// Integer options (`in`, `out`, `kernel`, `stride`, …).
    public var integers: [String: Int]
    /// Real-valued options (`eps`, `momentum`, `p`).
    public var reals: [String: Double]
    /// Flags (`bias`).
    public var flags: [String: Bool]
    /// Children, in order (containers only).
    public var children: [LayerSpec]

    public init(kind: String, name: String, integers: [String: Int] = [:], reals: [String: Double] = [:],
                flags: [String: Bool] = [:], children: [LayerSpec] = []) {
        self.kind = kind
        self.name = name
        self.integers = integers
        self.reals = reals
        self.flags = flags
        self.children = children
    }

    /// The integer option `key`, or an error naming the layer.
    public func integer(_ key: String) throws -> Int {
        guard let v = integers[key] else { throw EngineError("architecture: layer '\(name)' (\(kind)) lacks the integer option '\(key)'") }
        return v
    }

    /// The real option `key`, or an error naming the layer.
    public func real(_ key: String) throws -> Double {
        guard let v = reals[key] else { throw EngineError("architecture: layer '\(name)' (\(kind)) lacks the number option '\(key)'") }
        return v
    }

    /// The flag `key`, or an error naming the layer.
    public func flag(_ key: String) throws -> Bool {
        guard let v = flags[key] else { throw EngineError("architecture: layer '\(name)' (\(kind)) lacks the flag '\(key)'") }
        return v
    }
}
