-- sys: monotonic clock and BLAS threads.

test("sys.clock is monotonic and measures wall time", function()
  local t0 = sys.clock()
  local t1 = sys.clock()
  check(t1 >= t0, "never goes back")
  os.execute("sleep 0.05")
  local dt = sys.clock() - t1
  check(dt >= 0.045 and dt < 5, "a 50 ms sleep measures about 50 ms, got " .. dt)
end)

test("sys.threads and sys.set_threads", function()
  local n = sys.threads()
  check(math.type(n) == "integer" and n >= 1)
  sys.set_threads(1); check_eq(sys.threads(), 1)
  local a = tensor.randn(64, 64, {seed = 1, dtype = "float64"})
  local one = a:matmul(a)
  sys.set_threads(2); check_eq(sys.threads(), 2)
  check(a:matmul(a):sub(one):abs():max() < 1e-12, "same product on 2 threads")
  sys.set_threads(n)
  check_error(function() sys.set_threads(0) end, "sys.set_threads", "1...1024")
  check_error(function() sys.clock(1) end, "sys.clock")
end)

test("sys.blas names the OpenBLAS kernels and who chose them", function()
  local b = sys.blas()
  check(type(b.core) == "string" and #b.core > 0, "core")
  check(type(b.openblas_core) == "string" and #b.openblas_core > 0, "openblas_core")
  check(b.chosen_by == "prunelab" or b.chosen_by == "openblas" or b.chosen_by == "environment", "chosen_by: " .. tostring(b.chosen_by))
  if b.chosen_by == "environment" then check_eq(b.reason, "OPENBLAS_CORETYPE=" .. os.getenv("OPENBLAS_CORETYPE") .. " in the environment") end
  if b.chosen_by ~= "prunelab" then check_eq(b.core, b.openblas_core) else check(b.core ~= b.openblas_core, "a switch changes the core") end
  check_eq(b.threads, sys.threads())
  check(b.config:find("OpenBLAS", 1, true) ~= nil, "config: " .. b.config)
  check(b.config:find(b.core, 1, true) ~= nil, "the build line names the core in use: " .. b.config)
  check_error(function() sys.blas(1) end, "sys.blas")
end)

test("sys.args parses options against typed defaults", function()
  local d = {epochs = 3, lr = 0.05, name = "run", verbose = false, max_datapoints = 100}
  local o = sys.args(d, {"--epochs", "5", "--lr=0.1", "data.npz", "--verbose", "--max-datapoints", "7", "--", "--raw"})
  check_eq(o.epochs, 5); check_eq(math.type(o.epochs), "integer"); check_eq(o.lr, 0.1); check_eq(o.name, "run")
  check_eq(o.verbose, true); check_eq(o.max_datapoints, 7); check_eq(#o, 2); check_eq(o[1], "data.npz"); check_eq(o[2], "--raw")
  check_eq(d.epochs, 3)                                   -- the defaults table is not changed
  local n = sys.args(d, {"--no-verbose", "--name", "x y", "--lr", "-1e-3"})
  check_eq(n.verbose, false); check_eq(n.name, "x y"); check_eq(n.lr, -1e-3); check_eq(n.epochs, 3)
  check_eq(sys.args({verbose = true}, {"--verbose=false"}).verbose, false)
  check_eq(sys.args({k = 1}, {}).k, 1)
  arg = {[0] = "script.lua", "--k", "4"}                 -- the global arg by default
  check_eq(sys.args{k = 1}.k, 4)
  arg = nil
  check_eq(sys.args{k = 1}.k, 1)
end)

test("sys.args: unknown options and bad values name the option and list the others", function()
  local d = {epochs = 3, lr = 0.05, verbose = false}
  check_error(function() sys.args(d, {"--epoch", "5"}) end, "sys.args", "unknown option --epoch", "did you mean --epochs", "--lr X (default 0.05)")
  check_error(function() sys.args(d, {"--epochs", "2.5"}) end, "sys.args", "--epochs expects an integer, got '2.5'")
  check_error(function() sys.args(d, {"--lr", "fast"}) end, "sys.args", "--lr expects a number")
  check_error(function() sys.args(d, {"--epochs"}) end, "sys.args", "--epochs needs a value")
  check_error(function() sys.args(d, {"--verbose=maybe"}) end, "sys.args", "true or false")
  check_error(function() sys.args(d, {"--no-epochs"}) end, "sys.args", "unknown option --no-epochs")
  check_error(function() sys.args{f = print} end, "sys.args", "argument 1 (defaults)", "option 'f'")
  check_error(function() sys.args{1, 2} end, "sys.args", "argument 1 (defaults)")
  check_error(function() sys.args() end, "sys.args", "argument 1 (defaults)")
  check_error(function() sys.args({}, {1, {}}) end, "sys.args", "argument 2 (argv)")
end)

test("sys.settings lists every variable read, with its value and where it came from", function()
  local s = sys.settings()
  check_eq(s.columns[1], "name"); check_eq(s.columns[3], "from")
  check(#s >= 20, "rows: " .. #s)
  local seen = {}
  for i = 1, #s do
    local row = s[i]
    seen[row.name] = true
    local env = os.getenv(row.name)
    if env ~= nil then
      check_eq(row.from, "environment", row.name)
      check_eq(row.value, env, row.name)
    else
      check_eq(row.from, "default", row.name)
    end
    check(type(row.meaning) == "string" and #row.meaning > 10, row.name .. " is documented")
  end
  for _, name in ipairs{"PRUNELAB_NO_AVX512", "PRUNELAB_NO_AVX2", "PRUNELAB_BLAS_CORE", "OPENBLAS_CORETYPE", "PRUNELAB_CONV",
                        "PRUNELAB_WINOGRAD", "PRUNELAB_CONV_CHUNK", "PRUNELAB_WINOGRAD_BUDGET", "PRUNELAB_DIRECT_MIN_WORK",
                        "PRUNELAB_NO_TAPSKIP", "PRUNELAB_HISTORY", "HOME", "PATH", "COLUMNS", "SLURM_ARRAY_TASK_ID", "JUPYTER_DATA_DIR"} do
    check(seen[name], name .. " is listed")
  end
  local conv = sys.settings("PRUNELAB_CONV")
  check_eq(conv.name, "PRUNELAB_CONV")
  check(conv.meaning:find("im2col", 1, true) ~= nil, conv.meaning)
  if os.getenv("PRUNELAB_CONV_CHUNK") == nil then check_eq(sys.settings("PRUNELAB_CONV_CHUNK").value, "1048576") end
  check_error(function() sys.settings("PRUNELAB_CONVV") end, "sys.settings", "argument 1 (name)", "did you mean 'PRUNELAB_CONV'")
  check_error(function() sys.settings(1, 2) end, "sys.settings", "at most 1 argument")
end)
