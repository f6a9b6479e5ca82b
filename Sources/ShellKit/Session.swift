import Bindings
import CLua
import Engine

/// One Lua session of the `prunelab` command: a ``Runtime`` plus the ways the command line and
/// the shell run code in it. Every way reports a Lua error as a thrown ``LuaCallError`` (with a
/// traceback for runtime errors) and leaves the state usable.
///
/// Code runs with a SIGINT handler installed, as lua.c does: Ctrl-C stops Lua code with
/// "interrupted!" and raises Engine's cancel flag for long Swift loops.
public final class Session {
    public let runtime: Runtime
    public var lua: Lua { runtime.lua }

    /// When true (the interactive shell), the SIGINT handler stays installed between chunks and
    /// only records that Ctrl-C was pressed (see ``takeInterrupt()``), so that Ctrl-C at the
    /// prompt never kills the process. When false (scripts), the previous disposition is restored
    /// after each run.
    public var keepsInterruptHandler = false {
        didSet { if keepsInterruptHandler { prunelab_sigint_install(nil) } else { prunelab_sigint_remove() } }
    }

    public init() throws {
        runtime = try Runtime()
    }

    deinit {
        if keepsInterruptHandler { prunelab_sigint_remove() }
    }

    /// Sets the global `arg` as lua does: `arg[0]` is the script (`arguments[scriptIndex]`),
    /// positive indices its arguments, negative ones the program and its options.
    public func setArgumentTable(_ arguments: [String], scriptIndex: Int) {
        lua.newTable(arrayCapacity: max(0, arguments.count - scriptIndex - 1), fieldCapacity: scriptIndex + 1)
        for (i, word) in arguments.enumerated() {
            lua.push(word)
            lua.rawSet(-2, i - scriptIndex)
        }
        lua.setGlobal("arg")
    }

    /// Compiles and runs `code`; returns nothing.
    public func execute(_ code: String, chunkName: String) throws {
        try runtime.load(code, chunkName: chunkName)
        try call(arguments: 0, results: 0)
    }

    /// `global = require(module)`.
    public func require(_ module: String, as global: String) throws {
        lua.getGlobal("require")
        lua.push(module)
        try call(arguments: 1, results: 1)
        lua.setGlobal(global)
    }

    /// Turns Lua warnings (`warn`) on, as `lua -W` does.
    public func turnWarningsOn() {
        lua_warning(runtime.state, "@on", 0)
    }

    /// Runs a script file (nil: standard input) with `arguments` as `...`. A first line starting
    /// with `#` is skipped, as lua does.
    public func runScript(path: String?, arguments: [String]) throws {
        let status = luaL_loadfilex(runtime.state, path, nil)
        if status != plua_lua_ok() {
            let message = lua.string(-1) ?? "cannot load \(path ?? "stdin")"
            lua.pop(1)
            throw LuaCallError(message: message, isSyntaxError: status == plua_errsyntax())
        }
        try pushScriptArguments(arguments)
        try call(arguments: Int32(arguments.count), results: 0)
    }

    /// Runs a script file as ``runScript(path:arguments:)`` does, but with its top-level
    /// `local` declarations made global (``TopLevelLocals``), so that the shell entered after
    /// it (`prunelab -i script.lua`) sees them. Line numbers stay those of the file.
    public func runScriptKeepingLocals(path: String, arguments: [String]) throws {
        var text: String
        do { text = String(decoding: try FileIO.read(path), as: UTF8.self) } catch {
            throw LuaCallError(message: "cannot open \(path)")
        }
        if text.hasPrefix("#") {   // a first line starting with '#' is skipped, as lua does (kept as a blank line)
            text = String(text.drop(while: { $0 != "\n" }))
        }
        try runtime.load(TopLevelLocals.rewrite(text), chunkName: "@" + path)
        try pushScriptArguments(arguments)
        try call(arguments: Int32(arguments.count), results: 0)
    }

    /// Pushes a script's command-line words as its arguments (`...`), growing the Lua stack for
    /// them first: Lua guarantees only 20 free slots, and a script given more words used to write
    /// past the stack's end (heap corruption, a crash later on). On failure the script function
    /// is popped and the error says how many words were given.
    private func pushScriptArguments(_ arguments: [String]) throws {
        // Slots for the words, the traceback handler and the call's own needs.
        guard arguments.count < 1_000_000, lua_checkstack(runtime.state, Int32(arguments.count) + 8) != 0 else {
            lua.pop(1)
            throw LuaCallError(message: "prunelab: too many script arguments for the Lua stack (\(arguments.count) given; at most about 999,000)")
        }
        for word in arguments { lua.push(word) }
    }

    /// Calls the function below `arguments` values on the stack, interruptible by Ctrl-C, with a
    /// traceback on error. Leaves `results` values (nil: all) on the stack.
    public func call(arguments: Int32, results: Int32?) throws {
        try interruptibly {
            try lua.protectedCall(arguments: arguments, results: results, traceback: true)
        }
    }

    /// Runs `body` with Ctrl-C armed: Engine's cancel flag is cleared first, and a Ctrl-C stops
    /// Lua code with "interrupted!" and raises the flag for long Swift loops.
    public func interruptibly<T>(_ body: () throws -> T) rethrows -> T {
        Cancellation.clear()
        _ = prunelab_sigint_take()
        prunelab_sigint_install(runtime.state)
        defer {
            if keepsInterruptHandler {
                prunelab_sigint_install(nil)              // back to "just record Ctrl-C"
                lua_sethook(runtime.state, nil, 0, 0)     // an interrupt that came too late for Lua
                _ = prunelab_sigint_take()
            } else {
                prunelab_sigint_remove()
            }
        }
        return try body()
    }

    /// True once if Ctrl-C was pressed since the last call (only while ``keepsInterruptHandler``).
    public func takeInterrupt() -> Bool {
        prunelab_sigint_take() != 0
    }
}
