// The C side of prunelab's Lua bridge.
//
// * Lua 5.4's headers, plus static inline wrappers for the macros Swift cannot import.
// * The trampoline: every Swift function that Lua calls is reached through a C closure that
//   calls Swift, and only after the Swift frame has returned raises `lua_error` when Swift
//   reported failure (a negative result, message on the stack). No longjmp ever crosses a
//   Swift frame.
// * SIGINT handling in the style of lua.c: a count hook that raises "interrupted!" in Lua,
//   plus the process-wide cancel flag polled by Engine loops.
#ifndef PRUNELAB_CLUA_H
#define PRUNELAB_CLUA_H

#include <lua5.4/lua.h>
#include <lua5.4/lauxlib.h>
#include <lua5.4/lualib.h>

// ---- the trampoline -------------------------------------------------------------------------

/// The Swift dispatcher: calls the Swift closure held by `box`. Returns the number of results
/// pushed, or -1 after pushing an error value (raised by the C side).
typedef int (*prunelab_swift_dispatch_fn)(lua_State *L, void *box);

/// Registers the Swift dispatcher (once per process; idempotent).
void prunelab_set_dispatcher(prunelab_swift_dispatch_fn fn);

/// Pops a userdata (the Swift closure box) and pushes a C closure that calls it through the
/// trampoline. The box userdata is the closure's only upvalue.
void prunelab_push_swift_closure(lua_State *L);

/// Runs `lua_error` on the value on top of the stack; only for use from C (never Swift).
/// Exposed so that tests can check the trampoline contract.
int prunelab_raise(lua_State *L);

// ---- interrupts -----------------------------------------------------------------------------

/// Installs a SIGINT handler that interrupts Lua code running in `L` (and raises the engine's
/// cancel flag). Call before running user code.
void prunelab_sigint_install(lua_State *L);
/// Restores the previous SIGINT disposition.
void prunelab_sigint_remove(void);
/// 1 if the handler saw a SIGINT since the last call to `prunelab_sigint_take`.
int prunelab_sigint_take(void);

// ---- macro wrappers -------------------------------------------------------------------------

static inline int plua_upvalueindex(int i) { return lua_upvalueindex(i); }
static inline int plua_registryindex(void) { return LUA_REGISTRYINDEX; }
static inline void plua_pop(lua_State *L, int n) { lua_pop(L, n); }
static inline void plua_newtable(lua_State *L) { lua_newtable(L); }
static inline int plua_pcall(lua_State *L, int nargs, int nresults, int msgh) {
    return lua_pcall(L, nargs, nresults, msgh);
}
static inline void plua_call(lua_State *L, int nargs, int nresults) { lua_call(L, nargs, nresults); }
static inline const char *plua_tostring(lua_State *L, int i) { return lua_tostring(L, i); }
static inline lua_Number plua_tonumber(lua_State *L, int i) { return lua_tonumber(L, i); }
static inline lua_Integer plua_tointeger(lua_State *L, int i) { return lua_tointeger(L, i); }
static inline int plua_isnoneornil(lua_State *L, int i) { return lua_isnoneornil(L, i); }
static inline int plua_isnil(lua_State *L, int i) { return lua_isnil(L, i); }
static inline int plua_istable(lua_State *L, int i) { return lua_istable(L, i); }
static inline int plua_isfunction(lua_State *L, int i) { return lua_isfunction(L, i); }
static inline void plua_pushcfunction(lua_State *L, lua_CFunction f) { lua_pushcfunction(L, f); }
static inline void plua_insert(lua_State *L, int i) { lua_insert(L, i); }
static inline void plua_remove(lua_State *L, int i) { lua_remove(L, i); }
static inline void plua_replace(lua_State *L, int i) { lua_replace(L, i); }
static inline int plua_getmetatable_named(lua_State *L, const char *name) {
    return luaL_getmetatable(L, name);
}
static inline void *plua_newuserdata(lua_State *L, size_t size) { return lua_newuserdatauv(L, size, 1); }
static inline int plua_loadbuffer(lua_State *L, const char *buff, size_t sz, const char *name) {
    return luaL_loadbuffer(L, buff, sz, name);
}
static inline const char *plua_typename_at(lua_State *L, int i) { return luaL_typename(L, i); }
static inline void plua_pushglobaltable(lua_State *L) { lua_pushglobaltable(L); }
static inline int plua_isinteger(lua_State *L, int i) { return lua_isinteger(L, i); }
static inline int plua_lua_ok(void) { return LUA_OK; }
static inline int plua_multret(void) { return LUA_MULTRET; }
static inline int plua_errsyntax(void) { return LUA_ERRSYNTAX; }
/// Advances the collector as if `kb` kilobytes had been allocated (lua_gc is variadic).
static inline void plua_gc_step(lua_State *L, int kb) { (void)lua_gc(L, LUA_GCSTEP, kb); }

/// Message handler that appends a traceback to string errors (as lua.c's msghandler does).
int prunelab_traceback_handler(lua_State *L);

#endif
