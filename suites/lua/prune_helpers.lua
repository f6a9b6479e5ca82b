-- Helpers shared by test_prune*.lua, test_sim_layers.lua and misuse_prune.lua.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local H = dofile(here .. "nn_helpers.lua")

--- The documented rounding rule: round(s · n), half away from zero.
function H.expected_zeros(n, s)
  return math.floor(s * n + 0.5)
end

--- Number of exact zeros in a tensor.
function H.zeros(t)
  return math.floor(t:eq(0):sum())
end

--- A small conv model (conv1, bn1, relu1, flatten1, fc1) for training tests.
function H.tiny(seed)
  return nn.Sequential{nn.Conv2d(1, 4, 5, {stride = 3, seed = seed}), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(),
                       nn.Linear(4 * 8 * 8, 10, {seed = seed + 1}), input = {1, 28, 28}}
end

--- A two-layer perceptron on 4 inputs: fc1 (5×4 = 20 weights), relu1, fc2 (2×5 = 10 weights).
function H.mlp(seed)
  return nn.Sequential{nn.Linear(4, 5, {seed = seed}), nn.ReLU(), nn.Linear(5, 2, {seed = seed + 1}), input = {4}}
end

--- Largest |w| among pruned entries and smallest |w| among kept ones, for weights w0 (before
--- pruning) and mask (1 kept, 0 pruned).
function H.magnitude_split(w0, mask)
  local a = w0:abs()
  local pruned_max = (a * (1 - mask)):max()
  local kept_min = (a + (1 - mask) * 1e30):min()
  return pruned_max, kept_min
end

--- Whether two tensors are element-wise equal (bit for bit).
function H.same(a, b)
  return a:equal(b)
end

return H
