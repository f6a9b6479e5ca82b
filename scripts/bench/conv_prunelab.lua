-- prunelab side of scripts/bench_winograd: one 3×3 stride-1 padding-1 convolution (no bias,
-- evaluation mode, batch 128) and prints the fastest of REPS forward passes in milliseconds.
-- The route is whatever PRUNELAB_WINOGRAD (0: direct kernels, unset: measured choice, 1:
-- Winograd wherever it can) selects.
-- usage: prunelab conv_prunelab.lua CIN COUT SIZE REPS
local cin, cout, size, reps = table.unpack(arg)
cin, cout, size, reps = tonumber(cin), tonumber(cout), tonumber(size), tonumber(reps)
local m = nn.Sequential{nn.Conv2d(cin, cout, 3, {stride = 1, padding = 1, bias = false})}
m:eval()
local x = tensor.randn{128, cin, size, size, seed = 1}
local best = math.huge
for _ = 1, reps do
  local t0 = sys.clock()
  m:forward(x)
  best = math.min(best, sys.clock() - t0)
end
print(string.format("%.4f", best * 1000))
