import CLua
import Engine

/// The global `help(x)` function.
enum HelpFunction {
    static func install(in lua: Lua) {
        lua.push(function: "help") { lua in
            // ?name passes the name too (help(name, "name")), so a nil value can be reported
            // as such instead of showing the overview.
            let text: String
            if lua.isNoneOrNil(1), lua.type(2) == .string, let name = lua.string(2) {
                text = Help.undefined(lua, name)
            } else {
                text = Help.text(lua, for: 1)
            }
            print(Help.terminalWidth().map { Help.wrap(text, width: $0) } ?? text)
            return 0
        }
        Help.register(lua, functionAt: -1, signature: "help([x])", doc: """
            Shows the documentation of x: a module (help(tensor)), a function (help(tensor.zeros)), \
            an object (help(t)) or a name (help("tensor.zeros"), help("tensor:sum")). Without an \
            argument, lists the modules. A word that names nothing (help("svcca")) lists the entries whose \
            name or documentation mention it. In the shell, ?x is short for help(x); ?name says when name is \
            nil. Text is wrapped to the terminal's width ($COLUMNS when set).
            """)
        lua.setGlobal("help")
    }
}
