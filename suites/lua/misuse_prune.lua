-- prune and the model-comparison functions of sim: every bad input gives a clean error naming
-- the function, what was expected and what was given; the models survive intact.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local H = dofile(here .. "prune_helpers.lua")

local m = H.mlp(1)
local conv = models.convnet{seed = 1}
local ds = H.fashion(16)
local t = train.sgd{batch = 8, epochs = 1}

test("prune.magnitude / prune.random: sparsity outside [0, 1), NaN, wrong types", function()
  for _, name in ipairs({"magnitude", "random"}) do
    local f, fn = prune[name], "prune." .. name
    for _, bad in ipairs({1, 1.5, -0.1, 0 / 0, math.huge, -math.huge}) do
      check_error(function() f(m:clone(), bad) end, fn, "argument 2 (sparsity): expected a fraction of zeros in [0, 1)")
    end
    check_error(function() f(m:clone()) end, fn, "argument 2 (sparsity)", "got no value")
    check_error(function() f(m:clone(), "0.5") end, fn, "argument 2 (sparsity)", "got string")
    check_error(function() f(nil, 0.5) end, fn, "argument 1 (m): expected a model, got nil")
    check_error(function() f(tensor.ones(3), 0.5) end, fn, "argument 1 (m): expected a model, got tensor")
    check_error(function() f(m:clone(), 0.5, 3) end, fn, "argument 3 (options)")
    check_error(function() f(m:clone(), 0.5, {scope = "model"}) end, fn, "option 'scope'", "\"layer\", \"global\"")
    check_error(function() f(m:clone(), 0.5, {sparsity = 0.5}) end, fn, "unknown option 'sparsity'")
    check_error(function() f(m:clone(), 0.5, {skip_last = "yes"}) end, fn, "option 'skip_last': expected a boolean")
    check_error(function() f(m:clone(), 0.5, {layers = {"fc9"}}) end, fn, "layer \"fc9\"", "no such layer or parameter", "fc1")
    check_error(function() f(m:clone(), 0.5, {layers = {"relu1"}}) end, fn, "layer \"relu1\"", "a layer without convolution or linear weights")
    check_error(function() f(m:clone(), 0.5, {layers = {}}) end, fn, "option 'layers'")
    check_error(function() f(m:clone(), 0.5, {layers = {1, 2}}) end, fn, "option 'layers'")
    check_error(function() f(m:clone(), 0.5, {layers = 7}) end, fn, "option 'layers'")
    check_error(function() f(m:clone(), 0.5, {layers = {"fc2"}, skip_last = true}) end, fn, "skip_last = true", "fc2.weight")
    check_error(function() f(m:clone(), 0.5, {}, 1) end, fn, "at most 3 arguments")
    check_error(function() f(nn.ReLU(), 0.5) end, fn, "without prunable weights")
    check_error(function() f(nn.Linear(3, 2), 0.5) end, fn, "nothing to prune", "skip_last = false")
  end
  check_error(function() prune.random(m:clone(), 0.5, {seed = "x"}) end, "prune.random", "option 'seed'")
  check_error(function() prune.random(m:clone(), 0.5, {seed = 1.5}) end, "prune.random", "option 'seed'")
end)

test("magnitude pruning of NaN weights is an error that leaves the model as it was", function()
  local bad = H.mlp(2)
  local w = bad:parameters()["fc1.weight"]
  w[2][2] = 0 / 0
  check_error(function() prune.magnitude(bad, 0.5) end, "prune.magnitude", "fc1.weight has 1 NaN weight", "finite")
  check(next(bad:masks()) == nil, "no mask installed")
  check_eq(H.zeros(bad:parameters()["fc1.weight"]), 0)
end)

