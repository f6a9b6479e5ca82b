import CLua
import Engine

/// An error raised by Lua code that Swift called (a callback, a script). Carries the error
/// value's text; `interrupted` when the user pressed Ctrl-C.
public struct LuaCallError: Error, CustomStringConvertible {
    public let message: String
    /// True for a compile error (the REPL uses it to detect incomplete input).
    public var isSyntaxError = false
    /// True when the user pressed Ctrl-C during the call (the SIGINT handler raises Engine's
    /// cancel flag along with Lua's "interrupted!"), read from the flag, not from the text.
    public let isInterrupt: Bool
    public var description: String { message }

    public init(message: String, isSyntaxError: Bool = false, isInterrupt: Bool = Cancellation.isPending) {
        self.message = message
        self.isSyntaxError = isSyntaxError
        self.isInterrupt = isInterrupt
    }

    func push(on lua: Lua) { lua.push(message) }
}

extension Lua {
    /// Calls the function below its `arguments` on the stack in protected mode. On success the
    /// `results` values (or all, if `results` is nil) replace function and arguments; on failure
    /// the stack is restored and the Lua error comes back as a ``LuaCallError`` (with a traceback
    /// when `traceback` is set).
    public func protectedCall(arguments: Int32, results: Int32? = nil, traceback: Bool = false) throws {
        let functionIndex = top - arguments
        var handler: Int32 = 0
        if traceback {
            guard lua_checkstack(state, 2) != 0 else { throw LuaCallError(message: "out of Lua stack space") }
            plua_pushcfunction(state, prunelab_traceback_handler)
            insert(functionIndex)
            handler = functionIndex
        }
        let status = plua_pcall(state, arguments, results ?? plua_multret(), handler)
        if traceback { remove(handler) }
        if status != plua_lua_ok() {
            let message = string(-1) ?? describe(-1)
            pop(1)
            throw LuaCallError(message: message)
        }
    }

    /// Converts the value at `index` to text with Lua's `tostring` rules (`__tostring`, `__name`),
    /// in protected mode (a failing `__tostring` gives its error text).
    public func toDisplayString(_ index: Int32) -> String {
        let i = absolute(index)
        if getGlobal("tostring") != .function {
            pop(1)
            return describe(i)
        }
        pushCopy(i)
        do {
            try protectedCall(arguments: 1, results: 1)
        } catch {
            return "(tostring failed: \(error))"
        }
        let text = string(-1) ?? describe(-1)
        pop(1)
        return text
    }
}
