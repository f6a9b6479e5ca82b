-- prunelab side of scripts/bench_layers: one conv + BatchNorm + ReLU in evaluation mode, batch
-- 128, and prints the fastest of REPS forward passes in milliseconds. m:forward does not fold the
-- BatchNorm into the convolution (only m:evaluate does), so both sides run three layers.
-- usage: prunelab layer_prunelab.lua CIN COUT SIZE STRIDE REPS
local cin, cout, size, stride, reps = table.unpack(arg)
cin, cout, size, stride, reps = tonumber(cin), tonumber(cout), tonumber(size), tonumber(stride), tonumber(reps)
local m = nn.Sequential{nn.Conv2d(cin, cout, 3, {stride = stride, padding = 1, bias = false}), nn.BatchNorm2d(cout), nn.ReLU()}
m:eval()
local x = tensor.randn{128, cin, size, size, seed = 1}
local best = math.huge
for _ = 1, reps do
  local t0 = sys.clock()
  m:forward(x)
  best = math.min(best, sys.clock() - t0)
end
print(string.format("%.4f", best * 1000))
