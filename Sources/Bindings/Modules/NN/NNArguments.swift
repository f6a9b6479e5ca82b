import CLua
import Engine

/// Argument readers shared by the `nn`, `models` and `train` bindings.
extension Lua {
    /// A size given as one positive integer `k` (meaning k×k) or a pair `{h, w}`.
    func checkPair(_ index: Int32, _ name: String, allowZero: Bool = false) throws -> (Int, Int) {
        let low = allowZero ? 0 : 1
        let what = allowZero ? "a non-negative integer or a pair {h, w}" : "a positive integer or a pair {h, w}"
        if let v = integer(index) {
            guard v >= low else { throw argumentError(index, name, expected: what) }
            return (v, v)
        }
        guard type(index) == .table else { throw argumentError(index, name, expected: what) }
        let values = try checkIntegerArray(index, name)
        guard values.count == 2, values.allSatisfy({ $0 >= low }) else {
            throw LuaError("\(callee): argument \(index) (\(name)): expected \(what), got a table of \(values.count) entries \(values)")
        }
        return (values[0], values[1])
    }

    /// The pair-valued option `key` (an integer or `{h, w}`), or nil when absent.
    func pairOption(_ options: Options, _ key: String, allowZero: Bool) throws -> (Int, Int)? {
        guard options.has(key) else { return nil }
        let low = allowZero ? 0 : 1
        let what = allowZero ? "a non-negative integer or a pair {h, w}" : "a positive integer or a pair {h, w}"
        guard let values = try? options.integerArray(key) else {
            throw LuaError("\(callee): option '\(key)': expected \(what)")
        }
        if values.count == 1, values[0] >= low { return (values[0], values[0]) }
        guard values.count == 2, values.allSatisfy({ $0 >= low }) else {
            throw LuaError("\(callee): option '\(key)': expected \(what), got \(values)")
        }
        return (values[0], values[1])
    }

    /// The `init` option: "pytorch" (default) or "he".
    func initializerOption(_ options: Options) throws -> Initializer {
        Initializer(rawValue: try options.choice("init", Initializer.allCases.map(\.rawValue)) ?? "pytorch") ?? .pytorch
    }

    /// The `seed` option as 64 bits, or `fallback`.
    func seedOption(_ options: Options, default fallback: UInt64) throws -> UInt64 {
        guard let s = try options.integer("seed") else { return fallback }
        return UInt64(bitPattern: Int64(s))
    }

    /// A per-state sequence of seeds for layers built without one (`nn.Linear(3, 4)`): the
    /// k-th such layer of a script gets seed k, so a script gives the same weights on every run.
    func nextLayerSeed() -> UInt64 {
        let key = "prunelab.nn.seedcounter"
        lua_getfield(state, plua_registryindex(), key)
        // Wrapping: the counter lives in the registry, which debug.getregistry() can rewrite.
        let n = (integer(-1) ?? 0) &+ 1
        pop(1)
        push(n)
        lua_setfield(state, plua_registryindex(), key)
        return UInt64(bitPattern: Int64(n))
    }

    /// The `name` option: a layer name without dots (nil for automatic naming).
    func layerNameOption(_ options: Options) throws -> String {
        guard let name = try options.string("name") else { return "" }
        guard !name.isEmpty, !name.contains(".") else {
            throw LuaError("\(callee): option 'name': expected a non-empty name without dots, got \"\(name)\"")
        }
        return name
    }

    /// The model at `index` (any `models.*` or `nn.*` object).
    func checkModel(_ index: Int32, _ name: String = "model") throws -> Model {
        try check(index, Model.self, name)
    }

    /// A positive integer option, or `fallback`.
    func positiveOption(_ options: Options, _ key: String, default fallback: Int, max: Int = 1 << 30) throws -> Int {
        try options.integer(key, in: 1...max) ?? fallback
    }

    /// Pushes a fresh Lua model object wrapping a single layer.
    func push(layer: Layer) throws {
        push(object: try Model(root: layer, inputShape: nil, title: layer.summary))
    }
}
