import CLua
import Engine

/// The `sys` Lua module: a monotonic clock for timing and the BLAS thread count.
enum SysModule {
    static let module = LuaModule(
        name: "sys",
        doc: "System helpers: a monotonic clock for timing (sys.clock) and the BLAS thread count (sys.threads, sys.set_threads).",
        functions: [
            LuaFunctionSpec("clock", "sys.clock()",
                            "Seconds from a fixed point of a monotonic clock (nanosecond resolution): time code with sys.clock() - t0. Unlike os.clock it counts wall time, not CPU time.") { lua in
                try lua.checkArgumentCount(max: 0)
                lua.push(MonotonicClock.now())
                return 1
            },
            LuaFunctionSpec("threads", "sys.threads()", "The number of threads OpenBLAS uses for matrix products.") { lua in
                try lua.checkArgumentCount(max: 0)
                lua.push(BLASThreads.count)
                return 1
            },
            LuaFunctionSpec("set_threads", "sys.set_threads(n)", "Sets the number of threads OpenBLAS uses for matrix products (1 … 1024).") { lua in
                let n = try lua.checkInteger(1, "n", in: 1...1024)
                try lua.checkArgumentCount(max: 1)
                try BLASThreads.set(n)
                return 0
            },
        ])
}
