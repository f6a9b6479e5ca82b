import CLua
import Engine

/// Tensor methods about shape and type, and views: shape, size, dim, numel, dtype, float,
/// double, item, totable, reshape, view, t, permute, transpose, narrow, select, slice, squeeze,
/// unsqueeze, expand, flatten, contiguous, is_contiguous, clone.
enum TensorShapeMethods {
    static let all: [LuaFunctionSpec] = [
        LuaFunctionSpec("shape", "t:shape()", "The sizes of t's dimensions, as a Lua table ({} for a 0-d tensor).") { lua in
            let t = try lua.check(1, Tensor.self, "self")
            try lua.checkArgumentCount(max: 1)
            lua.push(array: t.shape)
            return 1
        },
        LuaFunctionSpec("size", "t:size([dim])", "The size of dimension dim (1-based; negative counts from the end), or without dim all sizes as a table.") { lua in
            let t = try lua.check(1, Tensor.self, "self")
            try lua.checkArgumentCount(max: 2)
            if lua.isNoneOrNil(2) { lua.push(array: t.shape) } else { lua.push(t.shape[try lua.checkDimension(2, of: t)]) }
            return 1
        },
        LuaFunctionSpec("dim", "t:dim()", "The number of dimensions of t.") { lua in
            let t = try lua.check(1, Tensor.self, "self")
            try lua.checkArgumentCount(max: 1)
            lua.push(t.rank)
            return 1
        },
        LuaFunctionSpec("numel", "t:numel()", "The number of elements of t.") { lua in
            let t = try lua.check(1, Tensor.self, "self")
            try lua.checkArgumentCount(max: 1)
            lua.push(t.count)
            return 1
        },
        LuaFunctionSpec("dtype", "t:dtype()", "The element type: \"float32\" or \"float64\".") { lua in
            let t = try lua.check(1, Tensor.self, "self")
            try lua.checkArgumentCount(max: 1)
            lua.push(t.dtype.rawValue)
            return 1
        },
        LuaFunctionSpec("float", "t:float()", "t as float32 (t itself if it already is).") { lua in
            let t = try lua.check(1, Tensor.self, "self")
            try lua.checkArgumentCount(max: 1)
            lua.push(object: try t.converted(to: .float32))
            return 1
        },
        LuaFunctionSpec("double", "t:double()", "t as float64 (t itself if it already is).") { lua in
            let t = try lua.check(1, Tensor.self, "self")
            try lua.checkArgumentCount(max: 1)
            lua.push(object: try t.converted(to: .float64))
            return 1
        },
        LuaFunctionSpec("item", "t:item()", "The value of a one-element tensor, as a Lua number.") { lua in
            let t = try lua.check(1, Tensor.self, "self")
            try lua.checkArgumentCount(max: 1)
            lua.push(try t.item())
            return 1
        },
        LuaFunctionSpec("totable", "t:totable()", "t as nested Lua tables of numbers (a number for a 0-d tensor).") { lua in
            let t = try lua.check(1, Tensor.self, "self")
            try lua.checkArgumentCount(max: 1)
            try TensorConversion.push(t, on: lua)
            return 1
        },
        LuaFunctionSpec("reshape", "t:reshape(d1, d2, …) or t:reshape{d1, d2, …}",
                        "t with new sizes (same number of elements; one size may be -1 to be inferred): a view when the layout allows, else a copy.") { lua in
            let t = try lua.check(1, Tensor.self, "self")
            lua.push(object: try t.reshaped(try lua.sizes(from: 2, allowInferred: true)))
            return 1
        },
        LuaFunctionSpec("view", "t:view(d1, d2, …) or t:view{d1, d2, …}",
                        "A view of t with new sizes (one may be -1), sharing its memory; an error when t's layout does not allow one (use reshape).") { lua in
            let t = try lua.check(1, Tensor.self, "self")
            lua.push(object: try t.view(try lua.sizes(from: 2, allowInferred: true)))
            return 1
        },
        LuaFunctionSpec("t", "t:t()", "The transpose of a 2-D tensor, as a view (1-D and 0-d tensors are returned as they are).") { lua in
            let t = try lua.check(1, Tensor.self, "self")
            try lua.checkArgumentCount(max: 1)
            lua.push(object: try t.t())
            return 1
        },
        LuaFunctionSpec("permute", "t:permute(d1, d2, …) or t:permute{…}",
                        "A view with dimensions reordered: dimension i of the result is dimension di of t (each dimension once).") { lua in
            let t = try lua.check(1, Tensor.self, "self")
            let order = try lua.dimensions(from: 2, of: t)
            guard order.count == t.rank, Set(order).count == t.rank else {
                throw lua.error("expected each of the \(t.rank) dimensions exactly once, got \(order.map { String($0 + 1) }.joined(separator: ", "))")
            }
            lua.push(object: try t.permuted(order))
            return 1
        },
        LuaFunctionSpec("transpose", "t:transpose(d1, d2)", "A view with dimensions d1 and d2 swapped.") { lua in
            let t = try lua.check(1, Tensor.self, "self")
            let a = try lua.checkDimension(2, of: t, "d1"), b = try lua.checkDimension(3, of: t, "d2")
            try lua.checkArgumentCount(max: 3)
            lua.push(object: try t.transposed(a, b))
            return 1
        },
        LuaFunctionSpec("narrow", "t:narrow(dim, start, length)",
                        "A view of entries start … start+length−1 (1-based) of dimension dim.") { lua in
            let t = try lua.check(1, Tensor.self, "self")
            let d = try lua.checkDimension(2, of: t)
            let start = try lua.checkInteger(3, "start"), length = try lua.checkInteger(4, "length")
            try lua.checkArgumentCount(max: 4)
            let size = t.shape[d]
            guard start >= 1, length >= 0, length <= size, start - 1 <= size - length else {
                throw lua.error("start \(start) and length \(length) do not fit dimension \(d + 1) of size \(size) (need 1 ≤ start and start+length−1 ≤ \(size))")
            }
            lua.push(object: try t.narrowed(d, start: start - 1, length: length))
            return 1
        },
        LuaFunctionSpec("select", "t:select(dim, index)",
                        "A view of entry index (1-based; negative from the end) of dimension dim, with that dimension removed (a 0-d tensor from a 1-D one).") { lua in
            let t = try lua.check(1, Tensor.self, "self")
            let d = try lua.checkDimension(2, of: t)
            let i = try lua.checkIndex(3, size: t.shape[d], dimension: d + 1)
            try lua.checkArgumentCount(max: 3)
            lua.push(object: try t.selected(d, index: i))
            return 1
        },
        LuaFunctionSpec("slice", "t:slice(dim, first, last [, step])",
                        """
                        A view of entries first, first+step, … up to last (inclusive, 1-based, negative from \
                        the end, as string.sub) of dimension dim; empty when last < first.
                        """) { lua in
            let t = try lua.check(1, Tensor.self, "self")
            let d = try lua.checkDimension(2, of: t)
            let size = t.shape[d]
            var first = try lua.checkInteger(3, "first"), last = try lua.checkInteger(4, "last")
            let step = try lua.optionalInteger(5, "step") ?? 1
            try lua.checkArgumentCount(max: 5)
            guard step >= 1 else { throw lua.argumentError(5, "step", expected: "a step ≥ 1") }
            if first < 0 { first += size + 1 }
            if last < 0 { last += size + 1 }
            guard first >= 1, first <= size + 1, last <= size else {
                throw lua.error("slice \(first)…\(last) is out of range for dimension \(d + 1) of size \(size)")
            }
            let end = Swift.max(first - 1, last)
            lua.push(object: try t.sliced(d, start: first - 1, end: end, step: step))
            return 1
        },
        LuaFunctionSpec("squeeze", "t:squeeze([dim])", "A view without size-1 dimensions (only dim, if given and of size 1).") { lua in
            let t = try lua.check(1, Tensor.self, "self")
            try lua.checkArgumentCount(max: 2)
            lua.push(object: try lua.isNoneOrNil(2) ? t.squeezed() : t.squeezed(try lua.checkDimension(2, of: t)))
            return 1
        },
        LuaFunctionSpec("unsqueeze", "t:unsqueeze(dim)",
                        "A view with a new size-1 dimension at position dim (1 … t:dim()+1; −1 appends it last).") { lua in
            let t = try lua.check(1, Tensor.self, "self")
            let d = try lua.checkInteger(2, "dim")
            try lua.checkArgumentCount(max: 2)
            let rank = t.rank + 1
            guard let position = Lua.zeroBased(d, count: rank) else {
                throw lua.error("argument 2 (dim): expected a position in 1…\(rank) (or −\(rank)…−1), got \(d)")
            }
            lua.push(object: try t.unsqueezed(position))
            return 1
        },
        LuaFunctionSpec("expand", "t:expand(d1, d2, …) or t:expand{…}",
                        "A broadcast view of t with the given sizes (size-1 dimensions stretch without copying; -1 keeps a size).") { lua in
            let t = try lua.check(1, Tensor.self, "self")
            var sizes = try lua.sizes(from: 2, allowInferred: true)
            let lead = sizes.count - t.rank
            for i in sizes.indices where sizes[i] == -1 {
                guard i >= lead else { throw lua.error("-1 is only allowed for existing dimensions") }
                sizes[i] = t.shape[i - lead]
            }
            lua.push(object: try t.expanded(to: sizes))
            return 1
        },
        LuaFunctionSpec("flatten", "t:flatten()", "t as a 1-D tensor (a view when possible).") { lua in
            let t = try lua.check(1, Tensor.self, "self")
            try lua.checkArgumentCount(max: 1)
            lua.push(object: try t.reshaped([-1]))
            return 1
        },
        LuaFunctionSpec("contiguous", "t:contiguous()", "t if its elements are laid out row-major without gaps, else such a copy.") { lua in
            let t = try lua.check(1, Tensor.self, "self")
            try lua.checkArgumentCount(max: 1)
            lua.push(object: try t.contiguous())
            return 1
        },
        LuaFunctionSpec("is_contiguous", "t:is_contiguous()", "Whether t's elements are laid out row-major without gaps.") { lua in
            let t = try lua.check(1, Tensor.self, "self")
            try lua.checkArgumentCount(max: 1)
            lua.push(t.isContiguous)
            return 1
        },
        LuaFunctionSpec("clone", "t:clone()", "A contiguous copy of t that shares no memory with it.") { lua in
            let t = try lua.check(1, Tensor.self, "self")
            try lua.checkArgumentCount(max: 1)
            lua.push(object: try t.copy())
            return 1
        },
    ]
}
