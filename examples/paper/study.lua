-- "Is Pruning Compression?" (Blakeney, Yan & Zong, WACV 2020), §4, as a resumable sweep.
--
--   examples/paper/run quick            -- or: PAPER_PRESET=quick prunelab sweep run examples/paper/study.lua --out results/quick/sweep
--
-- Stages, per preset and seed (every model of a seed sees the same images in the same order:
-- one trainer seed, data.epoch_order(count, batch, {seed = seed}), and the same recipe):
--   baseline   a dense model trained from init seed `seed`; its self-similarity (a check: 1)
--   main       for every method and sparsity (30/45/60/75/90%):
--                magnitude  layer-wise single-shot magnitude pruning, classifier dense, retrained
--                           (at the top sparsity: SVCCA after every retraining epoch, Figure 3)
--                reinit     the same masks, fresh weights (seed + 1), the baseline's budget (§4.2)
--                random     random masks with the same per-layer counts, fresh weights (§4.3)
--   control    a dense model trained from a fresh init (seed + 1): how low "low similarity" is
--   iterative  magnitude pruning 60 → 70 → 80 → 90%, retraining after each step (Table 3, Fig. 4)
-- (iterative, control and main each read only their seed's baseline, named in `reads`, so all
-- three start as soon as it is done: on Slurm the longest chain is a baseline then the iterative
-- chain, 10 + 12 epochs in the vgg16/resnet34 presets. They are listed longest job first, the
-- order in which the local backend starts ready jobs, so that no long job is left to run alone
-- at the end.)
-- Each stage's `cost` is its jobs' training epochs, so that the sweep's time estimates scale the
-- first finished jobs (a baseline) to the others before a job of each kind has finished.
-- Every trained model is compared layer by layer with its seed's baseline: SVCCA keeping 99% of
-- the variance, on a fixed probe set (test images not used for accuracy).
--
-- The recipe (chosen with examples/paper/recipe.lua; numbers in examples/paper/README.md):
-- He-normal init scaled to each layer's density (fresh sparse weights: std √(2/(density·fan_in))),
-- SGD lr 0.05 with one epoch of linear warm-up, momentum 0.9, weight decay 5e-4,
-- batch 128 — the same for every method and every training, retraining included.
--
-- Presets (PAPER_PRESET; default quick): see `presets` below. PAPER_SEEDS=n overrides the number
-- of seeds, PAPER_MODEL the model (convnet, vgg16, resnet34: e.g. tiny with vgg16 in CI), PAPER_WIDTH the width of vgg16/resnet34, PAPER_CIFAR=<cifar-10-batches-bin folder>
-- trains vgg16/resnet34 on CIFAR-10 instead of Fashion-MNIST padded to 32×32.
-- examples/paper/report.lua writes the tables, figures and RESULTS.md from the sweep.

local presets = {
  -- CI: the whole pipeline in seconds (numbers mean nothing at this scale).
  tiny = {model = "convnet", train = 256, test = 128, probe = 500, epochs = 1, retrain = 1, seeds = 1,
          sparsities = {0.5, 0.9}, iterative = {0.6, 0.9}, max_datapoints = 4000},
  -- The demo: under 5 minutes on 2 cores (237 s on a Zen 3). Three of the paper's sparsities, not
  -- five, with 4,000 images: at 2,500 images and all five (256 s) the 1-epoch retraining leaves the
  -- 90%-pruned model at 58% and finding 3 no longer shows. The convnet preset runs all five.
  quick = {model = "convnet", train = 4000, test = 1000, probe = 2000, epochs = 3, retrain = 1, seeds = 1,
           sparsities = {0.30, 0.60, 0.90}, iterative = {0.6, 0.7, 0.8, 0.9}, max_datapoints = 20000},
  -- The full ConvNet study: 3 seeds, 20,000 training images (as the PyTorch reference run).
  convnet = {model = "convnet", train = 20000, test = 5000, probe = 2500, epochs = 3, retrain = 2, seeds = 3,
             sparsities = {0.30, 0.45, 0.60, 0.75, 0.90}, iterative = {0.6, 0.7, 0.8, 0.9}, max_datapoints = 40000},
  vgg16 = {model = "vgg16", train = 50000, test = 5000, probe = 2500, epochs = 10, retrain = 3, seeds = 3, width = 0.25,
           sparsities = {0.30, 0.45, 0.60, 0.75, 0.90}, iterative = {0.6, 0.7, 0.8, 0.9}, max_datapoints = 40000},
  resnet34 = {model = "resnet34", train = 50000, test = 5000, probe = 2500, epochs = 10, retrain = 3, seeds = 3, width = 0.25,
              sparsities = {0.30, 0.45, 0.60, 0.75, 0.90}, iterative = {0.6, 0.7, 0.8, 0.9}, max_datapoints = 40000},
}
local recipe = {lr = 0.05, momentum = 0.9, weight_decay = 5e-4, batch = 128, warmup = 1, init = "he", density_scaled = true}

