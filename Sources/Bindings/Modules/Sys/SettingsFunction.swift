import Engine

/// `sys.settings([name])`: the environment variables prunelab reads (Engine's ``Settings``),
/// their values and where each came from.
enum SettingsFunction {
    static let spec = LuaFunctionSpec(
        "settings", "sys.settings([name])",
        "The environment variables prunelab reads, each read once when it started: a report table with one row per variable {name, value, from = \"environment\" or \"default\", meaning, problem = why a set value is ignored, when it is}. Unset variables show their default in value. With a name (\"PRUNELAB_CONV\"), that variable's row as a plain table. Among them: PRUNELAB_NO_AVX512, PRUNELAB_NO_AVX2 (kernel builds), PRUNELAB_BLAS_CORE and OPENBLAS_CORETYPE (see sys.blas), PRUNELAB_CONV, PRUNELAB_WINOGRAD and the tuning budgets PRUNELAB_CONV_CHUNK, PRUNELAB_WINOGRAD_BUDGET, PRUNELAB_DIRECT_MIN_WORK, PRUNELAB_NO_TAPSKIP (convolution routes), PRUNELAB_IMAGES, PRUNELAB_FIGURE_DIR (figures), PRUNELAB_HISTORY (the shell). Set them before prunelab starts."
    ) { lua in
        try lua.checkArgumentCount(max: 1)
        let table = try Settings.current.table()
        guard !lua.isNoneOrNil(1) else {
            lua.push(object: ReportTableObject(table))
            return 1
        }
        let name = try lua.checkString(1, "name")
        let names = Settings.Key.allCases.map(\.name)
        guard let row = names.firstIndex(of: name) else {
            throw lua.argumentError(1, "name", expected: "the name of a setting" + Suggestions.phrase(for: name, in: names)
                                    + " (sys.settings() lists them)")
        }
        ReportTableObject.pushRow(lua, table, row)
        return 1
    }
}
