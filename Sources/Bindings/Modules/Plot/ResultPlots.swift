import CLua
import Engine

/// `:plot()` on results: each builds a figure with ``ResultFigures`` and returns it.
enum ResultPlots {
    static func method(_ doc: String, _ build: @escaping @Sendable (Lua) throws -> Figure) -> LuaFunctionSpec {
        LuaFunctionSpec("plot", "r:plot([{…}]) → figure", options: [ResultTableMethod.titleOption], at: 2, doc) { lua, options in
            try lua.checkArgumentCount(max: 2)
            let figure = try build(lua)
            if let title = try options.string("title") { figure.panels.first?.title = title }
            lua.push(object: FigureObject(figure))
            return 1
        }
    }
}

/// `hist:plot()`: t:fit's history is a Lua table with this metatable.
enum HistoryPlot {
    static let metatableName = "prunelab.history"

    /// Registers the history metatable (`__index = {plot = …}`), once per state.
    static func installMetatable(_ lua: Lua) {
        guard luaL_newmetatable(lua.state, metatableName) != 0 else { lua.pop(1); return }
        lua.push("history"); lua.rawSet(-2, "__name")
        lua.newTable(fieldCapacity: 1)
        lua.push(function: "history:plot") { lua in
            try lua.checkTable(1, "self")
            let options = try lua.options(2, [ResultTableMethod.titleOption])
            try lua.checkArgumentCount(max: 2)
            var columns: [String: [Double]] = [:]
            let keys = ["loss", "accuracy", "val_loss", "val_accuracy"]
            let n = lua.rawLength(1)
            guard n > 0 else { throw lua.error("the history is empty (no epochs)") }
            for e in 1...n {
                guard lua.rawGet(1, e) == .table else {
                    lua.pop(1)
                    throw lua.error("entry \(e) of the history is not an epoch record (a table)")
                }
                for key in keys {
                    lua.rawGet(-1, key)
                    columns[key, default: []].append(lua.number(-1) ?? .nan)
                    lua.pop(1)
                }
                lua.pop(1)
            }
            let figure = try ResultFigures.history(loss: columns["loss"] ?? [], accuracy: columns["accuracy"] ?? [],
                                                   validationLoss: columns["val_loss"] ?? [], validationAccuracy: columns["val_accuracy"] ?? [])
            if let title = try options.string("title") { figure.title = title }
            lua.push(object: FigureObject(figure))
            return 1
        }
        Help.register(lua, functionAt: -1, signature: "hist:plot([{title =}]) → figure",
                      doc: "Training curves of t:fit's history: loss and accuracy per epoch, training and (when t:fit had val) validation.")
        lua.rawSet(-2, "plot")
        lua.rawSet(-2, "__index")
        lua.pop(1)
    }

    /// Gives the table at `index` the history metatable (when the plot module is installed).
    static func mark(_ lua: Lua, _ index: Int32) {
        let table = lua.absolute(index)
        guard plua_getmetatable_named(lua.state, metatableName) == LuaType.table.rawValue else { lua.pop(1); return }
        lua_setmetatable(lua.state, table)
    }
}
