-- The nn module: layers' known answers, gradients, naming, parameters, cloning, modes.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local H = dofile(here .. "nn_helpers.lua")

test("nn.Linear: y = x·Wᵀ + b", function()
  local fc = nn.Linear(3, 2)
  local p = fc:parameters()
  H.set(p.weight, {1, 2, 3, -1, 0, 1})
  H.set(p.bias, {0.5, -0.5})
  local x = tensor.zeros(2, 3)
  H.set(x, {1, 1, 1, 2, 0, -1})
  check_table_near(H.flat(fc:forward(x)), {6.5, -0.5, -0.5, -3.5}, 1e-6)
  check_eq(table.concat(fc:forward(x):shape(), "x"), "2x2")
end)

test("nn.Linear backward: ∂x = ∂y·W, ∂W accumulates ∂yᵀ·x, ∂b = Σ∂y", function()
  local fc = nn.Linear(3, 2)
  H.set(fc:parameters().weight, {1, 2, 3, -1, 0, 1})
  local x = tensor.zeros(2, 3)
  H.set(x, {1, 1, 1, 2, 0, -1})
  fc:forward(x)
  local dy = tensor.zeros(2, 2)
  H.set(dy, {1, 0, 0, 1})
  fc:zero_grad()
  local dx = fc:backward(dy)
  check_table_near(H.flat(dx), {1, 2, 3, -1, 0, 1}, 1e-6)
  local g = fc:gradients()
  check_table_near(H.flat(g.weight), {1, 1, 1, 2, 0, -1}, 1e-6)
  check_table_near(H.flat(g.bias), {1, 1}, 1e-6)
  fc:backward(dy)  -- gradients accumulate until zero_grad
  check_table_near(H.flat(g.bias), {2, 2}, 1e-6)
  fc:zero_grad()
  check_table_near(H.flat(g.bias), {0, 0}, 0)
end)

test("nn.Conv2d: a 2×2 box filter sums windows; shapes follow ⌊(H + 2p − k)/s⌋ + 1", function()
  local conv = nn.Conv2d(1, 1, 2, {bias = false})
  H.set(conv:parameters().weight, {1, 1, 1, 1})
  local x = tensor.zeros(1, 1, 3, 3)
  H.set(x, {1, 2, 3, 4, 5, 6, 7, 8, 9})
  check_table_near(H.flat(conv:forward(x)), {12, 16, 24, 28}, 1e-6)
  local strided = nn.Conv2d(1, 4, 3, {stride = 2, padding = 1})
  check_eq(table.concat(strided:forward(tensor.zeros(2, 1, 7, 5)):shape(), "x"), "2x4x4x3")
  local rect = nn.Conv2d(1, 1, {3, 1}, {padding = {1, 0}})
  check_eq(table.concat(rect:forward(tensor.zeros(1, 1, 4, 4)):shape(), "x"), "1x1x4x4")
end)

test("finite differences agree with backward through a small Sequential", function()
  local net = nn.Sequential{nn.Conv2d(1, 2, 3, {padding = 1, seed = 3}), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(8, 3, {seed = 4})}
  local x = H.rand({2, 1, 4, 4}, 7)
  local labels = {1, 3}
  local loss0, grad = nn.cross_entropy(net:forward(x), labels)
  net:zero_grad()
  local dx = H.flat(net:backward(grad))
  local w = net:parameters()["conv1.weight"]
  local analytic = H.flat(net:gradients()["conv1.weight"])
  local h = 1e-3
  for _, k in ipairs({1, 5, 9, 14}) do
    local v = H.flat(w)
    local original = v[k]
    v[k] = original + h; H.set(w, v)
    local up = nn.cross_entropy(net:forward(x), labels)
    v[k] = original - h; H.set(w, v)
    local down = nn.cross_entropy(net:forward(x), labels)
    v[k] = original; H.set(w, v)
    check_near((up - down) / (2 * h), analytic[k], 2e-2, "conv1.weight " .. k)
  end
  -- and with respect to the input
  local xv = H.flat(x)
  for _, k in ipairs({2, 7, 20}) do
    local original = xv[k]
    xv[k] = original + h; H.set(x, xv)
    local up = nn.cross_entropy(net:forward(x), labels)
    xv[k] = original - h; H.set(x, xv)
    local down = nn.cross_entropy(net:forward(x), labels)
    xv[k] = original; H.set(x, xv)
    check_near((up - down) / (2 * h), dx[k], 2e-2, "input " .. k)
  end
end)

test("nn.cross_entropy: log K for equal logits, gradient (softmax − onehot)/N", function()
  local loss, grad = nn.cross_entropy(tensor.zeros(2, 4), {2, 4})
  check_near(loss, math.log(4), 1e-6)
  check_table_near(H.flat(grad), {0.125, -0.375, 0.125, 0.125, 0.125, 0.125, 0.125, -0.375}, 1e-6)
  local big = tensor.zeros(1, 3)
  H.set(big, {1000, 0, -1000})
  local l = nn.cross_entropy(big, {1})
  check(l >= 0 and l < 1e-6, "stable for huge logits: " .. l)
end)

