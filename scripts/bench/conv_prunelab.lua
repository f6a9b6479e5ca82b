-- prunelab side of scripts/bench_winograd: one 3×3 stride-1 padding-1 convolution (no bias,
-- batch 128) and prints the fastest of REPS passes in milliseconds: forward passes in evaluation
-- mode, or (PASS = "backward") backward passes after one forward pass, which compute the input
-- gradient (the route being compared) and the weight gradient (the channel kernel either way).
-- The route is whatever PRUNELAB_WINOGRAD (0: direct kernels, unset: measured choice, 1:
-- Winograd wherever it can) selects.
-- usage: prunelab conv_prunelab.lua CIN COUT SIZE REPS [forward|backward]
local cin, cout, size, reps, pass = table.unpack(arg)
cin, cout, size, reps, pass = tonumber(cin), tonumber(cout), tonumber(size), tonumber(reps), pass or "forward"
local m = nn.Sequential{nn.Conv2d(cin, cout, 3, {stride = 1, padding = 1, bias = false})}
local x = tensor.randn{128, cin, size, size, seed = 1}
local best = math.huge
if pass == "backward" then
  m:train()
  local dy = tensor.randn{128, cout, size, size, seed = 2}
  m:forward(x)
  for _ = 1, reps do
    local t0 = sys.clock()
    m:backward(dy)
    best = math.min(best, sys.clock() - t0)
  end
else
  m:eval()
  for _ = 1, reps do
    local t0 = sys.clock()
    m:forward(x)
    best = math.min(best, sys.clock() - t0)
  end
end
print(string.format("%.4f", best * 1000))