local name = os.getenv("PAPER_PRESET")
if name == nil or name == "" then name = "quick" end
local P = presets[name]
if not P then
  local known = {}
  for k in pairs(presets) do known[#known + 1] = k end
  table.sort(known)
  error("PAPER_PRESET: expected one of " .. table.concat(known, ", ") .. ", got '" .. name .. "'")
end
P.name = name
local function positive_env(var)
  local text = os.getenv(var)
  if text == nil or text == "" then return nil end
  local v = tonumber(text)
  if not v or v <= 0 then error(var .. ": expected a positive number, got '" .. text .. "'") end
  return v
end
local model = os.getenv("PAPER_MODEL")
if model and model ~= "" then
  if model ~= "convnet" and model ~= "vgg16" and model ~= "resnet34" then
    error("PAPER_MODEL: expected convnet, vgg16 or resnet34, got '" .. model .. "'")
  end
  if model ~= P.model then
    P.name = P.name .. "-" .. model  -- its own job ids (and results/<preset>-<model> with run)
    P.model = model
    P.width = P.width or 0.125
  end
end
P.seeds = math.tointeger(positive_env("PAPER_SEEDS")) or P.seeds
P.width = positive_env("PAPER_WIDTH") or P.width
P.cifar = os.getenv("PAPER_CIFAR")
if P.cifar == "" then P.cifar = nil end

local seeds = {}
for s = 1, P.seeds do seeds[s] = s end

-- Data: the first `train` training images; `test` test images for accuracy, the next `probe`
-- for similarity; normalised with the training subset's statistics.
local function load_data()
  local source
  if P.cifar and P.model ~= "convnet" then source = data.cifar10(P.cifar) else source = data.fashion_mnist() end
  local mean, std = source.train:subset(1, P.train):stats()
  local function prepare(ds)
    ds = ds:normalize(mean, std)
    if P.model ~= "convnet" and not P.cifar then
      -- Fashion-MNIST padded to 32×32 (zeros after normalisation: the background's mean).
      local x, y = ds:tensors()
      local n = x:shape()[1]
      local padded = tensor.zeros({n, 1, 32, 32})
      padded:narrow(3, 3, 28):narrow(4, 3, 28):copy(x)
      ds = data.tensors(padded, y, {classes = 10})
    end
    return ds
  end
  return prepare(source.train:subset(1, P.train)), prepare(source.test:subset(1, P.test)),
         prepare(source.test:subset(P.test + 1, P.probe))
end

local function input_shape()
  if P.model == "convnet" then return {1, 28, 28} end
  return {P.cifar and 3 or 1, 32, 32}
end

local function new_model(seed)
  local o = {input = input_shape(), classes = 10, seed = seed, init = recipe.init}
  if P.model == "convnet" then return models.convnet(o) end
  o.width = P.width
  if P.model == "vgg16" then o.depth = 16 return models.vgg(o) end
  o.depth = 34
  return models.resnet(o)
end

-- One trainer seed per study seed: the same data order for every model of the seed.
local function trainer(seed, epochs)
  return train.sgd{lr = recipe.lr, momentum = recipe.momentum, weight_decay = recipe.weight_decay,
                   batch = recipe.batch, epochs = epochs, warmup = math.min(recipe.warmup, epochs), seed = seed}
end

local similarity = {measure = "svcca", variance = 0.99, max_datapoints = P.max_datapoints}

local function write_json(path, value)
  local f = assert(io.open(path .. ".tmp", "w"))
  f:write(json.encode(value, {indent = 1, nan = "null"}))
  f:close()
  assert(os.rename(path .. ".tmp", path))
end

-- Layer-by-layer SVCCA of m against the baseline: the rows (with the datapoints per neuron)
-- and the mean over layers.
local function layer_similarity(baseline, m, probe)
  local s = sim.layers(baseline, m, probe, similarity)
  local rows, sum = {}, 0
  for i = 1, #s do
    local r = s[i]
    rows[i] = {layer = r.name, svcca = r.value, k1 = r.k1, k2 = r.k2, neurons = math.max(r.neurons1, r.neurons2),
               datapoints = r.datapoints}
    sum = sum + r.value
  end
  return rows, sum / #s
end

-- Fits m, returning the history (one row per epoch: loss, training and test accuracy). The last
-- row's val_accuracy is m:accuracy(test_set) after the fit (the same model on the same images), so
-- the jobs report it rather than evaluating the test set a second time.
local function fit(m, t, train_set, test_set, on_epoch)
  local hist = t:fit(m, train_set, {val = test_set, progress = false, on_epoch = on_epoch})
  local curve = {}
  for e = 1, #hist do
    curve[e] = {epoch = e, loss = hist[e].loss, accuracy = hist[e].accuracy, val_accuracy = hist[e].val_accuracy}
  end
  return curve
end

-- Fresh sparse weights scaled by 1/√density per masked tensor: He-normal with the fan-in a neuron
-- keeps after pruning (std √(2/(density·fan_in))); dense tensors (density 1) are unchanged, so
-- the same rule holds for every freshly initialised model.
local function density_scaled(m)
  if not recipe.density_scaled then return m end
  local params = m:parameters()
  for name, mask in pairs(m:masks()) do
    local density = mask:sum() / mask:numel()
    if density > 0 and density < 1 then params[name]:mul_(1 / math.sqrt(density)) end
  end
  return m
end

local function pruned_sparsity(m)
  local masks, zeros, weights = m:masks(), 0, 0
  for _, row in ipairs(m:sparsity()) do
    if masks[row.parameter] then zeros, weights = zeros + row.zeros, weights + row.weights end
  end
  return weights > 0 and zeros / weights or 0
end

local function baseline_of(job)
  return models.load(job:input("baseline") .. "/model.safetensors")
end

return {
  grid = {preset = {P.name}, method = {"magnitude", "reinit", "random"}, sparsity = P.sparsities, seed = seeds},
  stages = {
    {name = "baseline", keys = {"preset", "seed"}, cost = P.epochs, run = function(job)
      local train_set, test_set, probe = load_data()
      local m = new_model(job.seed)
      local curve = fit(m, trainer(job.seed, P.epochs), train_set, test_set)
      m:save(job.dir .. "/model.safetensors")
      local layers, mean = layer_similarity(m, m:clone(), probe)
      write_json(job.dir .. "/curve.json", curve)
      write_json(job.dir .. "/layers.json", layers)
      local settings = {recipe = recipe, classes = 10, dataset = P.cifar and "CIFAR-10" or "Fashion-MNIST"}
      for k, v in pairs(P) do settings[k] = v end
      write_json(job.dir .. "/settings.json", settings)
      return {accuracy = curve[#curve].val_accuracy, svcca_self = mean}
    end},
    {name = "iterative", keys = {"preset", "seed"}, reads = {"baseline"}, cost = #P.iterative * P.retrain, run = function(job)
      local train_set, test_set, probe = load_data()
      local baseline = baseline_of(job)
      local m = baseline:clone()
      local steps, result = {}, {}
      for _, s in ipairs(P.iterative) do
        prune.magnitude(m, s)
        local curve = fit(m, trainer(job.seed, P.retrain), train_set, test_set)
        local layers, mean = layer_similarity(baseline, m, probe)
        local accuracy = curve[#curve].val_accuracy
        steps[#steps + 1] = {sparsity = s, reached = pruned_sparsity(m), accuracy = accuracy, svcca = mean, layers = layers, curve = curve}
        local pct = math.floor(s * 100 + 0.5)
        result["accuracy_" .. pct], result["svcca_" .. pct] = accuracy, mean
      end
      write_json(job.dir .. "/steps.json", steps)
      return result
    end},
    {name = "control", keys = {"preset", "seed"}, reads = {"baseline"}, cost = P.epochs, run = function(job)
      local train_set, test_set, probe = load_data()
      local baseline = baseline_of(job)
      local m = new_model(job.seed + 1)  -- the re-initialised models' fresh weights, dense
      local curve = fit(m, trainer(job.seed, P.epochs), train_set, test_set)
      local layers, mean = layer_similarity(baseline, m, probe)
      write_json(job.dir .. "/curve.json", curve)
      write_json(job.dir .. "/layers.json", layers)
      return {accuracy = curve[#curve].val_accuracy, svcca = mean}
    end},
    {name = "main", reads = {"baseline"}, cost = function(p) return p.method == "magnitude" and P.retrain or P.epochs end,
     run = function(job)
      local train_set, test_set, probe = load_data()
      local baseline = baseline_of(job)
      local t = trainer(job.seed, P.epochs)
      local m, on_epoch, snapshots
      if job.method == "magnitude" then
        m = prune.magnitude(baseline:clone(), job.sparsity)
        t = trainer(job.seed, P.retrain)
        if job.sparsity == P.sparsities[#P.sparsities] then
          -- Figure 3: similarity after every retraining epoch (epoch 0: just pruned).
          snapshots = {m:clone()}
          on_epoch = function() snapshots[#snapshots + 1] = m:clone() end
        end
      elseif job.method == "reinit" then
        m = density_scaled(prune.reinit(prune.magnitude(baseline:clone(), job.sparsity), {seed = job.seed + 1, init = recipe.init}))
      else
        m = density_scaled(prune.reinit(prune.random(baseline:clone(), job.sparsity, {seed = job.seed + 2}), {seed = job.seed + 1, init = recipe.init}))
      end
      local curve = fit(m, t, train_set, test_set, on_epoch)
      local layers, mean = layer_similarity(baseline, m, probe)
      write_json(job.dir .. "/curve.json", curve)
      write_json(job.dir .. "/layers.json", layers)
      if snapshots then
        local M, names = sim.over_time(snapshots, baseline, probe, similarity)
        local rows = {}
        for l, layer in ipairs(names) do
          for e = 1, #snapshots do rows[#rows + 1] = {layer = layer, epoch = e - 1, svcca = M[l][e]} end
        end
        write_json(job.dir .. "/over_time.json", rows)
      end
      return {accuracy = curve[#curve].val_accuracy, reached = pruned_sparsity(m), svcca = mean}
    end},
  },
}
