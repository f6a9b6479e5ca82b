import CLua
import Engine

/// Reading datasets and data-specific arguments from Lua.
extension Lua {
    /// The dataset at `index` (any `data.*` dataset), for bindings that consume datasets
    /// through Engine's ``Dataset`` protocol (training, evaluation, recording):
    /// `let ds = try lua.checkDataset(2, "dataset")`.
    public func checkDataset(_ index: Int32, _ name: String = "dataset") throws -> any Dataset {
        try check(index, SampleDataset.self, name)
    }

    /// A number, or a table of numbers (one per channel), as an array.
    func checkNumbers(_ index: Int32, _ name: String) throws -> [Double] {
        if let v = number(index) { return [v] }
        guard type(index) == .table else { throw argumentError(index, name, expected: "a number or a table of numbers (one per channel)") }
        let table = absolute(index)
        let n = rawLength(table)
        guard n >= 1 else { throw argumentError(index, name, expected: "a number or a non-empty table of numbers (one per channel)") }
        var values: [Double] = []
        for i in 1...n {
            rawGet(table, i)
            defer { pop(1) }
            guard let v = number(-1) else {
                throw LuaError("\(callee): argument \(index) (\(name)): expected a table of numbers, but entry \(i) is \(describe(-1))")
            }
            values.append(v)
        }
        return values
    }

    /// Class labels given as a tensor (1-based class numbers) or a table of integers ≥ 1,
    /// as 0-based Engine labels.
    func checkClassLabels(_ index: Int32, _ name: String) throws -> [Int] {
        if let t = object(index, as: Tensor.self) {
            do {
                return try ClassLabels.from(t, base: 1)
            } catch let e as EngineError {
                throw LuaError("\(callee): argument \(index) (\(name)): \(e.message)")
            }
        }
        guard type(index) == .table else { throw argumentError(index, name, expected: "a tensor or a table of class numbers (1, 2, …)") }
        let values = try checkIntegerArray(index, name)
        if let bad = values.firstIndex(where: { $0 < 1 || $0 > SampleStore.maxClassCount }) {
            throw LuaError("\(callee): argument \(index) (\(name)): expected class numbers in 1…\(SampleStore.maxClassCount), but entry \(bad + 1) is \(values[bad])")
        }
        return values.map { $0 - 1 }
    }

    /// A seed: any integer, reinterpreted as 64 bits.
    func seed(_ value: Int) -> UInt64 { UInt64(bitPattern: Int64(value)) }

    /// The `class_names` option (a table of strings), or an empty array.
    func classNamesOption(_ options: Options) throws -> [String] {
        guard options.has("class_names") else { return [] }
        options.push("class_names")
        defer { pop(1) }
        guard type(-1) == .table else {
            throw LuaError("\(callee): option 'class_names': expected a table of strings, got \(describe(-1))")
        }
        do {
            return try Lua(state, callee: callee).checkStringArray(-1, "class_names")
        } catch {
            throw LuaError("\(callee): option 'class_names': expected a table of strings (one per class)")
        }
    }
}
