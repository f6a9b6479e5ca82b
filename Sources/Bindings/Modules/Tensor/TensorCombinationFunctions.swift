import CLua
import Engine

/// `tensor` module functions over several tensors or returning several: cat, stack, where,
/// histogram, svd, eigh. Math in Engine; here only argument conversion.
enum TensorCombinationFunctions {
    /// The tensors of the Lua array at `index` (at least one).
    static func tensorList(_ lua: Lua, _ index: Int32) throws -> [Tensor] {
        guard lua.type(index) == .table else { throw lua.argumentError(index, "tensors", expected: "a table of tensors") }
        let table = lua.absolute(index)
        let n = lua.rawLength(table)
        guard n > 0 else { throw lua.argumentError(index, "tensors", expected: "a non-empty table of tensors") }
        var list: [Tensor] = []
        for i in 1...n {
            lua.rawGet(table, i)
            defer { lua.pop(1) }
            guard let t = lua.object(-1, as: Tensor.self) else {
                throw lua.error("argument \(index) (tensors): expected a table of tensors, but entry \(i) is \(lua.describe(-1))")
            }
            list.append(t)
        }
        return list
    }

    /// A tensor or number operand of `where`.
    static func choice(_ lua: Lua, _ index: Int32, _ name: String) throws -> Tensor.Choice {
        switch try lua.tensorOrNumber(index, name) {
        case .tensor(let t): return .tensor(t)
        case .number(let v): return .number(v)
        }
    }

    static let all: [LuaFunctionSpec] = [
        LuaFunctionSpec("cat", "tensor.cat(tensors [, dim])",
                        """
                        The tensors (a table) joined along dimension dim (default 1), as torch.cat: all of one \
                        rank with equal sizes except along dim. float64 if any is float64.
                        """) { lua in
            let list = try tensorList(lua, 1)
            try lua.checkArgumentCount(max: 2)
            let d = lua.isNoneOrNil(2) ? 0 : try lua.checkDimension(2, of: list[0])
            lua.push(object: try Tensor.concatenated(list, dim: d))
            return 1
        },
        LuaFunctionSpec("stack", "tensor.stack(tensors [, dim])",
                        """
                        The tensors (a table, all of one shape) stacked along a new dimension at position dim \
                        (1 … rank+1, default 1; negative from the end), as torch.stack.
                        """) { lua in
            let list = try tensorList(lua, 1)
            try lua.checkArgumentCount(max: 2)
            var d = 0
            if !lua.isNoneOrNil(2) {
                let rank = list[0].rank + 1
                guard let raw = lua.integer(2), let position = Lua.zeroBased(raw, count: rank) else {
                    throw lua.argumentError(2, "dim", expected: "a position in 1…\(rank) (or −\(rank)…−1), got \(lua.describe(2))")
                }
                d = position
            }
            lua.push(object: try Tensor.stacked(list, dim: d))
            return 1
        },
        LuaFunctionSpec("where", "tensor.where(cond, a, b)",
                        """
                        a where cond is nonzero, else b, elementwise (a and b tensors or numbers; the three \
                        broadcast together), as torch.where / numpy.where.
                        """) { lua in
            let condition = try lua.check(1, Tensor.self, "cond")
            let a = try choice(lua, 2, "a"), b = try choice(lua, 3, "b")
            try lua.checkArgumentCount(max: 3)
            lua.push(object: try Tensor.choosing(condition, a, b))
            return 1
        },
        LuaFunctionSpec("histogram", "tensor.histogram(t [, bins] [, {range = {min, max}}])",
                        """
                        numpy.histogram: the counts in bins (default 10) equal-width bins (a float64 tensor) and \
                        the bins+1 edges. Bins are half-open [e_i, e_i+1) except the last, which includes max; \
                        without range, the data's minimum and maximum. For Torch's histc see t:histc.
                        """) { lua in
            let t = try lua.check(1, Tensor.self, "t")
            let optionsAt: Int32 = lua.type(2) == .table ? 2 : 3
            let bins = optionsAt == 3 ? try lua.optionalInteger(2, "bins") ?? 10 : 10
            try lua.checkArgumentCount(max: optionsAt)
            let options = try lua.options(optionsAt, known: ["range"])
            var range: (Double, Double)?
            let kind = options.push("range")
            if kind != .nil {
                guard kind == .table else {
                    lua.pop(1)
                    throw lua.error("option 'range': expected a table {min, max}")
                }
                lua.rawGet(-1, 1)
                lua.rawGet(-2, 2)
                let lo = lua.number(-2), hi = lua.number(-1)
                lua.pop(2)
                guard let lo, let hi else {
                    lua.pop(1)
                    throw lua.error("option 'range': expected a table of two numbers {min, max}")
                }
                range = (lo, hi)
            }
            lua.pop(1)
            let (counts, edges) = try t.histogram(bins: bins, range: range)
            lua.push(object: counts)
            lua.push(object: edges)
            return 2
        },
        LuaFunctionSpec("svd", "tensor.svd(a)",
                        """
                        The thin SVD of a matrix, a = U·diag(S)·Vh, as numpy.linalg.svd(a, full_matrices=False) \
                        and torch.linalg.svd: returns U (m×k), S (k values, descending), Vh (k×n; V transposed, \
                        not torch.svd's V). LAPACK dgesdd in float64. Signs: each column of U is flipped so its \
                        largest-magnitude entry is positive (with the matching row of Vh).
                        """) { lua in
            let a = try lua.check(1, Tensor.self, "a")
            try lua.checkArgumentCount(max: 1)
            let (u, s, vt) = try a.singularValueDecomposition()
            lua.push(object: u)
            lua.push(object: s)
            lua.push(object: vt)
            return 3
        },
        LuaFunctionSpec("eigh", "tensor.eigh(a)",
                        """
                        Eigenvalues (ascending) and eigenvectors (columns) of a symmetric matrix, as \
                        numpy.linalg.eigh / torch.linalg.eigh (only the lower triangle is read). LAPACK dsyevd \
                        in float64. Signs: each eigenvector is flipped so its largest-magnitude entry is positive.
                        """) { lua in
            let a = try lua.check(1, Tensor.self, "a")
            try lua.checkArgumentCount(max: 1)
            let (values, vectors) = try a.symmetricEigendecomposition()
            lua.push(object: values)
            lua.push(object: vectors)
            return 2
        },
    ]
}
