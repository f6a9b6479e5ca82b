import CLua
import Engine

/// Nested Lua tables ⇄ tensors (`tensor.from`, `t:totable()`).
enum TensorConversion {
    /// Deepest nesting accepted by `tensor.from` (also stops cyclic tables).
    static let maxDepth = 32

    /// The tensor described by the nested table (or number) at `index`: `{{1, 2}, {3, 4}}` is
    /// 2×2. Every table at one depth must have the same length; leaves must be numbers.
    static func tensor(from lua: Lua, at index: Int32, dtype: DType) throws -> Tensor {
        let i = lua.absolute(index)
        if let v = lua.number(i) { return try Tensor.scalar(v, dtype: dtype) }
        guard lua.type(i) == .table else { throw lua.argumentError(index, "data", expected: "a (nested) table of numbers") }
        guard lua_checkstack(lua.state, Int32(maxDepth + 8)) != 0 else { throw lua.error("out of Lua stack space") }
        // The shape comes from the first entry at each depth.
        var shape: [Int] = []
        lua.pushCopy(i)
        while lua.type(-1) == .table {
            guard shape.count < maxDepth else {
                lua.pop(Int32(shape.count + 1))
                throw lua.error("argument \(index) (data): nested deeper than \(maxDepth) levels (or the table contains itself)")
            }
            let n = lua.rawLength(-1)
            shape.append(n)
            if n == 0 { break }
            lua.rawGet(-1, 1)
        }
        lua.pop(Int32(shape.count + (shape.last == 0 ? 0 : 1)))
        let count = try Shape.validatedCount(shape)
        var values: [Double] = []
        values.reserveCapacity(count)
        try collect(lua, i, shape: shape, depth: 0, path: "", into: &values, argument: index)
        return try Tensor(shape: shape, values: values).converted(to: dtype)
    }

    private static func collect(_ lua: Lua, _ table: Int32, shape: [Int], depth: Int, path: String, into values: inout [Double], argument: Int32) throws {
        let n = lua.rawLength(table)
        guard n == shape[depth] else {
            throw lua.error("argument \(argument) (data): ragged nested table: \(path.isEmpty ? "the table" : "entry " + path) has \(n) entries, expected \(shape[depth]) like its first sibling")
        }
        for k in stride(from: 1, through: n, by: 1) {
            lua.rawGet(table, k)
            defer { lua.pop(1) }
            let here = "\(path)[\(k)]"
            if depth == shape.count - 1 {
                guard let v = lua.number(-1) else {
                    throw lua.error("argument \(argument) (data): entry \(here) is \(lua.describe(-1)), expected a number")
                }
                values.append(v)
            } else {
                guard lua.type(-1) == .table else {
                    throw lua.error("argument \(argument) (data): ragged nested table: entry \(here) is \(lua.describe(-1)), expected a table of \(shape[depth + 1]) entries")
                }
                try collect(lua, lua.top, shape: shape, depth: depth + 1, path: here, into: &values, argument: argument)
            }
        }
    }

    /// Pushes `t` as nested Lua tables (a number for a 0-d tensor).
    static func push(_ t: Tensor, on lua: Lua) throws {
        let values = t.scalars(as: Double.self)
        if t.rank == 0 {
            lua.push(values.first ?? 0)
            return
        }
        guard lua_checkstack(lua.state, Int32(t.rank + 8)) != 0 else { throw lua.error("out of Lua stack space") }
        var position = 0
        func build(_ depth: Int) {
            let n = t.shape[depth]
            lua.newTable(arrayCapacity: n)
            for k in 0..<n {
                if depth == t.rank - 1 {
                    lua.push(values[position])
                    position += 1
                } else {
                    build(depth + 1)
                }
                lua.rawSet(-2, k + 1)
            }
        }
        build(0)
    }
}
