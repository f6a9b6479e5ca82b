import CLua
import Engine

/// `nn.<kind>(…)` for every registered layer type that declares a
/// ``LayerConstructor`` (``DeclaredLayer/constructor``): the arguments are read into a
/// ``LayerSpec`` and the layer is built by its own ``DeclaredLayer/make(from:in:)``, so a new
/// layer needs no binding code. Layers with hand-written constructors declare none.
enum LayerConstructors {
    /// One function spec per declared constructor, in registry order.
    static var all: [LuaFunctionSpec] {
        LayerRegistry.types.compactMap { type in
            type.constructor.map { make(kind: type.kind, $0) }
        }
    }

    /// The function `nn.<kind>`: positional arguments (optional ones may be left out, or the
    /// options table may take their place), then `{name = s}` and the declared options.
    private static func make(kind: String, _ constructor: LayerConstructor) -> LuaFunctionSpec {
        var doc = constructor.doc
        let described = constructor.arguments + constructor.options
        if !described.isEmpty { doc += " " + described.map { "\($0.key): \($0.doc)." }.joined(separator: " ") }
        return LuaFunctionSpec(kind, constructor.signature(kind: kind), doc) { lua in
            var spec = LayerSpec(kind: kind, name: "")
            let positional = Int32(constructor.arguments.count)
            var optionsIndex = positional + 1
            for i in stride(from: Int32(1), through: positional, by: 1) where lua.type(i) == .table {
                optionsIndex = i
                break
            }
            for (offset, argument) in constructor.arguments.enumerated() {
                let index = Int32(offset + 1)
                if index >= optionsIndex || lua.isNoneOrNil(index) {
                    guard let value = argument.defaultValue else {
                        throw lua.argumentError(index, argument.key, expected: expected(argument.type))
                    }
                    store(value, argument.key, in: &spec)
                } else {
                    store(try read(lua, index, argument), argument.key, in: &spec)
                }
            }
            let known = constructor.options.map(\.key) + (constructor.drawsWeights ? ["seed"] : []) + ["name"]
            let options = try lua.options(optionsIndex, known: known)
            try lua.checkArgumentCount(max: optionsIndex)
            for option in constructor.options {
                if options.has(option.key) {
                    options.push(option.key)
                    defer { lua.pop(1) }
                    store(try read(lua, -1, option, optionName: option.key), option.key, in: &spec)
                } else if let value = option.defaultValue {
                    store(value, option.key, in: &spec)
                }
            }
            spec.name = try lua.layerNameOption(options)
            let seed = constructor.drawsWeights ? try lua.seedOption(options, default: lua.nextLayerSeed()) : 0
            var context = LayerBuildContext(generator: RandomGenerator(seed: seed))
            try lua.push(layer: LayerRegistry.build(spec, in: &context))
            return 1
        }
    }

    /// What an argument of `type` must be, for error messages.
    private static func expected(_ type: LayerConstructor.ValueType) -> String {
        switch type {
        case .integer(let range): "an integer in \(range.lowerBound)...\(range.upperBound)"
        case .real(let range): "a number in [\(LayerConstructor.text(range.lowerBound)), \(LayerConstructor.text(range.upperBound))]"
        case .flag: "a boolean"
        }
    }

    /// The value at `index`, checked against the argument's type and range.
    private static func read(_ lua: Lua, _ index: Int32, _ argument: LayerConstructor.Argument,
                             optionName: String? = nil) throws -> LayerConstructor.Value {
        func bad() -> LuaError {
            if let optionName {
                return lua.error("option '\(optionName)': expected \(expected(argument.type)), got \(lua.describe(index))")
            }
            return lua.argumentError(index, argument.key, expected: expected(argument.type))
        }
        switch argument.type {
        case .integer(let range):
            guard let v = lua.integer(index), range.contains(v) else { throw bad() }
            return .integer(v)
        case .real(let range):
            guard lua.type(index) == .number, let v = lua.number(index), v.isFinite, range.contains(v) else { throw bad() }
            return .real(v)
        case .flag:
            guard lua.type(index) == .boolean, let v = lua.boolean(index) else { throw bad() }
            return .flag(v)
        }
    }

    private static func store(_ value: LayerConstructor.Value, _ key: String, in spec: inout LayerSpec) {
        switch value {
        case .integer(let i): spec.integers[key] = i
        case .real(let r): spec.reals[key] = r
        case .flag(let b): spec.flags[key] = b
        }
    }
}
