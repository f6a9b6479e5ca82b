import CLua
import Engine

/// Reading plot data from Lua: tensors (any dtype) and Lua arrays of numbers, one series or
/// several. Only conversion here; shapes are checked by the Engine's artists.
extension Lua {
    /// A 1-D tensor or an array of numbers (`0/0` gives NaN).
    func plotVector(_ index: Int32, _ name: String) throws -> [Double] {
        if let t = object(index, as: Tensor.self) {
            guard t.shape.count == 1 || (t.shape.count == 2 && (t.shape[0] == 1 || t.shape[1] == 1)) else {
                throw argumentError(index, name, expected: "a 1-D tensor or a table of numbers")
            }
            return t.scalars(as: Double.self)
        }
        guard type(index) == .table else { throw argumentError(index, name, expected: "a 1-D tensor or a table of numbers") }
        let table = absolute(index)
        let n = rawLength(table)
        var values: [Double] = []
        values.reserveCapacity(n)
        for i in stride(from: 1, through: n, by: 1) {
            rawGet(table, i)
            defer { pop(1) }
            guard let v = number(-1), type(-1) == .number else {
                throw LuaError("\(callee): argument \(index) (\(name)): expected numbers, but entry \(i) is \(describe(-1))")
            }
            values.append(v)
        }
        return values
    }

    /// A 2-D tensor or an array of equally long rows: (row-major values, rows, columns).
    func plotMatrix(_ index: Int32, _ name: String) throws -> (values: [Double], rows: Int, columns: Int) {
        if let t = object(index, as: Tensor.self) {
            guard t.shape.count == 2 else { throw argumentError(index, name, expected: "a 2-D tensor or a table of rows") }
            return (t.scalars(as: Double.self), t.shape[0], t.shape[1])
        }
        let rows = try plotSeries(index, name)
        let columns = rows.first?.count ?? 0
        guard rows.allSatisfy({ $0.count == columns }) else {
            throw LuaError("\(callee): argument \(index) (\(name)): expected rows of equal length, got lengths \(rows.map(\.count))")
        }
        return (rows.flatMap { $0 }, rows.count, columns)
    }

    /// One series (a 1-D tensor, an array of numbers) or several (a 2-D tensor's rows, an array
    /// of tensors or arrays).
    func plotSeries(_ index: Int32, _ name: String) throws -> [[Double]] {
        if let t = object(index, as: Tensor.self) {
            if t.shape.count == 1 { return [t.scalars(as: Double.self)] }
            guard t.shape.count == 2 else { throw argumentError(index, name, expected: "a 1-D or 2-D tensor, or a table") }
            let values = t.scalars(as: Double.self)
            let c = t.shape[1]
            return (0..<t.shape[0]).map { Array(values[($0 * c)..<(($0 + 1) * c)]) }
        }
        guard type(index) == .table else { throw argumentError(index, name, expected: "a tensor or a table of numbers or of series") }
        let table = absolute(index)
        guard isListOfSeries(table) else { return [try plotVector(table, name)] }
        var out: [[Double]] = []
        for i in stride(from: 1, through: rawLength(table), by: 1) {
            rawGet(table, i)
            defer { pop(1) }
            do {
                out.append(try plotVector(top, name))
            } catch {
                throw LuaError("\(callee): argument \(index) (\(name)): entry \(i): expected a 1-D tensor or a table of numbers, got \(describe(-1))")
            }
        }
        return out
    }

    /// Whether the table at `index` holds series (its first entry is a table or tensor) rather than numbers.
    func isListOfSeries(_ index: Int32) -> Bool {
        guard type(index) == .table else { return false }
        let t = rawGet(absolute(index), 1)
        defer { pop(1) }
        return t == .table || t == .userdata
    }

    /// Groups for a distribution: a list of samples (one series), or a list of lists of samples.
    func plotGroups(_ index: Int32, _ name: String) throws -> [[[Double]]] {
        guard type(index) == .table else { throw argumentError(index, name, expected: "a table of samples (tensors or tables of numbers)") }
        let table = absolute(index)
        var out: [[[Double]]] = []
        for i in stride(from: 1, through: rawLength(table), by: 1) {
            rawGet(table, i)
            defer { pop(1) }
            let entry = top
            if type(entry) == .table, isListOfSeries(entry) {
                out.append(try plotSeries(entry, name))
            } else {
                do { out.append([try plotVector(entry, name)]) } catch {
                    throw LuaError("\(callee): argument \(index) (\(name)): entry \(i): expected a sample (a 1-D tensor or a table of numbers), got \(describe(entry))")
                }
            }
        }
        return out
    }

    /// A string array option, or nil.
    func stringArrayOption(_ options: Options, _ key: String) throws -> [String]? {
        guard options.has(key) else { return nil }
        options.push(key)
        defer { pop(1) }
        guard type(-1) == .table else { throw error("option '\(key)': expected a table of strings, got \(describe(-1))") }
        var out: [String] = []
        for i in stride(from: 1, through: rawLength(-1), by: 1) {
            rawGet(absolute(-1), i)
            defer { pop(1) }
            guard let s = string(-1), type(-1) == .string || type(-1) == .number else {
                throw error("option '\(key)': expected a table of strings, but entry \(i) is \(describe(-1))")
            }
            out.append(s)
        }
        return out
    }

    /// A {low, high} option.
    func rangeOption(_ options: Options, _ key: String) throws -> (Double, Double)? {
        guard options.has(key) else { return nil }
        options.push(key)
        defer { pop(1) }
        let values = try? plotVector(top, key)
        guard let values, values.count == 2 else { throw error("option '\(key)': expected {low, high}, got \(describe(-1))") }
        return (values[0], values[1])
    }
}
