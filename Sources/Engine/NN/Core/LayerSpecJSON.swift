/// JSON form of a ``LayerSpec``, stored in checkpoint metadata:
/// `{"kind": "Conv2d", "name": "conv1", "int": {"in": 1, …}, "real": {"eps": 1e-05}, "flag": {"bias": true}, "children": […]}`
/// (empty groups are left out).
extension LayerSpec {
    /// The spec as JSON.
    public var json: JSON {
        var pairs: [(key: String, value: JSON)] = [("kind", .string(kind)), ("name", .string(name))]
        if !integers.isEmpty { pairs.append(("int", .object(integers.sorted { $0.key < $1.key }.map { ($0.key, .integer($0.value)) }))) }
        if !reals.isEmpty { pairs.append(("real", .object(reals.sorted { $0.key < $1.key }.map { ($0.key, .number($0.value)) }))) }
        if !flags.isEmpty { pairs.append(("flag", .object(flags.sorted { $0.key < $1.key }.map { ($0.key, .bool($0.value)) }))) }
        if !children.isEmpty { pairs.append(("children", .array(children.map(\.json)))) }
        return .object(pairs)
    }

    /// Reads a spec from its JSON form, with errors that say what is malformed.
    public init(json: JSON, depth: Int = 0) throws {
        func bad(_ what: String) -> EngineError { EngineError("architecture: \(what)", kind: .io) }
        guard depth < 32 else { throw bad("layers nested more than 32 deep") }
        guard case .object(let pairs) = json else { throw bad("expected a layer object, got \(json.text.prefix(60))") }
        guard let kind = json["kind"]?.stringValue else { throw bad("a layer has no \"kind\"") }
        guard let name = json["name"]?.stringValue else { throw bad("a \(kind) layer has no \"name\"") }
        var spec = LayerSpec(kind: kind, name: name)
        for (key, value) in pairs {
            switch key {
            case "kind", "name": continue
            case "int":
                guard case .object(let entries) = value else { throw bad("\"int\" of layer '\(name)' is not an object") }
                for (k, v) in entries {
                    guard let i = v.intValue else { throw bad("option '\(k)' of layer '\(name)' is not an integer") }
                    spec.integers[k] = i
                }
            case "real":
                guard case .object(let entries) = value else { throw bad("\"real\" of layer '\(name)' is not an object") }
                for (k, v) in entries {
                    switch v {
                    case .number(let d): spec.reals[k] = d
                    case .integer(let i): spec.reals[k] = Double(i)
                    default: throw bad("option '\(k)' of layer '\(name)' is not a number")
                    }
                }
            case "flag":
                guard case .object(let entries) = value else { throw bad("\"flag\" of layer '\(name)' is not an object") }
                for (k, v) in entries {
                    guard case .bool(let b) = v else { throw bad("option '\(k)' of layer '\(name)' is not a boolean") }
                    spec.flags[k] = b
                }
            case "children":
                guard case .array(let items) = value else { throw bad("\"children\" of layer '\(name)' is not an array") }
                spec.children = try items.map { try LayerSpec(json: $0, depth: depth + 1) }
            default:
                throw bad("unknown field \"\(key)\" in layer '\(name)'")
            }
        }
        self = spec
    }
}
