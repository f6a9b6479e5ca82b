import CLua
import Engine

/// How tensor factories read their size and options. All of these work:
/// `tensor.zeros(2, 3)`, `tensor.zeros{2, 3}`, `tensor.zeros({2, 3}, {dtype = "float64"})`,
/// `tensor.zeros(2, 3, {dtype = "float64"})` and `tensor.randn{2, 3, seed = 1}` (sizes in the
/// array part, options in the hash part of one table).
struct ShapeAndOptions {
    let shape: [Int]
    let options: Options
}

extension Lua {
    /// Reads a size (as above) starting at argument `first`; options keys must be in `known`.
    func shapeAndOptions(from first: Int32, known: [String]) throws -> ShapeAndOptions {
        if type(first) == .table {
            let sizes = try sizeArray(first)
            // Options either in the same table's hash part or in the next argument.
            let hashKeys = tableHasHashKeys(first)
            if hashKeys && !isNoneOrNil(first + 1) {
                throw error("give options either inside the size table or as the next argument, not both")
            }
            try checkArgumentCount(max: first + 1)
            let options = hashKeys ? try optionsIgnoringArray(first, known: known) : try self.options(first + 1, known: known)
            return ShapeAndOptions(shape: sizes, options: options)
        }
        var shape: [Int] = []
        var i = first
        while i <= top, type(i) == .number {
            guard let size = integer(i), size >= 0 else {
                throw argumentError(i, "size", expected: "a non-negative integer")
            }
            shape.append(size)
            i += 1
        }
        if i <= top, type(i) != .table, type(i) != .nil {
            throw argumentError(i, "size", expected: "a non-negative integer or an options table")
        }
        try checkArgumentCount(max: i)
        return ShapeAndOptions(shape: shape, options: try options(i, known: known))
    }

    /// The sizes in the array part of the table at `index` (each a non-negative integer).
    private func sizeArray(_ index: Int32) throws -> [Int] {
        let sizes = try checkIntegerArray(index, "size")
        if let bad = sizes.first(where: { $0 < 0 }) {
            throw argumentError(index, "size", expected: "non-negative sizes, but one is \(bad)")
        }
        return sizes
    }

    /// Whether the table at `index` has keys other than 1…#t.
    private func tableHasHashKeys(_ index: Int32) -> Bool {
        let n = rawLength(index)
        var found = false
        forEachEntry(index) { key, _ in
            if let k = integer(key), isInteger(key), k >= 1, k <= n { return }
            found = true
        }
        return found
    }

    /// Options from the hash part of a mixed table.
    private func optionsIgnoringArray(_ index: Int32, known: [String]) throws -> Options {
        let table = absolute(index)
        let n = rawLength(table)
        try forEachEntry(table) { key, _ in
            if let k = integer(key), isInteger(key), k >= 1, k <= n { return }
            guard let name = string(key), known.contains(name) else {
                let shown = string(key).map { "'\($0)'" } ?? describe(key)
                throw error("unknown option \(shown) (known options: \(known.joined(separator: ", ")))")
            }
        }
        return Options(lua: self, index: table)
    }

    /// The `dtype` option ("float32" or "float64"), defaulting to `fallback`.
    func dtypeOption(_ options: Options, default fallback: DType = .float32) throws -> DType {
        guard let name = try options.choice("dtype", DType.allCases.map(\.rawValue)) else { return fallback }
        return DType(rawValue: name) ?? fallback
    }
}

/// A tensor operand or a plain number (for arithmetic with scalars).
enum TensorOperand {
    case tensor(Tensor)
    case number(Double)
}

extension Lua {
    /// The tensor or number at `index`.
    func tensorOrNumber(_ index: Int32, _ name: String) throws -> TensorOperand {
        if let t = object(index, as: Tensor.self) { return .tensor(t) }
        if let v = number(index) { return .number(v) }
        throw argumentError(index, name, expected: "a tensor or a number")
    }