test("prune.set_masks: unknown names, wrong shapes, values other than 0 and 1, wrong types", function()
  local fn = "prune.set_masks"
  check_error(function() prune.set_masks(m:clone()) end, fn, "argument 2 (masks): expected a table")
  check_error(function() prune.set_masks(m:clone(), tensor.ones(5, 4)) end, fn, "argument 2 (masks): expected a table")
  check_error(function() prune.set_masks(m:clone(), {["fc9.weight"] = tensor.ones(5, 4)}) end, fn, "mask \"fc9.weight\"", "no such parameter")
  check_error(function() prune.set_masks(m:clone(), {["fc1.weight"] = tensor.ones(4, 5)}) end, fn, "shape 5×4", "shape 4×5")
  check_error(function() prune.set_masks(m:clone(), {["fc1.weight"] = tensor.full({5, 4}, 0.5)}) end, fn, "only 0 (pruned) and 1 (kept)", "20 other values")
  local nan = tensor.ones(5, 4); nan[1][1] = 0 / 0
  check_error(function() prune.set_masks(m:clone(), {["fc1.weight"] = nan}) end, fn, "1 other value")
  check_error(function() prune.set_masks(m:clone(), {["fc1.weight"] = {1, 0}}) end, fn, "entry 'fc1.weight' is table", "expected a tensor")
  check_error(function() prune.set_masks(m:clone(), {tensor.ones(5, 4)}) end, fn, "the key number 1")
  check_error(function() prune.set_masks(5, {}) end, fn, "argument 1 (m): expected a model")
  -- Nothing is installed when one mask of several is bad.
  local c = m:clone()
  check_error(function() prune.set_masks(c, {["fc1.weight"] = tensor.zeros(5, 4), ["fc2.weight"] = tensor.ones(3, 3)}) end, fn, "fc2.weight")
  check(next(c:masks()) == nil)
end)

test("prune.remove, prune.masks, prune.sparsity, m:masks(), m:sparsity(): wrong arguments", function()
  check_error(function() prune.remove() end, "prune.remove", "argument 1 (m): expected a model, got no value")
  check_error(function() prune.remove(m, 1) end, "prune.remove", "at most 1 argument")
  check_error(function() prune.masks("m") end, "prune.masks", "argument 1 (m): expected a model")
  check_error(function() prune.sparsity({}) end, "prune.sparsity", "argument 1 (m): expected a model")
  check_error(function() m:masks(1) end, "masks", "at most 1 argument")
  check_error(function() m:sparsity(1) end, "sparsity", "at most 1 argument")
  local s = m:sparsity()
  check_eq(s[0], nil); check_eq(s[99], nil); check_eq(s.nothing, nil)
end)

test("prune.reinit and prune.rewind: bad options, bad snapshots, mismatched architectures", function()
  check_error(function() prune.reinit() end, "prune.reinit", "argument 1 (m): expected a model")
  check_error(function() prune.reinit(m:clone(), {seed = "s"}) end, "prune.reinit", "option 'seed'")
  check_error(function() prune.reinit(m:clone(), {init = "xavier"}) end, "prune.reinit", "option 'init'")
  check_error(function() prune.reinit(m:clone(), {sed = 1}) end, "prune.reinit", "unknown option 'sed'")
  check_error(function() prune.reinit(m:clone(), 3) end, "prune.reinit", "argument 2 (options)")
  check_error(function() prune.rewind(m:clone()) end, "prune.rewind", "argument 2 (snapshot): expected a model", "got no value")
  check_error(function() prune.rewind(m:clone(), "no/such/snap.safetensors") end, "prune.rewind", "argument 2 (snapshot): no/such/snap.safetensors")
  local plain = os.tmpname()
  tensor.save(plain .. ".safetensors", {x = tensor.ones(2)})
  check_error(function() prune.rewind(m:clone(), plain .. ".safetensors") end, "prune.rewind", "argument 2 (snapshot)", "not a prunelab model checkpoint")
  os.remove(plain .. ".safetensors"); os.remove(plain)
  local other = os.tmpname() .. ".safetensors"
  conv:save(other)
  check_error(function() prune.rewind(m:clone(), other) end, "prune.rewind", "snapshot: expected the same architecture")
  os.remove(other)
  check_error(function() prune.rewind(m:clone(), tensor.ones(2)) end, "prune.rewind", "argument 2 (snapshot): expected a model (e.g. a clone taken earlier) or the path of a checkpoint, got tensor")
  check_error(function() prune.rewind(m:clone(), conv) end, "prune.rewind", "snapshot: expected the same architecture", "convnet")
  check_error(function() prune.rewind(H.mlp(1), nn.Sequential{nn.Linear(4, 6), nn.ReLU(), nn.Linear(6, 2), input = {4}}) end,
              "prune.rewind", "fc1.weight is 6×4 instead of 5×4")
  check_error(function() prune.rewind(m:clone(), m, 1) end, "prune.rewind", "at most 2 arguments")
end)

