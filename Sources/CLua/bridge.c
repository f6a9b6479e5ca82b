#include "CLua.h"
#include "../CInterrupt/include/CInterrupt.h"
#include <signal.h>
#include <stddef.h>

static prunelab_swift_dispatch_fn dispatcher = NULL;

void prunelab_set_dispatcher(prunelab_swift_dispatch_fn fn) { dispatcher = fn; }

int prunelab_raise(lua_State *L) { return lua_error(L); }

static int trampoline(lua_State *L) {
    void *box = lua_touserdata(L, lua_upvalueindex(1));
    if (dispatcher == NULL || box == NULL) {
        lua_pushliteral(L, "prunelab: Swift bridge not initialised");
        return lua_error(L);
    }
    int n = dispatcher(L, box);  // the Swift frame has returned once we are here
    if (n < 0) {
        if (lua_type(L, -1) == LUA_TSTRING) {  // prefix position information, as luaL_error does
            luaL_where(L, 1);
            lua_insert(L, -2);
            lua_concat(L, 2);
        }
        return lua_error(L);
    }
    return n;
}

void prunelab_push_swift_closure(lua_State *L) { lua_pushcclosure(L, trampoline, 1); }

int prunelab_traceback_handler(lua_State *L) {
    const char *msg = lua_tostring(L, 1);
    if (msg == NULL) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) return 1;
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    luaL_traceback(L, L, msg, 1);
    return 1;
}

// ---- SIGINT, as lua.c does it -----------------------------------------------------------------

static lua_State *volatile interrupted_state = NULL;
static volatile sig_atomic_t saw_sigint = 0;
static struct sigaction previous_action;
static volatile sig_atomic_t installed = 0;

static void stop_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    lua_sethook(L, NULL, 0, 0);
    luaL_error(L, "interrupted!");
}

static void on_sigint(int sig) {
    (void)sig;
    saw_sigint = 1;
    prunelab_interrupt_raise();
    lua_State *L = interrupted_state;
    if (L != NULL) {
        int flag = LUA_MASKCALL | LUA_MASKRET | LUA_MASKLINE | LUA_MASKCOUNT;
        lua_sethook(L, stop_hook, flag, 1);
    }
}

void prunelab_sigint_install(lua_State *L) {
    interrupted_state = L;
    struct sigaction action;
    action.sa_handler = on_sigint;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: blocking reads return EINTR
    if (!installed) sigaction(SIGINT, &action, &previous_action);
    else sigaction(SIGINT, &action, NULL);
    installed = 1;
}

void prunelab_sigint_remove(void) {
    if (installed) sigaction(SIGINT, &previous_action, NULL);
    installed = 0;
    lua_State *L = interrupted_state;
    interrupted_state = NULL;
    if (L != NULL) lua_sethook(L, NULL, 0, 0);
}

int prunelab_sigint_take(void) {
    int s = saw_sigint;
    saw_sigint = 0;
    return s;
}