    /// A Lua dimension (1…rank, or −rank…−1 counting from the end) at `index` as an Engine
    /// (0-based) dimension of `t`.
    func checkDimension(_ index: Int32, of t: Tensor, _ name: String = "dim") throws -> Int {
        guard let d = integer(index) else {
            throw argumentError(index, name, expected: t.rank == 0 ? "a dimension (but the tensor is 0-d)" : "a dimension (an integer in 1…\(t.rank))")
        }
        return try engineDimension(d, rank: t.rank, index, name)
    }

    /// `d` (1-based, negative from the end) as a 0-based dimension of a tensor of `rank`.
    /// Compares without negating or adding first, so every Lua integer (math.mininteger,
    /// math.maxinteger) gets the range error rather than an overflow trap.
    func engineDimension(_ d: Int, rank: Int, _ index: Int32, _ name: String) throws -> Int {
        if let position = Lua.zeroBased(d, count: rank) { return position }
        throw LuaError("\(callee): argument \(index) (\(name)): expected a dimension in 1…\(rank)\(rank > 0 ? " (or −\(rank)…−1 from the end)" : ""), got \(d)\(rank == 0 ? " (the tensor is 0-d)" : "")")
    }

    /// The 0-based position of the Lua position `i` among `count` things (1…count, or
    /// −count…−1 from the end), or nil when out of range. The one place Lua positions become
    /// Engine ones: overflow-free for every `Int` (no negation of `i`; `count + i` only once
    /// `i ≥ −count`, so it lies in 0..<count).
    static func zeroBased(_ i: Int, count: Int) -> Int? {
        guard count >= 0 else { return nil }
        if i >= 1 && i <= count { return i - 1 }
        if i < 0 && i >= -count { return count + i }
        return nil
    }

    /// A Lua index (1…size, or −size…−1 from the end) at `index` as a 0-based index into a
    /// dimension of `size` elements.
    func checkIndex(_ index: Int32, size: Int, dimension: Int, _ name: String = "index") throws -> Int {
        guard let i = integer(index) else { throw argumentError(index, name, expected: "an integer index") }
        return try engineIndex(i, size: size, dimension: dimension)
    }

    /// `i` (1-based, negative from the end) as a 0-based index into `size` elements.
    func engineIndex(_ i: Int, size: Int, dimension: Int) throws -> Int {
        if let position = Lua.zeroBased(i, count: size) { return position }
        throw error("index \(i) out of range for dimension \(dimension) of size \(size)")
    }

    /// Sizes given as separate integers from `first` on, or as one table (`reshape(2, 3)` or
    /// `reshape{2, 3}`); -1 allowed when `allowInferred`.
    func sizes(from first: Int32, allowInferred: Bool, _ name: String = "size") throws -> [Int] {
        var values: [Int]
        if type(first) == .table {
            try checkArgumentCount(max: first)
            values = try checkIntegerArray(first, name)
        } else {
            values = []
            var i = first
            while i <= top {
                guard let v = integer(i) else { throw argumentError(i, name, expected: "an integer size") }
                values.append(v)
                i += 1
            }
        }
        for v in values where v < (allowInferred ? -1 : 0) {
            throw error("argument \(first) (\(name)): expected sizes ≥ 0\(allowInferred ? " (or one -1)" : ""), got \(v)")
        }
        return values
    }

    /// Dimensions given as separate integers from `first` on, or as one table, converted to 0-based.
    func dimensions(from first: Int32, of t: Tensor, _ name: String = "dims") throws -> [Int] {
        var raw: [Int] = []
        if type(first) == .table {
            try checkArgumentCount(max: first)
            raw = try checkIntegerArray(first, name)
        } else {
            var i = first
            while i <= top {
                guard let v = integer(i) else { throw argumentError(i, name, expected: "an integer dimension") }
                raw.append(v)
                i += 1
            }
        }
        return try raw.map { try engineDimension($0, rank: t.rank, first, name) }
    }
}
