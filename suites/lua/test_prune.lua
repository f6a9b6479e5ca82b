-- prune: masks, magnitude and random pruning, counts, scopes, the rounding rule, overlap.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local H = dofile(here .. "prune_helpers.lua")

test("layer scope: every prunable tensor gets exactly round(s·n) zeros; the classifier stays dense", function()
  for _, s in ipairs({0.3, 0.45, 0.6, 0.75, 0.9}) do
    local m = prune.magnitude(models.convnet{seed = 1}, s)
    local masks, params = m:masks(), m:parameters()
    for _, name in ipairs({"conv1.weight", "conv2.weight", "fc1.weight", "fc2.weight"}) do
      local n = params[name]:numel()
      check_eq(H.zeros(params[name]), H.expected_zeros(n, s), name .. " at " .. s)
      check_eq(n - math.floor(masks[name]:sum()), H.expected_zeros(n, s), name .. " mask at " .. s)
    end
    check_eq(masks["fc3.weight"], nil, "skip_last: no mask on the classifier")
    check_eq(H.zeros(params["fc3.weight"]), 0)
    for _, name in ipairs({"conv1.bias", "fc1.bias"}) do check_eq(masks[name], nil, "biases are not pruned") end
  end
  -- Known counts at 90%: 1440 of 1600, 92160 of 102400, round(1083801.6) of 1204224, round(66355.2) of 73728.
  local r = prune.magnitude(models.convnet{seed = 2}, 0.9):sparsity()
  check_eq(r[1].zeros, 1440); check_eq(r[2].zeros, 92160); check_eq(r[3].zeros, 1083802); check_eq(r[4].zeros, 66355)
  check_eq(r[5].zeros, 0); check_eq(#r, 5)
  check_eq(r.total.zeros, 1440 + 92160 + 1083802 + 66355)
  check_eq(r.total.weights, 1600 + 102400 + 1204224 + 73728 + 1920)
end)

test("rounding rule: half away from zero (2.5 → 3, 1.5 → 2)", function()
  -- fc1 has 20 weights, fc2 10.
  local cases = {{0.125, 3, 1}, {0.5, 10, 5}, {0.075, 2, 1}, {0.025, 1, 0}, {0.375, 8, 4}, {0.25, 5, 3}}
  for _, c in ipairs(cases) do
    local s, want1, want2 = c[1], c[2], c[3]
    local m = prune.magnitude(H.mlp(1), s, {skip_last = false})
    local p = m:parameters()
    check_eq(H.zeros(p["fc1.weight"]), want1, "fc1 at " .. s)
    check_eq(H.zeros(p["fc2.weight"]), want2, "fc2 at " .. s)
  end
end)

test("magnitude removes the smallest |w|: every kept |w| ≥ every pruned |w|, per layer", function()
  local m0 = models.convnet{seed = 3}
  local m = prune.magnitude(m0:clone(), 0.6)
  local before, masks = m0:parameters(), m:masks()
  for name, mask in pairs(masks) do
    local pruned_max, kept_min = H.magnitude_split(before[name], mask)
    check(kept_min >= pruned_max, name .. ": kept min " .. kept_min .. " < pruned max " .. pruned_max)
    -- Kept weights are untouched.
    check(H.same(m:parameters()[name], before[name] * mask), name .. " kept weights unchanged")
  end
end)

test("ties are broken by index (row-major order)", function()
  local m = H.mlp(1)
  m:parameters()["fc1.weight"]:fill(0.5)
  prune.magnitude(m, 0.5, {layers = {"fc1"}})
  local mask = H.flat(m:masks()["fc1.weight"])
  for i = 1, 20 do check_eq(mask[i], i <= 10 and 0 or 1, "entry " .. i) end
  -- Equal magnitudes of either sign tie too.
  local w = m:parameters()["fc2.weight"]
  H.set(w, {-1, 1, -1, 1, 2, -2, 1, -1, 3, 1})
  prune.magnitude(m, 0.3, {layers = "fc2"})
  check_table_near(H.flat(m:masks()["fc2.weight"]), {0, 0, 0, 1, 1, 1, 1, 1, 1, 1}, 0)
end)

test("global scope ranks all selected weights together", function()
  local m0 = models.convnet{seed = 4}
  local m = prune.magnitude(m0:clone(), 0.8, {scope = "global"})
  local masks, before = m:masks(), m0:parameters()
  local total, zeros, pruned_max, kept_min = 0, 0, 0, math.huge
  local per_layer = {}
  for name, mask in pairs(masks) do
    total = total + mask:numel()
    local z = mask:numel() - math.floor(mask:sum())
    zeros = zeros + z
    per_layer[name] = z / mask:numel()
    local pm, km = H.magnitude_split(before[name], mask)
    pruned_max, kept_min = math.max(pruned_max, pm), math.min(kept_min, km)
  end
  check_eq(total, 1600 + 102400 + 1204224 + 73728, "the classifier is not selected")
  check_eq(zeros, H.expected_zeros(total, 0.8))
  check(kept_min >= pruned_max, "global magnitude order")
  -- PyTorch's init scales weights by 1/√fan_in, so the widest layer (fc1) is pruned most.
  check(per_layer["fc1.weight"] > per_layer["conv1.weight"], "layers end with different sparsities")
end)

test("skip_last and layers choose what is pruned", function()
  local m = prune.magnitude(models.convnet{seed = 1}, 0.5, {skip_last = false})
  check_eq(H.zeros(m:parameters()["fc3.weight"]), 960)
  local l = prune.magnitude(models.convnet{seed = 1}, 0.5, {layers = {"conv2", "fc3"}})
  local names = {}
  for name in pairs(l:masks()) do names[#names + 1] = name end
  check_eq(table.concat(names, " "), "conv2.weight fc3.weight")
  -- A bias is pruned only when named.
  local b = prune.magnitude(models.convnet{seed = 1}, 0.5, {layers = {"fc1.bias"}})
  check_eq(H.zeros(b:parameters()["fc1.bias"]), 192)
  check_eq(b:masks()["fc1.weight"], nil)
end)

test("pruning to a higher target only adds to the mask; a lower one changes nothing", function()
  local m = prune.magnitude(models.convnet{seed = 5}, 0.5)
  local first = m:masks()
  prune.magnitude(m, 0.8)
  local second = m:masks()
  for name, mask in pairs(second) do
    check_eq((mask - first[name]):max(), 0, name .. ": nothing un-pruned")
    check_eq(mask:numel() - math.floor(mask:sum()), H.expected_zeros(mask:numel(), 0.8), name)
  end
  prune.magnitude(m, 0.3)
  for name, mask in pairs(m:masks()) do check(H.same(mask, second[name]), name .. " unchanged by a lower target") end
  -- Magnitude pruning on top of a random mask keeps the random zeros.
  local r = prune.random(models.convnet{seed = 5}, 0.5, {seed = 9})
  local rm = r:masks()
  prune.magnitude(r, 0.7)
  for name, mask in pairs(r:masks()) do
    check_eq((mask - rm[name]):max(), 0, name)
    check_eq(mask:numel() - math.floor(mask:sum()), H.expected_zeros(mask:numel(), 0.7), name)
  end
end)

test("random pruning: the same counts; the same seed gives the same mask, another seed another", function()
  local a = prune.random(models.convnet{seed = 1}, 0.75, {seed = 3})
  local b = prune.random(models.convnet{seed = 2}, 0.75, {seed = 3})
  local c = prune.random(models.convnet{seed = 1}, 0.75, {seed = 4})
  local mag = prune.magnitude(models.convnet{seed = 1}, 0.75)
  local ma, mb, mc = a:masks(), b:masks(), c:masks()
  for name, mask in pairs(ma) do
    check_eq(mask:numel() - math.floor(mask:sum()), H.expected_zeros(mask:numel(), 0.75), name)
    check(H.same(mask, mb[name]), name .. ": same seed, same mask (whatever the weights)")
    check(not H.same(mask, mc[name]), name .. ": another seed, another mask")
    check(not H.same(mask, mag:masks()[name]), name .. ": not the magnitude mask")
  end
  check_eq(ma["fc3.weight"], nil)
  -- Global scope: the total count over the selected weights.
  local g = prune.random(models.convnet{seed = 1}, 0.75, {seed = 3, scope = "global"})
  local zeros, total = 0, 0
  for _, mask in pairs(g:masks()) do zeros = zeros + mask:numel() - mask:sum(); total = total + mask:numel() end
  check_eq(math.floor(zeros), H.expected_zeros(total, 0.75))
end)

test("masks, set_masks, remove and sparsity", function()
  local m = H.mlp(1)
  check(next(m:masks()) == nil, "a dense model has no masks")
  local mask = tensor.ones(5, 4)
  mask[1][1] = 0; mask[2][3] = 0; mask[5][4] = 0
  check_eq(prune.set_masks(m, {["fc1.weight"] = mask}), m, "returns the model")
  local w = m:parameters()["fc1.weight"]
  check_eq(w[1][1], 0); check_eq(w[2][3], 0); check_eq(w[5][4], 0)
  check_eq(H.zeros(w), 3)
  check(H.same(m:masks()["fc1.weight"], mask))
  -- masks() returns copies.
  m:masks()["fc1.weight"]:fill(0)
  check_eq(math.floor(m:masks()["fc1.weight"]:sum()), 17)
  local s = m:sparsity()
  check_eq(#s, 2)
  check_eq(s[1].name, "fc1"); check_eq(s[1].parameter, "fc1.weight")
  check_eq(s[1].weights, 20); check_eq(s[1].zeros, 3); check_eq(s[1].masked, 3); check_near(s[1].sparsity, 0.15)
  check_eq(s[2].zeros, 0); check_eq(s.total.weights, 30); check_near(s.sparsity, 0.1)
  check_table_near(s.values, {0.15, 0}, 1e-15)
  local text = tostring(s)
  check(text:find("fc1", 1, true) and text:find("15.00%", 1, true) and text:find("total", 1, true), text)
  check_eq(prune.sparsity(m).total.zeros, 3, "prune.sparsity(m) is m:sparsity()")
  check_eq(prune.masks(m)["fc1.weight"]:sum(), 17.0)
  -- remove: zeros stay, masks go, and training may change them again.
  check_eq(prune.remove(m), m)
  check(next(m:masks()) == nil)
  check_eq(m:sparsity()[1].zeros, 3)
  check_eq(m:sparsity()[1].masked, 0)
end)

test("overlap: Jaccard of kept weights, per layer and in total", function()
  local a, b = H.mlp(1), H.mlp(1)
  local ma, mb = tensor.ones(5, 4), tensor.ones(5, 4)
  -- a prunes entries 1..10, b prunes 6..15 (row-major): kept a = 11..20, kept b = 1..5, 16..20.
  for i = 1, 10 do ma[(i - 1) // 4 + 1][(i - 1) % 4 + 1] = 0 end
  for i = 6, 15 do mb[(i - 1) // 4 + 1][(i - 1) % 4 + 1] = 0 end
  prune.set_masks(a, {["fc1.weight"] = ma}); prune.set_masks(b, {["fc1.weight"] = mb})
  local o = prune.overlap(a, b)
  check_eq(#o, 2)
  check_eq(o[1].name, "fc1"); check_eq(o[1].kept1, 10); check_eq(o[1].kept2, 10)
  check_eq(o[1].intersection, 5); check_eq(o[1].union, 15); check_near(o[1].jaccard, 1 / 3)
  check_near(o[2].jaccard, 1, 0, "dense fc2: all kept in both")
  check_eq(o.total.intersection, 15); check_eq(o.total.union, 25); check_near(o.jaccard, 15 / 25)
  check_table_near(o.values, {1 / 3, 1}, 1e-15)
  check(tostring(o):find("jaccard", 1, true))
  check_near(prune.overlap(a, a:clone()).jaccard, 1, 0)
  -- Two random masks keeping q = 0.25 overlap by about q / (2 - q) = 1/7.
  local r1 = prune.random(models.convnet{seed = 1}, 0.75, {seed = 1})
  local r2 = prune.random(models.convnet{seed = 1}, 0.75, {seed = 2})
  check_near(prune.overlap(r1, r2)[3].jaccard, 1 / 7, 0.01, "fc1 (1.2M weights)")
end)

test("the final classifier is the last prunable tensor (ResNet: fc; VGG: fc2)", function()
  local r = prune.magnitude(models.resnet{depth = 18, width = 0.125, input = {3, 32, 32}}, 0.5)
  local masks = r:masks()
  check_eq(masks["fc.weight"], nil)
  check(masks["conv1.weight"] ~= nil and masks["layer2.0.downsample.0.weight"] ~= nil)
  check_eq(masks["layer1.0.bn1.weight"], nil, "BatchNorm is not pruned")
  -- A container selects every prunable tensor inside it.
  local l4 = prune.magnitude(models.resnet{depth = 18, width = 0.125, input = {3, 32, 32}}, 0.5, {layers = {"layer4"}})
  local names = {}
  for name in pairs(l4:masks()) do names[#names + 1] = name end
  check_eq(table.concat(names, " "), "layer4.0.conv1.weight layer4.0.conv2.weight layer4.0.downsample.0.weight layer4.1.conv1.weight layer4.1.conv2.weight")
  local v = prune.magnitude(models.vgg{depth = 11, width = 0.125}, 0.5)
  check_eq(v:masks()["fc2.weight"], nil); check(v:masks()["fc1.weight"] ~= nil)
end)
