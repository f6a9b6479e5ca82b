import Engine

/// What a front end needs to show a Lua value richly (a notebook's display data): the figure
/// or the report table it is, if any. The objects themselves stay private to their modules.
public enum DisplayValue {
    /// The report table (`report.table`, `s:table()`) at `index`, when the value there is one.
    public static func table(_ lua: Lua, at index: Int32) -> Table? {
        lua.object(index, as: ReportTableObject.self)?.table
    }
}
