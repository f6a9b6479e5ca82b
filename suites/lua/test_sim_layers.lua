-- sim.layers, sim.pairwise, sim.over_time: comparing models layer by layer on a probe set.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local H = dofile(here .. "prune_helpers.lua")

local probe = data.fashion_mnist().test:subset(1, 64):normalize(0.286, 0.353)
local base = H.tiny(1)
train.sgd{lr = 0.05, batch = 16, epochs = 1, seed = 1}:fit(base, H.fashion(96), {progress = false})
local pruned = prune.magnitude(base:clone(), 0.7, {skip_last = false})

test("a model against its clone is 1 on every layer", function()
  local s = sim.layers(base, base:clone(), probe)
  check_eq(#s, 4)
  check_eq(table.concat(s.names, " "), "conv1 bn1 relu1 fc1", "the recorded layers (flatten left out)")
  for i = 1, #s do check_near(s[i].value, 1, 1e-6, s[i].name) end
  check_eq(s.measure, "svcca(variance=0.99)")
  check_eq(s[1].datapoints, 64 * 8 * 8, "conv flatten: N·H·W"); check_eq(s[4].datapoints, 64)
  check_eq(s[1].neurons1, 4); check_eq(s[4].neurons2, 10)
  check_eq(s[1].result.k1, s[1].k1)
  check_eq(s.values:shape()[1], 4); check_eq(s.probe, 64)
  check_near(s.mean, 1, 1e-6)
  local text = tostring(s)
  check(text:find("conv1", 1, true) and text:find("1.0000", 1, true) and text:find("svcca", 1, true), text)
  -- The same model object twice.
  for i = 1, #s do check_near(sim.layers(base, base, probe)[i].value, 1, 1e-6) end
end)

test("sim.layers equals the full-matrix measure on recorded activations", function()
  local s = sim.layers(base, pruned, probe)
  local ra, rb = base:record(probe), pruned:record(probe)
  for i = 1, #s do
    local name = s[i].name
    local full = sim.svcca(ra[name], rb[name])
    check_near(s[i].value, full.value, 1e-8, name)
    check_eq(s[i].k1, full.k1, name); check_eq(s[i].k2, full.k2, name)
  end
  check(s[1].value < 1 - 1e-6, "pruning changed conv1")
  -- Other measures and conv = "mean".
  local c = sim.layers(base, pruned, probe, {measure = "cka", conv = "mean"})
  local ma, mb = base:record(probe, {conv = "mean"}), pruned:record(probe, {conv = "mean"})
  for i = 1, #c do check_near(c[i].value, sim.cka(ma[c[i].name], mb[c[i].name]).value, 1e-8, c[i].name) end
  check_eq(c[1].datapoints, 64)
  local p = sim.layers(base, pruned, probe, {measure = "pwcca", layers = {"conv1"}})
  check_eq(#p, 1); check_near(p[1].value, sim.pwcca(ra.conv1, rb.conv1).value, 1e-8)
  check(tostring(p):find("^pwcca per layer on %d+ probe samples %(signs fixed: largest |coefficient| of each direction positive; "
                         .. "Google's compute_pwcca keeps LAPACK's and differs on uncentred data; 1 = identical%); conv layers: flatten [^\n]+\n") ~= nil, tostring(p))
  check(tostring(c):find("^cka%(linear%) per layer on %d+ probe samples %(1 = identical%); conv layers: mean [^\n]+\n") ~= nil, tostring(c))
  local d = sim.layers(base, pruned, probe, {dims = 3, layers = "relu1"})
  check_near(d[1].value, sim.svcca(ra.relu1, rb.relu1, {dims = 3}).value, 1e-8)
end)

test("streaming: the result does not depend on the probe batch size", function()
  -- Two sources of difference between probe batch sizes, checked separately.
  -- 1. Streaming itself: sim.layers cuts the N probe samples into ceil(N / batch) forward
  --    batches of one size and accumulates Float64 statistics batch by batch. On the same
  --    activations it equals the full-matrix measure up to Float64 rounding, whatever the batch.
  -- 2. The forward pass: OpenBLAS's sgemm blocks its sums by the matrix sizes, so a Linear
  --    layer's row is not bit-identical across batch sizes on every kernel set (on Haswell/Zen
  --    kernels only some batch sizes agree). Each value is a Float32 dot product of K terms
  --    added to the bias, so |fl(y) - y| <= γ_K |x|·|w| + u|y| with γ_K = K·u/(1 - K·u),
  --    u = 2^-24 (Higham, Accuracy and Stability of Numerical Algorithms, §3.1): two batch sizes
  --    differ by at most twice that. The similarity inherits that difference, amplified by the
  --    conditioning of the layer (here fc1 keeps 7 directions of 10 neurons on 64 datapoints):
  --    the values across batch sizes are therefore held to the rounding bound on the
  --    activations, and to each other only loosely (1e-5, about 100× the observed spread).
  local K, u = 4 * 8 * 8, 2 ^ -24     -- fc1's fan-in (H.tiny)
  local gamma = K * u / (1 - K * u)
  local reference = {base = base:record(probe, {batch = 64}), pruned = pruned:record(probe, {batch = 64})}
  local whole = sim.layers(base, pruned, probe, {batch = 64})
  -- batch option → the forward batch sim.layers uses for 64 samples (ceil(64 / ceil(64 / b))).
  for b, forward in pairs({[8] = 8, [17] = 16, [63] = 32, [64] = 64}) do
    local s = sim.layers(base, pruned, probe, {batch = b})
    local acts = {base = base:record(probe, {batch = forward}), pruned = pruned:record(probe, {batch = forward})}
    for i = 1, #s do
      local full = sim.svcca(acts.base[s[i].name], acts.pruned[s[i].name])
      check_near(s[i].value, full.value, 1e-10, s[i].name .. " streamed in batches of " .. forward)
      check_near(s[i].value, whole[i].value, 1e-5, s[i].name .. " with batch " .. b .. " against 64")
    end
    for name, model in pairs({base = base, pruned = pruned}) do
      local a = acts[name]
      -- fc1's input, datapoints × K: relu1 is recorded as C × (N·H·W) and flattened per datapoint as C·H·W.
      local C = a.relu1:shape()[1]
      local input = a.relu1:reshape(C, #probe, K // C):permute(2, 1, 3):contiguous():reshape(#probe, K)
      local weight = model:parameters()["fc1.weight"]
      local bound = (input:abs():matmul(weight:abs():t()) * (2 * gamma) + a.fc1:abs():t() * (2 * u)):t()
      local diff = (a.fc1 - reference[name].fc1):abs()
      check((diff - bound):max() <= 0, string.format("%s fc1 in batches of %d: |Δ| = %.3g exceeds the rounding bound", name, forward, diff:max()))
    end
  end
end)

test("max_datapoints keeps exactly k datapoints, the same ones whatever the batch size", function()
  local a = sim.layers(base, pruned, probe, {max_datapoints = 500, batch = 64})
  local b = sim.layers(base, pruned, probe, {max_datapoints = 500, batch = 9})
  check_eq(a[1].datapoints, 500); check_eq(a[4].datapoints, 64, "fc1 has only 64")
  for i = 1, #a do check_near(b[i].value, a[i].value, 1e-7, a[i].name) end
  local other = sim.layers(base, pruned, probe, {max_datapoints = 500, seed = 2})
  check(other[1].value ~= a[1].value, "another sampling seed, another subset")
  check_near(sim.layers(base, base:clone(), probe, {max_datapoints = 100})[1].value, 1, 1e-6)
end)

test("pairwise: layer × layer matrix with names; its diagonal is sim.layers", function()
  local M, rows, cols = sim.pairwise(base, pruned, probe)
  check_eq(M:shape()[1], 4); check_eq(M:shape()[2], 4)
  check_eq(table.concat(rows, " "), "conv1 bn1 relu1 fc1"); check_eq(table.concat(cols, " "), "conv1 bn1 relu1 fc1")
  local diag = sim.layers(base, pruned, probe, {conv = "mean"})
  for i = 1, 4 do check_near(M[i][i], diag[i].value, 1e-7, rows[i]) end
  local S = sim.pairwise(base, base, probe)
  for i = 1, 4 do check_near(S[i][i], 1, 1e-6) end
  check_near(S[1][2], S[2][1], 1e-7, "symmetric for one model")
  -- conv1 and its BatchNorm are an invertible per-channel affine map apart: CCA 1.
  local C = sim.pairwise(base, base, probe, {measure = "cca"})
  check_near(C[1][2], 1, 1e-6)
  check(C[1][4] < 0.999, "conv1 and fc1 differ")
  -- flatten works when the layers share a spatial size.
  local F = sim.pairwise(base, pruned, probe, {conv = "flatten", layers = {"conv1", "relu1"}})
  check_near(F[1][1], sim.layers(base, pruned, probe)[1].value, 1e-7)
end)

test("over_time: layers × snapshots against a reference", function()
  local snaps = {}
  local m = pruned:clone()
  train.sgd{lr = 0.05, batch = 16, epochs = 3, seed = 2}:fit(m, H.fashion(64), {progress = false,
    on_epoch = function() snaps[#snaps + 1] = m:clone() end})
  snaps[#snaps + 1] = pruned:clone()
  local T, names = sim.over_time(snaps, pruned, probe)
  check_eq(T:shape()[1], 4); check_eq(T:shape()[2], 4)
  check_eq(table.concat(names, " "), "conv1 bn1 relu1 fc1")
  for i = 1, 4 do check_near(T[i][4], 1, 1e-6, "the reference's own clone") end
  for j = 1, 3 do
    local s = sim.layers(pruned, snaps[j], probe)
    for i = 1, 4 do check_near(T[i][j], s[i].value, 1e-7, names[i] .. " at epoch " .. j) end
  end
end)

test("probes as tensors; larger models", function()
  local x = H.rand({40, 1, 28, 28}, 3)
  local s = sim.layers(base, base:clone(), x)
  for i = 1, #s do check_near(s[i].value, 1, 1e-6) end
  local r = models.resnet{depth = 18, width = 0.0625, input = {1, 16, 16}, classes = 4}
  local rs = sim.layers(r, r:clone(), H.rand({40, 1, 16, 16}, 4), {conv = "mean", measure = "cka"})
  check(#rs > 40, "every recorded ResNet layer: BatchNorm outputs and residual additions included")
  local has_add = false
  for i = 1, #rs do
    check_near(rs[i].value, 1, 1e-6, rs[i].name)
    if rs[i].name == "layer2.0.add" then has_add = true end
  end
  check(has_add)
end)
