import CLua
import Engine

/// Files: tensor.load, tensor.save, tensor.keys, tensor.load_all and t:save, for .npy, .npz and
/// .safetensors (see Engine's TensorFile).
enum TensorIOFunctions {
    /// Named tensors from the table at `index` (`{name = t, …}`), sorted by name.
    static func namedTensors(_ lua: Lua, _ index: Int32) throws -> [(name: String, tensor: Tensor)] {
        var result: [(name: String, tensor: Tensor)] = []
        try lua.forEachEntry(index) { key, value in
            guard let name = lua.string(key) else {
                throw lua.error("argument \(index) (tensors): keys must be names (strings), got \(lua.describe(key))")
            }
            guard let t = lua.object(value, as: Tensor.self) else {
                throw lua.error("argument \(index) (tensors): entry '\(name)' is \(lua.describe(value)), expected a tensor")
            }
            result.append((name, t))
        }
        return result.sorted { $0.name < $1.name }
    }

    /// The string map at `index` (for safetensors metadata).
    static func stringMap(_ options: Options, _ lua: Lua) throws -> [String: String] {
        guard options.push("metadata") != .nil else { lua.pop(1); return [:] }
        defer { lua.pop(1) }
        guard lua.type(-1) == .table else { throw lua.error("option 'metadata': expected a table of strings, got \(lua.describe(-1))") }
        var map: [String: String] = [:]
        try lua.forEachEntry(-1) { key, value in
            guard let k = lua.string(key), let v = lua.string(value) else {
                throw lua.error("option 'metadata': expected string keys and string values, got \(lua.describe(key)) = \(lua.describe(value))")
            }
            map[k] = v
        }
        return map
    }

    static let functions: [LuaFunctionSpec] = [
        LuaFunctionSpec("load", "tensor.load(path [, key])",
                        """
                        Loads a tensor from a .npy file, a member of an .npz archive or a tensor of a \
                        .safetensors file: tensor.load("a.npz", "w") or tensor.load("a.npz:w"). A container \
                        with a single tensor needs no key. Integers and booleans load as float32 (8/16-bit) or \
                        float64 (32/64-bit), exactly; int64 values beyond ±2^53 are an error.
                        """) { lua in
            let path = try lua.checkString(1, "path")
            let key = try lua.optionalString(2, "key")
            try lua.checkArgumentCount(max: 2)
            lua.push(object: key == nil ? try TensorFile.load(reference: path) : try TensorFile.load(path, key: key))
            return 1
        },
        LuaFunctionSpec("load_all", "tensor.load_all(path)",
                        "Every tensor of a .npy/.npz/.safetensors file as a table name → tensor, and the safetensors metadata table (empty otherwise).") { lua in
            let path = try lua.checkString(1, "path")
            try lua.checkArgumentCount(max: 1)
            var metadata: [String: String] = [:]
            let tensors: [(name: String, tensor: Tensor)]
            if try TensorFile.format(of: path) == .safetensors {
                (tensors, metadata) = try Safetensors.read(path)
            } else {
                tensors = try TensorFile.loadAll(path)
            }
            lua.newTable(fieldCapacity: tensors.count)
            for (name, t) in tensors { lua.push(object: t); lua.rawSet(-2, name) }
            lua.newTable(fieldCapacity: metadata.count)
            for (k, v) in metadata { lua.push(v); lua.rawSet(-2, k) }
            return 2
        },
        LuaFunctionSpec("keys", "tensor.keys(path)", "The names of the tensors in a .npz or .safetensors file, in file order (a .npy file has the one key \"arr_0\").") { lua in
            let path = try lua.checkString(1, "path")
            try lua.checkArgumentCount(max: 1)
            lua.push(array: try TensorFile.keys(path))
            return 1
        },
        LuaFunctionSpec("save", "tensor.save(path, t or {name = t, …} [, {compressed=, metadata=}])",
                        """
                        Saves atomically, in the format the extension names: one tensor to .npy, or to .npz / \
                        .safetensors under the key "arr_0"; a table of named tensors to .npz (deflated with \
                        {compressed = true}) or .safetensors (with {metadata = {k = "v"}}). float32 and float64 \
                        are stored as they are. tensor.save(t, path) is t:save(path).
                        """) { lua in
            if lua.object(1, as: Tensor.self) != nil, lua.type(2) == .string {
                return try methods[0].body(lua)
            }
            let path = try lua.checkString(1, "path")
            try lua.checkArgumentCount(max: 3)
            let options = try lua.options(3, known: ["compressed", "metadata"])
            let compressed = try options.boolean("compressed") ?? false
            let metadata = try stringMap(options, lua)
            if let t = lua.object(2, as: Tensor.self) {
                if metadata.isEmpty {
                    try TensorFile.save(t, to: path, compressed: compressed)
                } else {
                    try TensorFile.save([(TensorFile.defaultKey, t)], to: path, metadata: metadata, compressed: compressed)
                }
            } else if lua.type(2) == .table {
                try TensorFile.save(try namedTensors(lua, 2), to: path, metadata: metadata, compressed: compressed)
            } else {
                throw lua.argumentError(2, "tensors", expected: "a tensor or a table of named tensors")
            }
            return 0
        },
    ]

    static let methods: [LuaFunctionSpec] = [
        LuaFunctionSpec("save", "t:save(path [, {compressed=}])",
                        "Saves t to a .npy file (or to .npz / .safetensors under the key \"arr_0\"), atomically; returns t.") { lua in
            let t = try lua.check(1, Tensor.self, "self")
            let path = try lua.checkString(2, "path")
            try lua.checkArgumentCount(max: 3)
            let options = try lua.options(3, known: ["compressed"])
            try TensorFile.save(t, to: path, compressed: try options.boolean("compressed") ?? false)
            lua.pushCopy(1)
            return 1
        },
    ]
}
