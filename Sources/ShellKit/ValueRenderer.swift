import Bindings
import CLua

/// How the shell shows a value it auto-prints: strings as they are, tables as a bounded preview
/// (``TablePreview``), figures through ``FigureDisplay`` (drawn in the terminal or saved), everything else with Lua's `tostring` (so objects use their `__tostring`).
public enum ValueRenderer {
    /// The display text of the value at `index`.
    public static func render(_ lua: Lua, _ index: Int32) -> String {
        if let figure = FigureDisplay.figure(lua, at: index) {
            // A figure shows itself (in the terminal, or as a saved file's path).
            do {
                let text = try FigureDisplay.show(figure)
                return text.hasSuffix("\n") ? String(text.dropLast()) : text
            } catch {
                return "figure: cannot show it (\(error))"
            }
        }
        switch lua.type(index) {
        case .string:
            return lua.string(index) ?? ""
        case .table where !hasToString(lua, index):
            return TablePreview.render(lua, index)
        default:
            return lua.toDisplayString(index)
        }
    }

    /// Whether the value at `index` has a metatable with a `__tostring` field (read raw).
    static func hasToString(_ lua: Lua, _ index: Int32) -> Bool {
        guard lua_getmetatable(lua.state, index) != 0 else { return false }
        defer { lua.pop(2) }
        return lua.rawGet(-1, "__tostring") != .nil
    }
}
