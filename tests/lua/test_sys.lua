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