test("pooling, BatchNorm, Dropout and Flatten layers", function()
  local x = tensor.zeros(1, 1, 4, 4)
  H.set(x, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
  check_table_near(H.flat(nn.MaxPool2d(2):forward(x)), {6, 8, 14, 16}, 0)
  check_table_near(H.flat(nn.MaxPool2d(3, {stride = 2, padding = 1}):forward(x)), {6, 8, 14, 16}, 0)
  check_table_near(H.flat(nn.AvgPool2d(2):forward(x)), {3.5, 5.5, 11.5, 13.5}, 1e-6)
  check_table_near(H.flat(nn.GlobalAvgPool2d():forward(x)), {8.5}, 1e-6)
  check_eq(table.concat(nn.Flatten():forward(x):shape(), "x"), "1x16")
  local bn = nn.BatchNorm1d(1)
  local y = H.flat(bn:forward(H.rand({6, 1}, 3)))
  local mean, var = 0, 0
  for _, v in ipairs(y) do mean = mean + v / 6 end
  for _, v in ipairs(y) do var = var + (v - mean) ^ 2 / 6 end
  check_near(mean, 0, 1e-5); check_near(var, 1, 1e-3)
  local drop = nn.Dropout(0.5, {seed = 1})
  local d = H.flat(drop:forward(tensor.ones(1, 100)))
  for _, v in ipairs(d) do check(v == 0 or v == 2, "kept values are scaled by 2") end
  drop:eval()
  for _, v in ipairs(H.flat(drop:forward(tensor.ones(1, 10)))) do check_eq(v, 1) end
end)

test("Sequential names layers by kind; parameters iterate in layer order and share storage", function()
  local net = nn.Sequential{nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU(), nn.Flatten(), nn.Linear(8, 3, {name = "head"}), input = {1, 4, 4}}
  check_eq(table.concat(net:layers(), ","), "conv1,bn1,relu1,flatten1,head")
  local names = {}
  for name in pairs(net:parameters()) do names[#names + 1] = name end
  check_eq(table.concat(names, ","), "conv1.weight,conv1.bias,bn1.weight,bn1.bias,head.weight,head.bias")
  local buffers = {}
  for name in pairs(net:buffers()) do buffers[#buffers + 1] = name end
  check_eq(table.concat(buffers, ","), "bn1.running_mean,bn1.running_var")
  -- Writing to a parameter tensor changes the model.
  local x = H.rand({2, 1, 4, 4}, 5)
  net:eval()
  local before = H.flat(net:forward(x))
  local old = H.flat(net:parameters()["head.bias"])
  H.set(net:parameters()["head.bias"], {10, 20, 30})
  local after = H.flat(net:forward(x))
  for k = 1, 6 do  -- 2 samples × 3 logits: each logit moves by its bias change
    local class = (k - 1) % 3 + 1
    check_near(after[k] - before[k], class * 10 - old[class], 1e-4)
  end
  local s = tostring(net)
  check(s:find("conv1", 1, true) and s:find("Conv2d(1→2, 3×3)", 1, true) and s:find("2×2×2", 1, true), s)
  check_eq(net.input[1], 1)
end)

test("clone is deep; train/eval switch modes; layer() shares weights", function()
  local m = models.mlp{input = 4, hidden = {3}, classes = 2, seed = 2}
  local c = m:clone()
  check(H.same_weights(m, c))
  H.set(c:parameters()["fc1.bias"], {9, 9, 9})
  check(not H.same_weights(m, c))
  check_eq(m.training, true)
  check_eq(m:eval(), m)
  check_eq(m.training, false)
  check_eq(c.training, true)
  m:train()
  check_eq(m.training, true)
  local fc1 = m:layer("fc1")
  H.set(fc1:parameters().bias, {1, 2, 3})
  check_table_near(H.flat(m:parameters()["fc1.bias"]), {1, 2, 3}, 0)
end)

test("layers built without a seed are reproducible across runs (seeds 1, 2, … in creation order)", function()
  local a = nn.Linear(5, 5, {seed = 42})
  local b = nn.Linear(5, 5, {seed = 42})
  check(H.same_weights(a, b))
  local c = nn.Linear(5, 5)
  local d = nn.Linear(5, 5)
  check(not H.same_weights(c, d), "consecutive layers get different seeds")
  -- PyTorch's default: uniform in ±1/√fan_in.
  for _, v in ipairs(H.flat(nn.Linear(16, 8):parameters().weight)) do check(math.abs(v) <= 0.25) end
end)
