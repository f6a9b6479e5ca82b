import CLua
import Engine

/// A Lua 5.4 state with the standard libraries and every prunelab module installed.
///
/// The shell owns one for its session; tests create as many as they like. Closing (deinit)
/// runs every pending `__gc`, releasing the Swift objects Lua still holds.
public final class Runtime {
    /// The raw state.
    public let state: OpaquePointer
    /// A handle for stack work outside a binding call.
    public var lua: Lua { Lua(state) }

    /// Every prunelab module, in installation order. Each later module adds itself here.
    public static let modules: [LuaModule] = [
        TensorModule.module,
        SysModule.module,
        DataModule.module,
        SimModule.module,
        NNModule.module,
        ModelsModule.module,
        TrainModule.module,
        PruneModule.module,
        JSONModule.module,
        ReportModule.module,
        SweepModule.module,
        PlotModule.module,
    ]

    public init() throws {
        guard let state = luaL_newstate() else { throw EngineError("cannot create a Lua state (out of memory)") }
        self.state = state
        luaL_openlibs(state)
        let lua = Lua(state)
        for module in Runtime.modules { try module.install(in: lua) }
        HelpFunction.install(in: lua)
        lua.setTop(0)
    }

    deinit { lua_close(state) }

    /// Loads and runs `code` (named `chunkName` in messages) with a traceback on error.
    /// Returns the values it produced, converted to text by the caller's `render`.
    @discardableResult
    public func run(_ code: String, chunkName: String = "=(prunelab)") throws -> Int32 {
        let before = lua.top
        try load(code, chunkName: chunkName)
        try lua.protectedCall(arguments: 0, traceback: true)
        return lua.top - before
    }

    /// Compiles `code` and pushes the resulting function; throws ``LuaCallError`` on a syntax error.
    public func load(_ code: String, chunkName: String) throws {
        var status: Int32 = 0
        var copy = code
        copy.withUTF8 { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                status = plua_loadbuffer(state, $0.baseAddress, $0.count, chunkName)
            }
        }
        if status != plua_lua_ok() {
            let message = lua.string(-1) ?? "syntax error"
            lua.pop(1)
            throw LuaCallError(message: message, isSyntaxError: true)
        }
    }
}
