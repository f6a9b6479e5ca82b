-- Helper of scripts/bench_similarity: times prunelab's similarity measures on two .npy files.
--   prunelab scripts/bench_similarity.lua A.npy B.npy REPS
-- Prints one JSON line per operation: {"op": …, "median": seconds, "runs": n, "value": …}.
-- Loading is not timed (the NumPy side does not time np.load either).
local a_path, b_path, reps = ...
reps = tonumber(reps) or 3
local a, b = tensor.load(a_path), tensor.load(b_path)

local function median(xs)
  table.sort(xs)
  local n = #xs
  return n % 2 == 1 and xs[(n + 1) // 2] or (xs[n // 2] + xs[n // 2 + 1]) / 2
end

local ops = {
  {"covariance", function() local acc = sim.accumulator(); acc:add(a, b); return acc.count end},
  {"cca", function() return sim.cca(a, b).value end},
  {"svcca", function() return sim.svcca(a, b).value end},
  {"pwcca", function() return sim.pwcca(a, b).value end},
  {"cka", function() return sim.cka(a, b).value end},
}
for _, op in ipairs(ops) do
  local times, value = {}, nil
  for _ = 1, reps do
    collectgarbage()
    local t0 = sys.clock()
    value = op[2]()
    times[#times + 1] = sys.clock() - t0
  end
  print(string.format('{"op": "%s", "median": %.6f, "runs": %d, "value": %.17g}', op[1], median(times), reps, value))
end
