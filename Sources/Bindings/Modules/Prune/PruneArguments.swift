import CLua
import Engine

/// Reading the arguments shared by the `prune` functions.
extension Lua {
    /// The target sparsity at `index`: a number in [0, 1).
    func checkSparsity(_ index: Int32, _ name: String = "sparsity") throws -> PruningTarget {
        guard let s = number(index) else {
            throw argumentError(index, name, expected: "a fraction of zeros in [0, 1) (e.g. 0.9 for 90%)")
        }
        do {
            return try PruningTarget(s)
        } catch {
            throw argumentError(index, name, expected: "a fraction of zeros in [0, 1) (e.g. 0.9 for 90%)")
        }
    }

    /// `scope = "layer" | "global"` (default "layer").
    func scopeOption(_ options: Options) throws -> PruningScope {
        PruningScope(rawValue: try options.choice("scope", PruningScope.allCases.map(\.rawValue)) ?? "layer") ?? .layer
    }

    /// `layers = name | {names…}` and `skip_last = bool`.
    func selectionOptions(_ options: Options) throws -> PrunableSelection {
        var selection = PrunableSelection()
        selection.skipLast = try options.boolean("skip_last")
        if options.has("layers") {
            options.push("layers")
            defer { pop(1) }
            if let one = string(-1), type(-1) == .string {
                selection.layers = [one]
            } else if type(-1) == .table, let list = try? checkStringArray(-1, "layers"), !list.isEmpty, rawLength(-1) == list.count {
                selection.layers = list
            } else {
                throw error("option 'layers': expected a layer name or a non-empty list of layer names (see m:layers(), m:parameters()), got \(describe(-1))")
            }
        }
        return selection
    }

    /// A model, or the path of a checkpoint written by `m:save` (loaded with `models.load`).
    func checkSnapshot(_ index: Int32, _ name: String) throws -> Model {
        if let m = object(index, as: Model.self) { return m }
        if type(index) == .string, let path = string(index) {
            do {
                return try Model.load(path)
            } catch let error as EngineError {
                throw LuaError("\(callee): argument \(index) (\(name)): \(error.message)")
            }
        }
        throw argumentError(index, name, expected: "a model (e.g. a clone taken earlier) or the path of a checkpoint")
    }
}
