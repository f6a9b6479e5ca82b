import CLua
import Engine

/// Methods and metamethods of tensor objects: the method lists of the other files, plus
/// `+ - * / ^ unm == # [] tostring`.
enum TensorMethods {
    static let all: [LuaFunctionSpec] = TensorShapeMethods.all + TensorMathMethods.all + TensorReductionMethods.all + TensorAlgorithmMethods.all + TensorIOFunctions.methods

    static func arithmetic(_ op: BinaryOperation) -> LuaBody {
        { lua in
            let a = try lua.tensorOrNumber(1, "left operand"), b = try lua.tensorOrNumber(2, "right operand")
            lua.push(object: try TensorMathMethods.apply(op, a, b, lua))
            return 1
        }
    }

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
        "__add": arithmetic(.add),
        "__sub": arithmetic(.subtract),
        "__mul": arithmetic(.multiply),
        "__div": arithmetic(.divide),
        "__pow": arithmetic(.power),
        "__unm": { lua in
            lua.push(object: try lua.check(1, Tensor.self, "self").applying(.negate))
            return 1
        },
        "__eq": { lua in
            // Lua calls this only when both operands are userdata.
            guard let a = lua.object(1, as: Tensor.self), let b = lua.object(2, as: Tensor.self) else {
                lua.push(false)
                return 1
            }
            lua.push(try a.isEqual(to: b))
            return 1
        },
        "__lt": { lua in
            throw lua.error("tensors have no single order: use t:lt(u) (or le, gt, ge) for elementwise comparisons")
        },
        "__le": { lua in
            throw lua.error("tensors have no single order: use t:le(u) (or lt, gt, ge) for elementwise comparisons")
        },
    ]

    /// The Engine indices named by `t[key]`: an integer (dimension 1) or a table of integers
    /// (one per leading dimension); 1-based, negative from the end.
    static func indices(_ lua: Lua, _ t: Tensor) throws -> [Int] {
        var raw: [Int]
        if let i = lua.integer(2) {
            raw = [i]
        } else if lua.type(2) == .table {
            raw = try lua.checkIntegerArray(2, "index")
        } else {
            throw lua.error("cannot index a tensor with \(lua.describe(2)) (use an integer, a table of integers, a mask tensor of 0s and 1s or a method name)")
        }
        guard raw.count <= t.rank else {
            throw lua.error("\(raw.count) indices for a tensor with \(t.rank) dimension\(t.rank == 1 ? "" : "s")")
        }
        return try raw.enumerated().map { d, i in try lua.engineIndex(i, size: t.shape[d], dimension: d + 1) }
    }

    /// The sub-tensor at `indices` (a view).
    static func subTensor(_ t: Tensor, _ indices: [Int]) throws -> Tensor {
        var sub = t
        for i in indices { sub = try sub.selected(0, index: i) }
        return sub
    }

    /// `t[i]`, `t[{i, j}]`: the sub-tensor (a view), or a number when every dimension is indexed.
    static let index: LuaBody = { lua in
        let t = try lua.check(1, Tensor.self, "self")
        if lua.type(2) == .string { return 0 }  // not a method: nil, as for any missing field
        if let mask = lua.object(2, as: Tensor.self) {
            lua.push(object: try t.selecting(mask: mask))
            return 1
        }
        let sub = try subTensor(t, try indices(lua, t))
        if sub.rank == 0 { lua.push(try sub.item()) } else { lua.push(object: sub) }
        return 1
    }

    /// `t[i] = v`, `t[{i, j}] = v`: fill with a number, or copy a tensor (broadcast) into place.
    static let newIndex: LuaBody = { lua in
        let t = try lua.check(1, Tensor.self, "self")
        if let name = lua.string(2) { throw lua.error("cannot set field '\(name)' of a tensor (tensors have no settable fields)") }
        if let mask = lua.object(2, as: Tensor.self) {
            if let v = lua.number(3) {
                try t.assign(mask: mask, .number(v))
            } else if let source = lua.object(3, as: Tensor.self) {
                try t.assign(mask: mask, .tensor(source))
            } else {
                throw lua.argumentError(3, "value", expected: "a number or a tensor")
            }
            return 0
        }
        let sub = try subTensor(t, try indices(lua, t))
        if let v = lua.number(3) {
            sub.fill(v)
        } else if let source = lua.object(3, as: Tensor.self) {
            guard (try? Shape.broadcast(sub.shape, source.shape)) == sub.shape else {
                throw lua.error("cannot assign a tensor of shape \(Shape.describe(source.shape)) to a slot of shape \(Shape.describe(sub.shape))")
            }
            try sub.assign(from: source.storage === t.storage ? try source.copy() : source)
        } else {
            throw lua.argumentError(3, "value", expected: "a number or a tensor")
        }
        return 0
    }
}
