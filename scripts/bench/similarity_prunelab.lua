-- prunelab side of scripts/bench_similarity: a timing server, so that prunelab and NumPy can be
-- timed alternately, one run each, under the same machine load. Reads commands on stdin:
--   core                    the OpenBLAS kernels in use (sys.blas().core)
--   load A.npy B.npy        load the layer pair (not timed)
--   run OP                  time one run of OP (covariance, cca, svcca, pwcca, cka)
--   quit
-- and answers each with one JSON line: {"op": …, "seconds": …, "value": …} (or {"ok": true}).
local a, b
local ops = {
  covariance = function() local acc = sim.accumulator(); acc:add(a, b); return acc.count end,
  cca = function() return sim.cca(a, b).value end,
  svcca = function() return sim.svcca(a, b).value end,
  pwcca = function() return sim.pwcca(a, b).value end,
  cka = function() return sim.cka(a, b).value end,
}
for line in io.stdin:lines() do
  local cmd, x, y = line:match("^(%S+)%s*(%S*)%s*(%S*)$")
  if cmd == "core" then
    print(string.format('{"core": "%s"}', sys.blas().core))
  elseif cmd == "load" then
    a, b = nil, nil
    collectgarbage()
    a, b = tensor.load(x), tensor.load(y)
    print('{"ok": true}')
  elseif cmd == "run" then
    collectgarbage()
    local t0 = sys.clock()
    local value = ops[x]()
    print(string.format('{"op": "%s", "seconds": %.6f, "value": %.17g}', x, sys.clock() - t0, value))
  elseif cmd == "quit" then
    break
  else
    print('{"error": "unknown command"}')
  end
  io.stdout:flush()
end
