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
