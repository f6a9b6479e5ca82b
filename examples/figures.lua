-- The paper's figures (Blakeney, Yan & Zong, "Is Pruning Compression?", WACV 2020) from a small
-- real run: the paper's ConvNet on a Fashion-MNIST subset, pruned and retrained, compared with
-- the unpruned baseline layer by layer (SVCCA, 99% variance) on a fixed probe set.
--
--   figure4_layer_sparsity.png  layer × sparsity heatmap after magnitude pruning and retraining (Figure 4)
--   figure3_layer_epoch.png     layer × retraining-epoch heatmap of the 90%-sparse model (Figure 3)
--   figure2_methods.png         per method and sparsity, the distribution of layer similarities (Figures 2, 5)
--   training.png                the baseline's training curves (hist:plot())
--
-- usage: prunelab examples/figures.lua [FOLDER]      (default: figures/; about a minute of CPU on two cores)

local folder = arg[1] or "figures"
if folder:match("^%-") then print("usage: prunelab examples/figures.lua [FOLDER]") os.exit(folder == "--help" and 0 or 2) end
assert(os.execute("mkdir -p '" .. folder:gsub("'", "'\\''") .. "'"), "cannot create " .. folder)

local started = sys.clock()
local function progress(fmt, ...)
  io.stderr:write(string.format("[%5.1f s] " .. fmt .. "\n", sys.clock() - started, ...))
end

local fm = data.fashion_mnist()
local mean, std = fm.train:stats()
local train_set = fm.train:subset(1, 1000):normalize(mean, std)
local val = fm.test:subset(1, 500):normalize(mean, std)
-- 2,000 probe images: at least 5 per neuron of fc1 (384), so that SVCCA is not biased towards 1.
local probe = fm.test:subset(501, 2000):normalize(mean, std)
local function trainer(epochs)
  return train.sgd{lr = 0.02, momentum = 0.9, weight_decay = 5e-4, batch = 32, epochs = epochs, seed = 1}
end
-- The layers with weights, as the paper's figures show them.
local measure = {measure = "svcca", variance = 0.99, max_datapoints = 10000, layers = {"conv1", "conv2", "fc1", "fc2", "fc3"}}
local function percent(s) return string.format("%d%%", math.floor(s * 100 + 0.5)) end

-- The baseline, and its training curves.
local baseline = models.convnet{input = {1, 28, 28}, classes = 10, seed = 1}
local hist = trainer(3):fit(baseline, train_set, {val = val, progress = false})
progress("baseline: test accuracy %.1f%%", baseline:accuracy(val) * 100)
hist:plot{title = "ConvNet on 1,000 Fashion-MNIST images"}:save(folder .. "/training.png")

-- Figure 4: magnitude pruning at several sparsities, one epoch of retraining each.
local sparsities = {0.3, 0.5, 0.7, 0.8, 0.9}
local pruned = {}
for k, s in ipairs(sparsities) do
  local m = prune.magnitude(baseline:clone(), s)
  trainer(1):fit(m, train_set, {progress = false})
  pruned[k] = m
  progress("magnitude %s: accuracy %.1f%%", percent(s), m:accuracy(val) * 100)
end
local by_sparsity, layers = sim.over_time(pruned, baseline, probe, measure)
local columns = {}
for k, s in ipairs(sparsities) do columns[k] = percent(s) end
plot.heatmap(by_sparsity, {rows = layers, cols = columns, vmax = 1, title = "SVCCA to the baseline after magnitude pruning",
                           xlabel = "sparsity", ylabel = "layer"}):save(folder .. "/figure4_layer_sparsity.png")

-- Figure 3: the 90%-sparse model during retraining, a snapshot per epoch (epoch 0: just pruned).
local m90 = prune.magnitude(baseline:clone(), 0.9)
local snapshots = {m90:clone()}
trainer(3):fit(m90, train_set, {progress = false, on_epoch = function() snapshots[#snapshots + 1] = m90:clone() end})
local by_epoch = sim.over_time(snapshots, baseline, probe, measure)
local epochs = {}
for e = 1, #snapshots do epochs[e] = tostring(e - 1) end
plot.heatmap(by_epoch, {rows = layers, cols = epochs, vmax = 1, colormap = "magma",
                        title = "SVCCA to the baseline while retraining at 90% sparsity",
                        xlabel = "retraining epoch", ylabel = "layer"}):save(folder .. "/figure3_layer_epoch.png")
progress("90%%: %d snapshots compared", #snapshots)

-- Figures 2 and 5: per method, the layers' similarities at 50% and 90% sparsity.
local methods = {
  {"Mag.", function(s) local m = prune.magnitude(baseline:clone(), s); trainer(1):fit(m, train_set, {progress = false}); return m end},
  {"Re-Init.", function(s) local m = prune.reinit(prune.magnitude(baseline:clone(), s), {seed = 2}); trainer(2):fit(m, train_set, {progress = false}); return m end},
  {"Rand.", function(s) local m = prune.reinit(prune.random(baseline:clone(), s, {seed = 3}), {seed = 2}); trainer(2):fit(m, train_set, {progress = false}); return m end},
}
local levels = {0.5, 0.9}
local groups, names = {}, {}
for i, method in ipairs(methods) do
  names[i], groups[i] = method[1], {}
  for k, s in ipairs(levels) do
    local m = (method[1] == "Mag.") and pruned[s == 0.5 and 2 or 5] or method[2](s)
    groups[i][k] = sim.layers(baseline, m, probe, measure).values
  end
  progress("%s compared at 50%% and 90%%", method[1])
end
local fig = plot.figure{rows = 1, cols = 2, title = "Layer similarity to the baseline per pruning method", width = 10, height = 4.2}
fig:panel(1):distribution(groups, {names = names, labels = {"50%", "90%"}, style = "box", ylabel = "SVCCA per layer",
                                   title = "box"})
fig:panel(2):distribution(groups, {names = names, labels = {"50%", "90%"}, style = "strip", title = "every layer"})
fig:save(folder .. "/figure2_methods.png")
progress("wrote %s/{figure4_layer_sparsity,figure3_layer_epoch,figure2_methods,training}.png", folder)
