import CLua
import Engine

/// The `sys` Lua module: a monotonic clock for timing, the BLAS thread count and kernels.
enum SysModule {
    static let module = LuaModule(
        name: "sys",
        doc: "System helpers: a script's command-line options (sys.args), a monotonic clock for timing (sys.clock), the BLAS thread count (sys.threads, sys.set_threads), which OpenBLAS kernels run (sys.blas) and the environment variables prunelab reads (sys.settings).",
        functions: [
            ScriptArguments.spec,
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
            LuaFunctionSpec("blas", "sys.blas()",
                            "Which OpenBLAS kernels this process uses: a table {core = \"Cooperlake\", openblas_core = OpenBLAS's own choice when it loaded, chosen_by = \"prunelab\", \"environment\" or \"openblas\", reason = …, threads = n, config = OpenBLAS's build line, kernels = prunelab's own kernel build: \"avx512\", \"avx2\" or \"baseline\"}. Both read the processor's CPUID (so under an emulator such as qemu-x86_64 -cpu EPYC-Milan they are the emulated CPU's). An OPENBLAS_CORETYPE set in the environment is respected (chosen_by = \"environment\"). Otherwise prunelab picks the AVX-512 kernels on CPUs that have them (PRUNELAB_BLAS_CORE=auto, the default); PRUNELAB_BLAS_CORE=openblas keeps OpenBLAS's choice, PRUNELAB_BLAS_CORE=Haswell (or another core name) forces one, even over OPENBLAS_CORETYPE. Set them before prunelab starts.") { lua in
                try lua.checkArgumentCount(max: 0)
                let choice = BLASCore.lastChoice
                lua.newTable(fieldCapacity: 7)
                lua.push(BLASCore.current); lua.rawSet(-2, "core")
                lua.push(choice?.openBLASCore ?? BLASCore.current); lua.rawSet(-2, "openblas_core")
                lua.push(choice?.chosenBy ?? "openblas"); lua.rawSet(-2, "chosen_by")
                lua.push(choice?.reason ?? "not chosen by this program"); lua.rawSet(-2, "reason")
                lua.push(BLASThreads.count); lua.rawSet(-2, "threads")
                lua.push(BLASCore.configuration); lua.rawSet(-2, "config")
                lua.push(CPUFeatures.levelName); lua.rawSet(-2, "kernels")
                return 1
            },
            SettingsFunction.spec,
            LuaFunctionSpec("set_threads", "sys.set_threads(n)", "Sets the number of threads OpenBLAS uses for matrix products (1 … 1024).") { lua in
                let n = try lua.checkInteger(1, "n", in: 1...1024)
                try lua.checkArgumentCount(max: 1)
                try BLASThreads.set(n)
                return 0
            },
        ])
}
