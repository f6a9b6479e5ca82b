import CLua
import Engine

/// Tensor methods that work on whole lanes or all elements at once: sort, topk, norm, softmax,
/// log_softmax, cumsum, quantile, histc. The math is Engine's; this file converts 1-based Lua
/// dimensions and positions.
enum TensorAlgorithmMethods {
    /// The dimension at `index`, or the last one when absent.
    static func dimensionOrLast(_ lua: Lua, _ index: Int32, _ t: Tensor) throws -> Int {
        if lua.isNoneOrNil(index) {
            guard t.rank > 0 else { throw lua.argumentError(index, "dim", expected: "a dimension (but the tensor is 0-d)") }
            return t.rank - 1
        }
        return try lua.checkDimension(index, of: t)
    }

    /// The norm order at `index`: a number p ≥ 0, math.huge, or "fro" (= 2); 2 when absent.
    static func normOrder(_ lua: Lua, _ index: Int32) throws -> Tensor.NormOrder {
        if lua.isNoneOrNil(index) { return .p(2) }
        if lua.type(index) == .string {
            guard lua.string(index) == "fro" else { throw lua.argumentError(index, "p", expected: "a number, math.huge or \"fro\"") }
            return .p(2)
        }
        guard lua.type(index) == .number, let p = lua.number(index) else {
            throw lua.argumentError(index, "p", expected: "a number, math.huge or \"fro\"")
        }
        if p == .infinity { return .infinity }
        guard p >= 0, p.isFinite else { throw lua.error("argument \(index) (p): expected p ≥ 0, math.huge (∞) or \"fro\", got \(p)") }
        return .p(p)
    }

    /// Quantile levels at `index`: a number, a table of numbers or a 1-D tensor; `single` when
    /// one number was given.
    static func levels(_ lua: Lua, _ index: Int32) throws -> (levels: [Double], single: Bool) {
        if lua.type(index) == .number, let q = lua.number(index) { return ([q], true) }
        if let t = lua.object(index, as: Tensor.self) {
            guard t.rank <= 1 else { throw lua.argumentError(index, "q", expected: "a number, a table of numbers or a 1-D tensor") }
            return (t.scalars(as: Double.self), t.rank == 0)
        }
        guard lua.type(index) == .table else { throw lua.argumentError(index, "q", expected: "a number, a table of numbers or a 1-D tensor") }
        var values: [Double] = []
        let table = lua.absolute(index)
        for i in stride(from: 1, through: lua.rawLength(table), by: 1) {
            lua.rawGet(table, i)
            defer { lua.pop(1) }
            guard let v = lua.number(-1) else { throw lua.error("argument \(index) (q): entry \(i) is \(lua.describe(-1)), expected a number") }
            values.append(v)
        }
        return (values, false)
    }