test("prune.iterative: bad targets, trainer, dataset, options", function()
  local fn = "prune.iterative"
  check_error(function() prune.iterative(m:clone(), {}, t, ds) end, fn, "argument 2 (targets)", "non-empty list")
  check_error(function() prune.iterative(m:clone(), {0.5, 1}, t, ds) end, fn, "entry 2 is number 1")
  check_error(function() prune.iterative(m:clone(), {0.5, 0 / 0}, t, ds) end, fn, "entry 2 is")
  check_error(function() prune.iterative(m:clone(), {0.5, "x"}, t, ds) end, fn, "entry 2 is string")
  check_error(function() prune.iterative(m:clone(), 1.2, t, ds) end, fn, "argument 2 (targets)")
  check_error(function() prune.iterative(m:clone(), {0.6, 0.4}, t, ds) end, fn, "increasing sparsities", "0.4 after 0.6")
  check_error(function() prune.iterative(m:clone(), {0.5}, {}, ds) end, fn, "argument 3 (trainer): expected a trainer")
  check_error(function() prune.iterative(m:clone(), {0.5}, t, tensor.ones(3)) end, fn, "argument 4 (train_ds): expected a dataset")
  check_error(function() prune.iterative(m:clone(), {0.5}, t, ds) end, fn, "samples of shape 4")
  check_error(function() prune.iterative(conv:clone(), {0.5}, t, ds, {epochs = 0}) end, fn, "option 'epochs'")
  check_error(function() prune.iterative(conv:clone(), {0.5}, t, ds, {val = tensor.ones(2)}) end, fn, "option 'val': expected a dataset")
  check_error(function() prune.iterative(conv:clone(), {0.5}, t, ds, {on_step = 3}) end, fn, "option 'on_step': expected a function")
  check_error(function() prune.iterative(conv:clone(), {0.5}, t, ds, {every = 3}) end, fn, "unknown option 'every'")
  check_error(function() prune.iterative(H.tiny(1), {0.5}, t, ds, {progress = false, on_step = function() error("stop here") end}) end,
              "stop here")
end)

test("prune.overlap: mismatched architectures and wrong types", function()
  check_error(function() prune.overlap(m) end, "prune.overlap", "argument 2 (m2): expected a model")
  check_error(function() prune.overlap(m, conv) end, "prune.overlap", "second model: expected the same architecture")
  check_error(function() prune.overlap(m, m, m) end, "prune.overlap", "at most 2 arguments")
end)

local probe = data.fashion_mnist().test:subset(1, 24):normalize(0.286, 0.353)
local tiny = H.tiny(1)

