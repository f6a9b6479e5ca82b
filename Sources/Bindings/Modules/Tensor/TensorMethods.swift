import CLua
import Engine

/// Methods and metamethods of tensor objects.
enum TensorMethods {
    static let all: [LuaFunctionSpec] = [
        LuaFunctionSpec("shape", "t:shape()", "The sizes of t's dimensions, as a Lua table.") { lua in
            lua.push(array: try lua.check(1, Tensor.self, "self").shape)
            return 1
        },
        LuaFunctionSpec("dim", "t:dim()", "The number of dimensions of t.") { lua in
            lua.push(try lua.check(1, Tensor.self, "self").rank)
            return 1
        },
        LuaFunctionSpec("numel", "t:numel()", "The number of elements of t.") { lua in
            lua.push(try lua.check(1, Tensor.self, "self").count)
            return 1
        },
        LuaFunctionSpec("dtype", "t:dtype()", "The element type: \"float32\" or \"float64\".") { lua in
            lua.push(try lua.check(1, Tensor.self, "self").dtype.rawValue)
            return 1
        },
    ]

    static let metamethods: [String: LuaBody] = [
        "__tostring": { lua in
            lua.push(try lua.check(1, Tensor.self, "self").description)
            return 1
        },
        "__len": { lua in
            let t = try lua.check(1, Tensor.self, "self")
            lua.push(t.rank == 0 ? 0 : t.shape[0])
            return 1
        },
    ]

    /// `t[i]`: the i-th sub-tensor along dimension 1 (a number for a 1-D tensor).
    static let index: LuaBody = { lua in
        let t = try lua.check(1, Tensor.self, "self")
        guard let i = lua.integer(2) else {
            if lua.type(2) == .string { return 0 }
            throw lua.argumentError(2, "index", expected: "an integer index")
        }
        guard t.rank > 0 else { throw lua.error("cannot index a 0-d tensor") }
        guard i >= 1, i <= t.shape[0] else {
            throw lua.error("index \(i) out of range for dimension 1 of size \(t.shape[0])")
        }
        let sub = try t.selected(0, index: i - 1)
        if sub.rank == 0 { lua.push(try sub.item()) } else { lua.push(object: sub) }
        return 1
    }

    /// `t[i] = v`: fill the i-th sub-tensor with a number, or copy a tensor into it.
    static let newIndex: LuaBody = { lua in
        let t = try lua.check(1, Tensor.self, "self")
        guard let i = lua.integer(2) else { throw lua.argumentError(2, "index", expected: "an integer index") }
        guard t.rank > 0, i >= 1, i <= t.shape[0] else {
            throw lua.error("index \(i) out of range for dimension 1 of size \(t.rank > 0 ? t.shape[0] : 0)")
        }
        let sub = try t.selected(0, index: i - 1)
        if let v = lua.number(3) {
            sub.fill(v)
        } else if let source = lua.object(3, as: Tensor.self) {
            try sub.assign(from: source)
        } else {
            throw lua.argumentError(3, "value", expected: "a number or a tensor")
        }
        return 0
    }
}
