-- Sparse inference (m:compress()): the same logits as dense up to rounding on every model and
-- sparsity, odd shapes, strides, padding, empty rows and fully pruned layers; routes in print(m).
-- suites/shell/sparse_kernels.sh runs this file on each kernel build (AVX-512, AVX2, plain).
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local H = dofile(here .. "prune_helpers.lua")

--- max |a − b| ≤ 1e-5 · max |a| (relative to the logits' scale).
local function check_close(a, b, what)
  check_eq(table.concat(a:shape(), "x"), table.concat(b:shape(), "x"), what .. ": shape")
  local d, scale = (a - b):abs():max(), a:abs():max()
  check(d <= 1e-5 * math.max(scale, 1e-30), string.format("%s: max |Δ| %.3g vs scale %.3g", what, d, scale))
end

--- Dense logits of m (evaluation mode) on x, then the compressed ones with every masked layer
--- sparse; returns both.
local function both(m, x, opts)
  m:eval()
  local dense = m:forward(x):clone()
  m:compress(opts or {max_density = 1})
  local sparse = m:forward(x):clone()
  return dense, sparse
end

--- A model with non-trivial BatchNorm statistics (one training-mode forward).
local function warmed(m, x)
  m:train(); m:forward(x); return m
end

local cases = {
  {"ConvNet", function() return models.convnet{seed = 1} end, {1, 28, 28}},
  {"VGG-16 w/8", function() return models.vgg{depth = 16, width = 0.125, seed = 2} end, {3, 32, 32}},
  {"ResNet-18 w/8", function() return models.resnet{depth = 18, width = 0.125, seed = 3} end, {3, 32, 32}},
  {"ResNet-34 w/16", function() return models.resnet{depth = 34, width = 0.0625, seed = 4} end, {3, 32, 32}},
}

test("compressed logits equal dense ones at 0/50/75/90/95% sparsity (ConvNet, VGG-16, ResNet-18/34)", function()
  for _, case in ipairs(cases) do
    local name, make, shape = case[1], case[2], case[3]
    local x = tensor.randn{3, shape[1], shape[2], shape[3], seed = 7}
    local base = warmed(make(), x)
    for _, s in ipairs({0, 0.5, 0.75, 0.9, 0.95}) do
      local p = prune.magnitude(base:clone(), s)
      local dense, sparse = both(p, x)
      check_close(dense, sparse, string.format("%s at %.0f%%", name, s * 100))
      -- The fused evaluation path (conv + BatchNorm folded, ReLU and shortcut on the way out).
      p:decompress()
      local ds = data.tensors(x, tensor.ones(3))
      local l1 = p:evaluate(ds)
      p:compress{max_density = 1}
      local l2 = p:evaluate(ds)
      check(math.abs(l1 - l2) <= 1e-5 * math.max(math.abs(l1), 1), string.format("%s at %.0f%%: evaluate loss %.9g vs %.9g", name, s * 100, l1, l2))
    end
  end
end)

test("routes: sparse at or below max_density, dense above it and without a mask; print(m) says why", function()
  local m = prune.magnitude(models.convnet{seed = 1}, 0.9)
  m:compress()
  local text = tostring(m)
  check(text:find("sparse CSR (density 0.10 ≤ 0.20)", 1, true), text)
  check(text:find("dense (no mask)", 1, true), "the classifier has no mask: " .. text)
  check(text:find("compressed (4 of 5 layers sparse)", 1, true), text)
  local h = prune.magnitude(models.convnet{seed = 1}, 0.5)
  h:compress()
  check(tostring(h):find("dense (density 0.50 > 0.20)", 1, true), tostring(h))
  -- An unpruned model: nothing goes sparse and the logits are the dense ones bit for bit.
  local u = models.convnet{seed = 1}
  local x = tensor.randn{2, 1, 28, 28, seed = 1}
  local dense, same = both(u, x, {})
  check(dense:equal(same), "an unpruned model runs dense")
  check(tostring(u):find("compressed (0 of 5 layers sparse)", 1, true), tostring(u))
  -- decompress: routes gone.
  m:decompress()
  check(not tostring(m):find("route", 1, true), tostring(m))
end)

test("odd shapes, strides, padding, empty rows and fully pruned layers", function()
  -- 3×11×13 → 5×6×7 → 7×8×3 → 6×8×3 → 4×3×1 = 12 features.
  local m = nn.Sequential{
    nn.Conv2d(3, 5, 3, {stride = 2, padding = 1, seed = 1}), nn.ReLU(),
    nn.Conv2d(5, 7, {3, 5}, {stride = {1, 2}, padding = {2, 1}, seed = 2}), nn.BatchNorm2d(7), nn.ReLU(),
    nn.Conv2d(7, 6, 1, {seed = 3, bias = false}),
    nn.Conv2d(6, 4, 2, {stride = 3, seed = 4}), nn.Flatten(),
    nn.Linear(12, 9, {seed = 5}), nn.ReLU(), nn.Linear(9, 3, {seed = 6}),
    input = {3, 11, 13}}
  local x = tensor.randn{5, 3, 11, 13, seed = 2}
  warmed(m, x)
  local masks = {}
  local w = m:parameters()
  for name, t in pairs(w) do
    if name:find("weight") and t:dim() >= 2 then masks[name] = t:abs():gt(0.1) end
  end
  local names = {}
  for name in pairs(masks) do names[#names + 1] = name end
  table.sort(names)
  -- Empty rows: output channel 2 of the first conv and output 4 of the first linear layer.
  local first_conv, first_linear
  for _, name in ipairs(names) do
    if w[name]:dim() == 4 and not first_conv then first_conv = name end
    if w[name]:dim() == 2 and not first_linear then first_linear = name end
  end
  masks[first_conv][2]:fill(0)
  masks[first_linear][4]:fill(0)
  -- A fully pruned layer: the 1×1 convolution (no bias).
  local one
  for _, name in ipairs(names) do if w[name]:dim() == 4 and w[name]:size(3) == 1 then one = name end end
  masks[one]:fill(0)
  prune.set_masks(m, masks)
  local dense, sparse = both(m, x)
  check_close(dense, sparse, "odd shapes")
  check(tostring(m):find("sparse CSR (density 0.00", 1, true), "a fully pruned layer goes sparse: " .. tostring(m))
  -- Batch of one, and a batch whose im2col width is not a multiple of any vector width.
  for _, n in ipairs({1, 2, 7}) do
    local xi = tensor.randn{n, 3, 11, 13, seed = n}
    m:decompress(); m:eval()
    local d = m:forward(xi):clone()
    m:compress{max_density = 1}
    check_close(d, m:forward(xi):clone(), "batch " .. n)
  end
end)

test("flat route: input channels in blocks of the L1 cache, uneven, with empty rows", function()
  -- 70 input channels of 12×12 planes (padded 14×14 and slack: 2 blocks of 35), a 3×3 and
  -- a 5×5 kernel, one output channel pruned whole; ReLU fused on the way out (m:predict).
  local m = nn.Sequential{
    nn.Conv2d(70, 9, 3, {padding = 1, seed = 1}), nn.ReLU(),
    nn.Conv2d(9, 40, 1, {seed = 2}), nn.ReLU(),
    nn.Conv2d(40, 6, 5, {padding = 2, seed = 3}), nn.Flatten(), nn.Linear(6 * 144, 3, {seed = 4}),
    input = {70, 12, 12}}
  local routes = m:conv_routes(3)
  check_eq(routes[1].sparse_forward, "flat"); check_eq(routes[3].sparse_forward, "flat")
  prune.magnitude(m, 0.85, {skip_last = false})
  local masks = prune.masks(m)
  masks["conv1.weight"][4]:fill(0)
  prune.set_masks(m, masks)
  for _, n in ipairs({1, 3}) do
    local x = tensor.randn{n, 70, 12, 12, seed = n}
    m:decompress(); m:eval()
    local dense = m:forward(x):clone()
    m:compress{max_density = 1}
    check_close(dense, m:forward(x):clone(), "compressed m:forward, batch " .. n)
    check_close(dense, m:predict(x), "compressed m:predict, batch " .. n)
  end
end)

test("batched route: small stride-1 planes, 1 to 33 samples, ReLU and shortcut fused (m:predict)", function()
  -- 5×4×4 → 7×4×4 (3×3, padding 1: batched) → 6×6×2 (3×5, padding {2, 1}: batched) → 4×6×2
  -- (1×1: flat) → 48 features.
  local m = nn.Sequential{
    nn.Conv2d(5, 7, 3, {padding = 1, seed = 1}), nn.BatchNorm2d(7), nn.ReLU(),
    nn.Conv2d(7, 6, {3, 5}, {padding = {2, 1}, seed = 2}), nn.ReLU(),
    nn.Conv2d(6, 4, 1, {seed = 3}), nn.Flatten(), nn.Linear(48, 3, {seed = 4}),
    input = {5, 4, 4}}
  local routes = m:conv_routes(2)
  check_eq(routes[1].sparse_forward, "batched"); check_eq(routes[2].sparse_forward, "batched")
  check_eq(routes[3].sparse_forward, "flat")
  warmed(m, tensor.randn{8, 5, 4, 4, seed = 1})
  prune.magnitude(m, 0.6, {skip_last = false})
  for _, n in ipairs({1, 15, 16, 17, 33}) do
    local x = tensor.randn{n, 5, 4, 4, seed = n}
    m:decompress(); m:eval()
    local dense, fused = m:forward(x):clone(), m:predict(x)
    check_close(dense, fused, "dense m:predict, batch " .. n)
    m:compress{max_density = 1}
    check_close(dense, m:forward(x):clone(), "compressed m:forward, batch " .. n)
    check_close(dense, m:predict(x), "compressed m:predict, batch " .. n)
  end
  -- ResNet-18 w/8: its last stage (4×4 planes, shortcut added on the way out) runs batched.
  local r = models.resnet{depth = 18, width = 0.125, seed = 3}
  local x = tensor.randn{17, 3, 32, 32, seed = 5}
  warmed(r, x)
  prune.magnitude(r, 0.9)
  r:eval()
  local dense = r:forward(x):clone()
  r:compress{max_density = 1}
  check_close(dense, r:predict(x), "ResNet-18 w/8, 17 samples")
  check(r:predict(x):equal(r:predict(x)), "the same logits every call")
end)

test("m:predict: the fused evaluation path in any mode, the mode restored; bad input named", function()
  local m = models.convnet{seed = 1}
  local x = tensor.randn{4, 1, 28, 28, seed = 2}
  warmed(m, x)
  m:eval()
  local y = m:forward(x):clone()
  m:train()
  check_close(y, m:predict(x), "m:predict equals evaluation-mode m:forward")
  check(m.training == true, "training mode restored")
  check_error(function() m:predict(tensor.randn{4, 3, 28, 28, seed = 1}) end, "predict", "N×1×28×28")
  check_error(function() m:predict("x") end, "predict", "tensor")
  check_error(function() m:predict(x, 1) end, "predict")
  -- No backward after the fused path (it keeps no per-layer state); a forward re-arms it.
  m:predict(x)
  check_error(function() m:backward(tensor.ones(4, 10)) end, "backward", "m:predict", "m:forward(x)")
  m:evaluate(data.tensors(x, tensor.ones(4)))
  check_error(function() m:backward(tensor.ones(4, 10)) end, "backward", "m:evaluate")
  m:forward(x)
  check_eq(table.concat(m:backward(tensor.ones(4, 10)):shape(), "x"), "4x1x28x28", "backward after a forward")
end)

test("measured routes: each timed layer takes the faster route; m:sparsity() shows both times", function()
  local m = prune.magnitude(models.convnet{seed = 1}, 0.9)
  local x = tensor.randn{8, 1, 28, 28, seed = 3}
  m:eval()
  local dense = m:forward(x):clone()
  check_eq(m:compress{measure = x, repeats = 3}, m)
  check_close(dense, m:forward(x):clone(), "measured routes")
  local s = m:sparsity()
  local timed = 0
  for i = 1, #s do
    local r = s[i]
    if r.name == "fc3" then
      check(r.dense_ms == nil and r.sparse_ms == nil, "the unmasked classifier is not timed")
    else
      check(type(r.dense_ms) == "number" and r.dense_ms > 0 and type(r.sparse_ms) == "number" and r.sparse_ms > 0,
            r.name .. ": both times measured")
      timed = timed + 1
      -- The route print(m) shows is the faster one (dense on a tie).
      local line = tostring(m):match("\n%s*" .. r.name .. " [^\n]*")
      check(line, r.name .. " in print(m)")
      if r.sparse_ms < r.dense_ms then
        check(line:find("sparse CSR (density 0.10 ≤ 0.20; sparse ", 1, true), line)
      else
        check(line:find("dense (sparse ", 1, true), line)
      end
    end
  end
  check_eq(timed, 4, "conv1, conv2, fc1, fc2 timed")
  check(tostring(s):find("dense time", 1, true) and tostring(s):find(" ms", 1, true), tostring(s))
  -- measure = true: 64 random samples of the declared input shape.
  check_eq(m:compress{measure = true, repeats = 1}, m)
  check(type(m:sparsity()[1].dense_ms) == "number", "measure = true times too")
  -- Without measure the routes are the density rule's and carry no times.
  m:compress()
  check(m:sparsity()[1].dense_ms == nil, "no times without measure")
  check(not tostring(m:sparsity()):find("dense time", 1, true), "no time columns without measure")
  -- Misuse.
  check_error(function() m:compress{measure = "x"} end, "option 'measure'", "a tensor", "boolean", "got")
  check_error(function() m:compress{repeats = 3} end, "option 'repeats'", "only with measure")
  check_error(function() m:compress{measure = x, repeats = 0} end, "option 'repeats'", "1...1000")
  check_error(function() m:compress{measure = tensor.randn{2, 3, 28, 28, seed = 1}} end, "model:compress", "expected a batch N×1×28×28")
  local undeclared = nn.Sequential{nn.Flatten(), nn.Linear(4, 2, {seed = 1})}
  check_error(function() prune.compress(undeclared, {measure = true}) end, "input shape is not known", "measure = x")
end)

test("misuse: training a compressed model is an error until decompress; bad max_density", function()
  local m = prune.magnitude(H.tiny(1), 0.9)
  m:compress()
  local ds = H.fashion(16)
  local t = train.sgd{batch = 8, epochs = 1}
  check_error(function() t:fit(m, ds, {progress = false}) end, "compressed for inference", "m:decompress()")
  m:train()
  check_error(function() m:forward(tensor.randn{2, 1, 28, 28, seed = 1}) end, "conv1", "compressed for inference")
  m:eval()
  local y = m:forward(tensor.randn{2, 1, 28, 28, seed = 1})
  check_error(function() m:backward(y) end, "compressed for inference", "m:decompress()")
  check(not tostring(m:clone()):find("compressed", 1, true), "a clone is not compressed")
  check_eq(m:decompress(), m)
  t:fit(m, ds, {progress = false})
  check_eq(m:parameters()["conv1.weight"]:eq(0):sum(), 90, "masks still hold")
  check_error(function() m:compress{max_density = 2} end, "max_density", "[0, 1]", "got 2")
  check_error(function() m:compress{max_density = "x"} end, "max_density")
  check_error(function() m:compress{density = 0.5} end, "unknown option 'density'")
  check_eq(prune.compress(m), m, "prune.compress(m) is m:compress()")
  check_eq(prune.decompress(m), m)
end)