    static let all: [LuaFunctionSpec] = [
        LuaFunctionSpec("sort", "t:sort([dim] [, descending])",
                        """
                        The values along dim (default: the last) in ascending order (descending when true), \
                        and their 1-based positions in t (a float64 tensor), as torch.sort(stable=True): ties \
                        keep their original order in both directions; NaN sorts as the largest value.
                        """) { lua in
            let t = try lua.check(1, Tensor.self, "self")
            try lua.checkArgumentCount(max: 3)
            let d = try dimensionOrLast(lua, 2, t)
            let descending = lua.isNoneOrNil(3) ? false : try lua.checkBoolean(3, "descending")
            let (values, indices) = try t.sorted(dim: d, descending: descending)
            lua.push(object: values)
            lua.push(object: try indices.applying(.add, scalar: 1))
            return 2
        },
        LuaFunctionSpec("topk", "t:topk(k [, dim] [, {largest=}])",
                        """
                        The k largest values along dim (default: the last), largest first, and their 1-based \
                        positions (as torch.topk; ties in their original order); {largest = false} gives the k \
                        smallest, smallest first.
                        """) { lua in
            let t = try lua.check(1, Tensor.self, "self")
            let k = try lua.checkInteger(2, "k")
            let optionsAt: Int32 = lua.type(3) == .table ? 3 : 4
            try lua.checkArgumentCount(max: optionsAt)
            let d = optionsAt == 3 ? try dimensionOrLast(lua, 4, t) : try dimensionOrLast(lua, 3, t)
            let options = try lua.options(optionsAt, known: ["largest"])
            let n = t.rank == 0 ? 0 : t.shape[d]
            guard k >= 0, k <= n else { throw lua.argumentError(2, "k", expected: "0…\(n) (the size of dimension \(d + 1)), got \(k)") }
            let (values, indices) = try t.top(k, dim: d, largest: try options.boolean("largest") ?? true)
            lua.push(object: values)
            lua.push(object: try indices.applying(.add, scalar: 1))
            return 2
        },
        LuaFunctionSpec("norm", "t:norm([p] [, dim] [, {keepdim=}])",
                        """
                        The p-norm of t's elements read as one vector (a number; for a matrix p = 2 is the \
                        Frobenius norm, as torch.norm, not the spectral norm: use tensor.svd), or along dim (a \
                        tensor). p: 2 (default), 1, any p ≥ 0 (0 counts nonzeros), math.huge (max |x|) or "fro".
                        """) { lua in
            let t = try lua.check(1, Tensor.self, "self")
            let order = try normOrder(lua, 2)
            let optionsAt: Int32 = lua.type(3) == .table ? 3 : 4
            try lua.checkArgumentCount(max: optionsAt)
            let options = try lua.options(optionsAt, known: ["keepdim"])
            if optionsAt == 4, !lua.isNoneOrNil(3) {
                lua.push(object: try t.norm(order, dim: try lua.checkDimension(3, of: t), keepDim: try options.boolean("keepdim") ?? false))
            } else {
                lua.push(try t.norm(order))
            }
            return 1
        },
        LuaFunctionSpec("softmax", "t:softmax(dim)",
                        "exp(x) / Σ exp(x) along dim, computed stably (the lane's maximum subtracted first, in float64); each lane sums to 1.") { lua in
            let t = try lua.check(1, Tensor.self, "self")
            try lua.checkArgumentCount(max: 2)
            lua.push(object: try t.softmax(dim: try lua.checkDimension(2, of: t)))
            return 1
        },
        LuaFunctionSpec("log_softmax", "t:log_softmax(dim)",
                        "x − log Σ exp(x) along dim by the log-sum-exp trick (finite where softmax would underflow to 0).") { lua in
            let t = try lua.check(1, Tensor.self, "self")
            try lua.checkArgumentCount(max: 2)
            lua.push(object: try t.logSoftmax(dim: try lua.checkDimension(2, of: t)))
            return 1
        },
        LuaFunctionSpec("cumsum", "t:cumsum(dim)",
                        "Cumulative sums along dim (the i-th entry is the sum of entries 1…i), accumulated in float64.") { lua in
            let t = try lua.check(1, Tensor.self, "self")
            try lua.checkArgumentCount(max: 2)
            lua.push(object: try t.cumulativeSum(dim: try lua.checkDimension(2, of: t)))
            return 1
        },
        LuaFunctionSpec("quantile", "t:quantile(q [, dim] [, {keepdim=}])",
                        """
                        The q-quantile (q in [0, 1]) of all elements (a number), or along dim (a tensor), by \
                        linear interpolation between the nearest ranks (numpy.quantile's default). q may be a \
                        table or 1-D tensor of levels: then a tensor with a leading dimension of one entry per \
                        level. NaN where the data holds NaN.
                        """) { lua in
            let t = try lua.check(1, Tensor.self, "self")
            let (qs, single) = try levels(lua, 2)
            let optionsAt: Int32 = lua.type(3) == .table ? 3 : 4
            try lua.checkArgumentCount(max: optionsAt)
            let options = try lua.options(optionsAt, known: ["keepdim"])
            if optionsAt == 4, !lua.isNoneOrNil(3) {
                let d = try lua.checkDimension(3, of: t)
                lua.push(object: try t.quantiles(qs, dim: d, keepDim: try options.boolean("keepdim") ?? false, leading: !single))
            } else {
                let values = try t.quantiles(qs)
                if single, let v = values.first { lua.push(v) } else { lua.push(object: try Tensor(shape: [values.count], values: values).converted(to: t.dtype)) }
            }
            return 1
        },
        LuaFunctionSpec("histc", "t:histc([bins [, min [, max]]])",
                        """
                        Counts of t's elements in bins (default 100) equal-width bins over [min, max] (as \
                        torch.histc): elements outside are ignored, max falls in the last bin; with min = max = 0 \
                        (the default) the data's range. For NumPy's counts and edges use tensor.histogram.
                        """) { lua in
            let t = try lua.check(1, Tensor.self, "self")
            let bins = try lua.optionalInteger(2, "bins") ?? 100
            let low = try lua.optionalNumber(3, "min") ?? 0, high = try lua.optionalNumber(4, "max") ?? 0
            try lua.checkArgumentCount(max: 4)
            lua.push(object: try t.histc(bins: bins, low: low, high: high))
            return 1
        },
    ]
}
