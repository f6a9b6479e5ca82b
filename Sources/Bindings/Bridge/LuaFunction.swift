import CLua
import Engine

/// A Swift function callable from Lua. It reads its arguments from the stack, pushes its
/// results and returns how many it pushed. It reports failure by throwing; it never raises a
/// Lua error itself.
public typealias LuaBody = @Sendable (Lua) throws -> Int32

/// An error raised to Lua by a binding, with a message already naming the function.
public struct LuaError: Error, CustomStringConvertible {
    public let message: String
    /// Control characters in `message` (quoted user strings, file content) are escaped.
    public init(_ message: String) { self.message = message.escapingControlCharacters }
    public var description: String { message }
}

/// Holds a Swift closure for the lifetime of the Lua closure that calls it.
final class FunctionBox {
    let name: String
    let body: LuaBody
    init(name: String, body: @escaping LuaBody) {
        self.name = name
        self.body = body
    }
}

/// Metatable name of the userdata that carries a `FunctionBox`.
private let functionBoxMetatable = "prunelab.function"

/// Called by the C trampoline with the closure's box. Catches every Swift error and turns it
/// into an error message on the stack (returning -1); the trampoline raises it after this
/// frame has returned.
private let dispatch: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Int32 = { state, block in
    guard let state else { return -1 }
    guard let block, let raw = block.load(as: UnsafeMutableRawPointer?.self) else {
        Lua(state).push("prunelab: this function's binding was released")
        return -1
    }
    let box = Unmanaged<FunctionBox>.fromOpaque(raw).takeUnretainedValue()
    let lua = Lua(state, callee: box.name)
    do {
        return try box.body(lua)
    } catch let error as LuaError {
        lua.push(error.message)
    } catch let error as EngineError {
        lua.push("\(box.name): \(error.message)")
    } catch let error as LuaCallError {
        // An error raised by Lua code that a binding called back into: pass it on unchanged
        // (it already carries its position and, if it is "interrupted!", stays recognisable).
        error.push(on: lua)
    } catch {
        lua.push("\(box.name): \(error)".escapingControlCharacters)
    }
    return -1
}

/// Releases the box when Lua collects the closure's userdata.
private let releaseFunctionBox: @convention(c) (OpaquePointer?) -> Int32 = { state in
    guard let state, let block = luaL_testudata(state, 1, functionBoxMetatable) else { return 0 }
    let slot = block.assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
    if let raw = slot.pointee {
        Unmanaged<FunctionBox>.fromOpaque(raw).release()
        slot.pointee = nil
    }
    return 0
}

extension Lua {
    /// Pushes a Lua function that runs `body`. `name` (e.g. "tensor.zeros") prefixes the
    /// messages of Engine errors it throws.
    public func push(function name: String, _ body: @escaping LuaBody) {
        prunelab_set_dispatcher(dispatch)
        guard let block = plua_newuserdata(state, MemoryLayout<UnsafeMutableRawPointer?>.size) else { return }
        block.storeBytes(of: Unmanaged.passRetained(FunctionBox(name: name, body: body)).toOpaque(),
                         as: UnsafeMutableRawPointer?.self)
        if luaL_newmetatable(state, functionBoxMetatable) != 0 {
            plua_pushcfunction(state, releaseFunctionBox)
            rawSet(-2, "__gc")
        }
        lua_setmetatable(state, -2)
        prunelab_push_swift_closure(state)
    }
}