test("sim.layers / sim.pairwise / sim.over_time: mismatched architectures, bad probes, bad options", function()
  local variants = {
    ["sim.layers"] = function(a, b, ...) return sim.layers(a, b, ...) end,
    ["sim.pairwise"] = function(a, b, ...) return sim.pairwise(a, b, ...) end,
    ["sim.over_time"] = function(a, b, ...) return sim.over_time({b}, a, ...) end,
  }
  for fn, f in pairs(variants) do
    check_error(function() f(tiny, tiny, nil) end, fn, "argument 3 (probe): expected a tensor of samples (N×input shape) or a dataset, got nil")
    check_error(function() f(tiny, tiny, "probe") end, fn, "argument 3 (probe)")
    check_error(function() f(tiny, tiny, tensor.zeros(0, 1, 28, 28)) end, fn, "probe: expected at least one sample")
    check_error(function() f(tiny, tiny, tensor.zeros(5)) end, fn, "probe: expected a batch of samples")
    check_error(function() f(tiny, tiny, tensor.zeros(4, 3, 32, 32)) end, fn, "samples of shape 1×28×28", "3×32×32")
    check_error(function() f(tiny, tiny, data.fashion_mnist().test:subset(1, 0)) end, fn)
    check_error(function() f(tiny, tiny, probe, 3) end, fn, "argument 4 (options)")
    check_error(function() f(tiny, tiny, probe, {bogus = 1}) end, fn, "unknown option 'bogus'")
    check_error(function() f(tiny, tiny, probe, {measure = "mmd"}) end, fn, "option 'measure'")
    check_error(function() f(tiny, tiny, probe, {measure = "cka", kernel = "rbf"}) end, fn, "only linear CKA")
    check_error(function() f(tiny, tiny, probe, {measure = "cca", dims = 3}) end, fn, "option 'dims' does not apply to cca")
    check_error(function() f(tiny, tiny, probe, {variance = 2}) end, fn, "option 'variance': expected a fraction in (0, 1]")
    check_error(function() f(tiny, tiny, probe, {dims = 3, variance = 0.9}) end, fn, "give one of the options dims, variance, energy")
    check_error(function() f(tiny, tiny, probe, {conv = "max"}) end, fn, "option 'conv'")
    check_error(function() f(tiny, tiny, probe, {layers = {"conv9"}}) end, fn, "layer \"conv9\"", "no such layer")
    check_error(function() f(tiny, tiny, probe, {layers = {}}) end, fn, "option 'layers'")
    check_error(function() f(tiny, tiny, probe, {layers = {"conv1", "conv1"}}) end, fn, "each layer once")
    check_error(function() f(tiny, tiny, probe, {max_datapoints = 1}) end, fn, "option 'max_datapoints'")
    check_error(function() f(tiny, tiny, probe, {max_datapoints = 0 / 0}) end, fn, "option 'max_datapoints'")
    check_error(function() f(tiny, tiny, probe, {batch = 0}) end, fn, "option 'batch'")
    check_error(function() f(tiny, tiny, probe, {}, 5) end, fn, "at most 4 arguments")
    check_error(function() f(tiny, tiny, probe:subset(1, 5), {layers = {"fc1"}}) end, fn, "fc1 has 10 neurons but only 5 datapoints", "larger probe")
    check_error(function() f(tiny, tiny, probe:subset(1, 1), {layers = {"fc1"}, measure = "cka"}) end, fn, "at least 2")
  end
end)

test("sim.layers and sim.over_time need one architecture; sim.pairwise needs one input shape", function()
  check_error(function() sim.layers(tiny, conv, probe) end, "sim.layers", "mismatched architectures", "convnet")
  check_error(function() sim.over_time({tiny, conv}, tiny, probe) end, "sim.over_time", "mismatched architectures", "model 2")
  local wider = nn.Sequential{nn.Conv2d(1, 6, 5, {stride = 3}), nn.BatchNorm2d(6), nn.ReLU(), nn.Flatten(), nn.Linear(6 * 8 * 8, 10), input = {1, 28, 28}}
  check_error(function() sim.layers(tiny, wider, probe) end, "sim.layers", "mismatched architectures", "layer conv1 gives 4×8×8", "6×8×8")
  check_error(function() sim.layers(tiny, wider, probe, {layers = {"relu1"}}) end, "sim.layers", "layer relu1 gives 4×8×8")
  check_error(function() sim.layers(tiny, tiny, probe, {layers = {"flatten1"}, measure = "cca"}) end, "sim.layers", "256 neurons but only 24 datapoints")
  check_error(function() sim.over_time({}, tiny, probe) end, "sim.over_time", "argument 1 (snapshots): expected a non-empty list of models")
  check_error(function() sim.over_time({tiny, 3}, tiny, probe) end, "sim.over_time", "entry 2 is number 3")
  check_error(function() sim.over_time(tiny, tiny, probe) end, "sim.over_time", "argument 1 (snapshots)")
  check_error(function() sim.pairwise(tiny, models.mlp{input = 784, hidden = {8}}, probe) end, "sim.pairwise", "samples of shape 784")
  check_error(function() sim.pairwise(tiny, tiny, probe, {conv = "flatten"}) end, "sim.pairwise", "conv = \"flatten\" gives conv1 1536 datapoints but fc1 24", "conv = \"mean\"")
  -- Different architectures with one input shape are fine for pairwise.
  local M = sim.pairwise(tiny, wider, probe, {layers = {"conv1", "relu1"}, measure = "cka"})
  check_eq(M:shape()[1], 2)
end)
