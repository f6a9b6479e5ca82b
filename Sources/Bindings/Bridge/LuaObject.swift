import CLua
import Engine

/// A Swift class whose instances live in Lua as full userdata.
///
/// The userdata holds one retained reference (released by `__gc`, or by `lua_close`), and its
/// metatable, registered under ``LuaClass/metatableName``, gives it methods, metamethods and
/// a docstring.
public protocol LuaBindable: AnyObject {
    /// The Lua class this type is bound as (its metatable).
    static var luaClass: LuaClass { get }
    /// Bytes the object holds outside Lua's heap (a tensor's elements). Lua's collector only
    /// sees the small userdata, so ``Lua/push(object:)`` reports these bytes as a collector
    /// step; without it a loop creating large objects keeps hundreds of dead ones alive.
    var luaExternalBytes: Int { get }
}

extension LuaBindable {
    public var luaExternalBytes: Int { 0 }
}

extension Lua {
    /// Pushes `object` as a userdata of its Lua class (registering the class on first use).
    public func push<T: LuaBindable>(object: T) {
        let cls = T.luaClass
        guard let block = plua_newuserdata(state, MemoryLayout<UnsafeMutableRawPointer?>.size) else { return }
        block.storeBytes(of: Unmanaged.passRetained(object as AnyObject).toOpaque(), as: UnsafeMutableRawPointer?.self)
        cls.pushMetatable(self)
        lua_setmetatable(state, -2)
        let kilobytes = object.luaExternalBytes / 1024
        if kilobytes > 0 { plua_gc_step(state, Int32(min(kilobytes, Int(Int32.max)))) }
    }

    /// Pushes `object`, or nil.
    public func push<T: LuaBindable>(optionalObject object: T?) {
        if let object { push(object: object) } else { pushNil() }
    }

    /// The object of type `T` at `index`, or nil when the value is anything else.
    public func object<T: LuaBindable>(_ index: Int32, as _: T.Type) -> T? {
        guard let block = luaL_testudata(state, index, T.luaClass.metatableName),
              let raw = block.load(as: UnsafeMutableRawPointer?.self) else { return nil }
        return Unmanaged<AnyObject>.fromOpaque(raw).takeUnretainedValue() as? T
    }

    /// The Lua class name (e.g. "tensor") of the prunelab object at `index`, or nil.
    public func objectClassName(_ index: Int32) -> String? {
        guard type(index) == .userdata, lua_getmetatable(state, index) != 0 else { return nil }
        defer { pop(1) }
        guard rawGet(-1, "__class") == .string, let name = string(-1) else {
            pop(1)
            return nil
        }
        pop(1)
        return name
    }

    /// The class's short description of the object at `index` (for error messages), if it has one.
    func describeObject(_ index: Int32) -> String? {
        guard let name = objectClassName(index), let cls = LuaClass.registered(name),
              let block = lua_touserdata(state, index) else { return nil }
        guard let raw = block.load(as: UnsafeMutableRawPointer?.self) else { return "\(name) (released by a call to __gc)" }
        let object = Unmanaged<AnyObject>.fromOpaque(raw).takeUnretainedValue()
        return cls.describe?(object) ?? name
    }
}

/// `__gc` for every bound object: drop the userdata's reference. Lua code can also call it
/// (`getmetatable(t).__gc(x)`) with any value: only a prunelab object is released (its slot is
/// cleared, so later uses of it are clean "expected a tensor" errors), anything else is ignored.
let releaseObject: @convention(c) (OpaquePointer?) -> Int32 = { state in
    guard let state, let name = Lua(state).objectClassName(1),
          luaL_testudata(state, 1, "prunelab.\(name)") != nil,
          let block = lua_touserdata(state, 1) else { return 0 }
    let slot = block.assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
    if let raw = slot.pointee {
        Unmanaged<AnyObject>.fromOpaque(raw).release()
        slot.pointee = nil
    }
    return 0
}
