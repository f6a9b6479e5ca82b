import CLua
import Engine

/// The global `help(x)` function.
enum HelpFunction {
    static func install(in lua: Lua) {
        lua.push(function: "help") { lua in
            print(Help.text(lua, for: 1))
            return 0
        }
        Help.register(lua, functionAt: -1, signature: "help([x])", doc: """
            Shows the documentation of x: a module (help(tensor)), a function (help(tensor.zeros)), \
            an object (help(t)) or a name (help("tensor.zeros"), help("tensor:sum")). Without an \
            argument, lists the modules. In the shell, ?x is short for help(x).
            """)
        lua.setGlobal("help")
    }
}
