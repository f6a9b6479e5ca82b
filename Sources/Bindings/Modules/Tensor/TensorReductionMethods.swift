import CLua
import Engine

/// Reductions: sum, mean, var, std, max, min, argmax, argmin. Without a dimension they return a
/// Lua number; with one (1-based, negative from the end) a tensor without that dimension, or
/// with it kept as size 1 under `{keepdim = true}`.
enum TensorReductionMethods {
    /// The dimension (nil for all elements) and options of a reduction call `t:f([dim] [, opts])`.
    static func arguments(_ lua: Lua, _ t: Tensor, known: [String]) throws -> (dim: Int?, options: Options) {
        if lua.type(2) == .table {
            try lua.checkArgumentCount(max: 2)
            return (nil, try lua.options(2, known: known))
        }
        try lua.checkArgumentCount(max: 3)
        let dim = lua.isNoneOrNil(2) ? nil : try lua.checkDimension(2, of: t)
        return (dim, try lua.options(3, known: known))
    }

    static func simple(_ name: String, _ doc: String, whole: @escaping @Sendable (Tensor) throws -> Double,
                       along: @escaping @Sendable (Tensor, Int, Bool) throws -> Tensor) -> LuaFunctionSpec {
        LuaFunctionSpec(name, "t:\(name)([dim] [, {keepdim=}])", doc) { lua in
            let t = try lua.check(1, Tensor.self, "self")
            let (dim, options) = try arguments(lua, t, known: ["keepdim"])
            let keep = try options.boolean("keepdim") ?? false
            if let dim { lua.push(object: try along(t, dim, keep)) } else { lua.push(try whole(t)) }
            return 1
        }
    }

    static func spread(_ name: String, _ doc: String, root: Bool) -> LuaFunctionSpec {
        LuaFunctionSpec(name, "t:\(name)([dim] [, {unbiased=, keepdim=}])", doc) { lua in
            let t = try lua.check(1, Tensor.self, "self")
            let (dim, options) = try arguments(lua, t, known: ["unbiased", "keepdim"])
            let correction = (try options.boolean("unbiased") ?? true) ? 1 : 0
            let keep = try options.boolean("keepdim") ?? false
            if let dim {
                lua.push(object: root ? try t.standardDeviation(dim: dim, correction: correction, keepDim: keep)
                                      : try t.variance(dim: dim, correction: correction, keepDim: keep))
            } else {
                lua.push(root ? t.standardDeviation(correction: correction) : t.variance(correction: correction))
            }
            return 1
        }
    }

    static func extreme(_ name: String, smallest: Bool) -> LuaFunctionSpec {
        let word = smallest ? "smallest" : "largest"
        return LuaFunctionSpec(name, "t:\(name)([dim] [, {keepdim=}])",
                               "The \(word) element as a number; with dim, the \(word) values along dim and their 1-based positions (two tensors). NaN propagates.") { lua in
            let t = try lua.check(1, Tensor.self, "self")
            let (dim, options) = try arguments(lua, t, known: ["keepdim"])
            let keep = try options.boolean("keepdim") ?? false
            guard let dim else {
                lua.push(smallest ? try t.minElement() : try t.maxElement())
                return 1
            }
            let (values, indices) = smallest ? try t.minElements(dim: dim, keepDim: keep) : try t.maxElements(dim: dim, keepDim: keep)
            lua.push(object: values)
            lua.push(object: try indices.applying(.add, scalar: 1))
            return 2
        }
    }

    static func position(_ name: String, smallest: Bool) -> LuaFunctionSpec {
        let word = smallest ? "smallest" : "largest"
        return LuaFunctionSpec(name, "t:\(name)([dim] [, {keepdim=}])",
                               "The 1-based position of the first \(word) element (in row-major order over all elements, as an integer); with dim, the positions along dim (a float64 tensor).") { lua in
            let t = try lua.check(1, Tensor.self, "self")
            let (dim, options) = try arguments(lua, t, known: ["keepdim"])
            let keep = try options.boolean("keepdim") ?? false
            guard let dim else {
                lua.push((smallest ? try t.argmin() : try t.argmax()) + 1)
                return 1
            }
            let indices = smallest ? try t.argmin(dim: dim, keepDim: keep) : try t.argmax(dim: dim, keepDim: keep)
            lua.push(object: try indices.applying(.add, scalar: 1))
            return 1
        }
    }

    static let all: [LuaFunctionSpec] = [
        simple("sum", "The sum of the elements (accumulated in float64), or the sums along dim.",
               whole: { $0.sum() }, along: { try $0.sum(dim: $1, keepDim: $2) }),
        simple("mean", "The arithmetic mean of the elements (NaN for none), or the means along dim.",
               whole: { $0.mean() }, along: { try $0.mean(dim: $1, keepDim: $2) }),
        spread("var", "The variance Σ(x − mean)²/(N − 1) (unbiased, as Torch; {unbiased = false} divides by N, as NumPy), or the variances along dim. NaN when N − 1 ≤ 0.", root: false),
        spread("std", "The standard deviation, the square root of var (same options).", root: true),
        extreme("max", smallest: false),
        extreme("min", smallest: true),
        position("argmax", smallest: false),
        position("argmin", smallest: true),
    ]
}
