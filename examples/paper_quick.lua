-- The study of Blakeney, Yan & Zong, "Is Pruning Compression?" (WACV 2020), at a small scale:
-- the paper's ConvNet on Fashion-MNIST instead of CIFAR-10.
--
--   1. train a baseline;
--   2. for each sparsity 30/45/60/75/90%:
--        Mag.      magnitude pruning, layer by layer, classifier dense (Han et al. 2015), then retraining;
--        Re-Init.  the same masks with freshly initialised weights, trained from scratch (§4.2);
--        Rand.     random masks with the same counts, freshly initialised, trained from scratch (§4.3);
--      every model sees the same images in the same order (one trainer, one data seed);
--   3. the SVCCA similarity (99% variance) of every layer to the baseline's, on a fixed probe set;
--   4. the test accuracies in the layout of the paper's Table 1.
--
-- usage: prunelab examples/paper_quick.lua [--train N] [--test N] [--probe N] [--epochs E]
--          [--retrain R] [--batch B] [--lr LR] [--seed S] [--max-datapoints K]
-- The defaults (1,500 training images, 2 epochs: 16 trainings of 1,500–3,000 images) take about
-- 2 minutes on two quiet cores, and up to 5 on a busy machine; the CI runs it with
--   --train 256 --test 128 --probe 400 --epochs 1 --retrain 1.

local settings = {
  train = 1500,           -- training images (the first N of Fashion-MNIST's 60,000)
  test = 1000,            -- test images for the accuracies (the first N of the 10,000)
  probe = 1000,           -- probe images for SVCCA (test images after those used for accuracy)
  epochs = 2,             -- epochs for the baseline and for Re-Init./Rand. (the paper: the same budget)
  retrain = 1,            -- epochs of retraining after magnitude pruning
  batch = 32,
  lr = 0.02,
  seed = 1,               -- data order; models use seed (init), seed + 1 (re-init), seed + 2 (random masks)
  max_datapoints = 20000, -- cap per layer on the N·H·W datapoints of conv layers (stratified subsample)
}
local usage = "usage: prunelab examples/paper_quick.lua [--train N] [--test N] [--probe N] [--epochs E] "
  .. "[--retrain R] [--batch B] [--lr LR] [--seed S] [--max-datapoints K]"

-- sys.args parses --name value (and --name=value) against the defaults' types.
local parsed, S = pcall(sys.args, settings)
if not parsed then
  io.stderr:write("paper_quick: ", (tostring(S):gsub("^.-sys%.args: ", "")), "\n", usage, "\n")
  os.exit(2)
end
if S.help then os.exit(0) end
for key, value in pairs(S) do
  if value <= 0 then
    io.stderr:write("paper_quick: --", (key:gsub("_", "-")), " needs a positive value, got ", tostring(value), "\n", usage, "\n")
    os.exit(2)
  end
end
if S.test + S.probe > 10000 or S.train > 60000 then
  io.stderr:write("paper_quick: Fashion-MNIST has 60,000 training and 10,000 test images\n")
  os.exit(2)
end

local started = sys.clock()
local function progress(fmt, ...)
  io.stderr:write(string.format("[%6.1f s] " .. fmt .. "\n", sys.clock() - started, ...))
end

-- Data: normalised with the training set's statistics.
local fm = data.fashion_mnist()
local mean, std = fm.train:stats()
local train_set = fm.train:subset(1, S.train):normalize(mean, std)
local test_set = fm.test:subset(1, S.test):normalize(mean, std)
local probe = fm.test:subset(S.test + 1, S.probe):normalize(mean, std)

-- One trainer for every model: the same images in the same order.
local trainer = train.sgd{lr = S.lr, momentum = 0.9, weight_decay = 5e-4, batch = S.batch, epochs = S.epochs, seed = S.seed}
local retrainer = train.sgd{lr = S.lr, momentum = 0.9, weight_decay = 5e-4, batch = S.batch, epochs = S.retrain, seed = S.seed}
local similarity_options = {measure = "svcca", variance = 0.99, max_datapoints = S.max_datapoints}

local sparsities = {0.30, 0.45, 0.60, 0.75, 0.90}
local methods = {"Mag.", "Re-Init.", "Rand."}
local runs = 1 + #methods * #sparsities
local run = 0

local function fit(model, t, label)
  run = run + 1
  local began = sys.clock()
  t:fit(model, train_set, {progress = false})
  local accuracy = model:accuracy(test_set)
  progress("%2d/%d %-18s trained %d epoch%s in %5.1f s, test accuracy %5.1f%%", run, runs, label, t.epochs,
           t.epochs == 1 and "" or "s", sys.clock() - began, accuracy * 100)
  return accuracy
end

progress("ConvNet on Fashion-MNIST: %d training, %d test, %d probe images; %d epochs (retraining %d), batch %d, lr %g",
         S.train, S.test, S.probe, S.epochs, S.retrain, S.batch, S.lr)
local baseline = models.convnet{input = {1, 28, 28}, classes = 10, seed = S.seed}
local reference_accuracy = fit(baseline, trainer, "baseline")

-- The three methods at every sparsity.
local accuracy, reached, trained = {}, {}, {}
for _, method in ipairs(methods) do accuracy[method], reached[method] = {}, {} end

-- Zeros over the pruned tensors (those with a mask: every conv and linear weight but the classifier).
local function pruned_sparsity(m)
  local masks, zeros, weights = m:masks(), 0, 0
  for _, row in ipairs(m:sparsity()) do
    if masks[row.parameter] then zeros, weights = zeros + row.zeros, weights + row.weights end
  end
  return zeros / weights
end

local builders = {
  ["Mag."] = function(s) return prune.magnitude(baseline:clone(), s) end,
  ["Re-Init."] = function(s) return prune.reinit(prune.magnitude(baseline:clone(), s), {seed = S.seed + 1}) end,
  ["Rand."] = function(s) return prune.reinit(prune.random(baseline:clone(), s, {seed = S.seed + 2}), {seed = S.seed + 1}) end,
}
for k, s in ipairs(sparsities) do
  local label = string.format("%d%%", math.floor(s * 100 + 0.5))
  for _, method in ipairs(methods) do
    local m = builders[method](s)
    accuracy[method][k] = fit(m, method == "Mag." and retrainer or trainer, method .. " " .. label)
    reached[method][k] = pruned_sparsity(m)
    -- Keep a clone: weights and masks only, without the activation buffers training left behind.
    trained[#trained + 1] = m:clone()
    m = nil
    collectgarbage()
  end
end

-- Layer-by-layer SVCCA of every model with the baseline, in one pass over the probe set
-- (sim.over_time compares each model of a list with a reference; sim.layers(baseline, m, probe)
-- gives the same numbers for one model, with k1 and k2). The first column is the baseline's
-- own clone: 1 on every layer.
progress("SVCCA of %d models against the baseline on %d probe images", #trained + 1, S.probe)
local values, layer_names = sim.over_time({baseline:clone(), table.unpack(trained)}, baseline, probe, similarity_options)
local function similarity(method, k, l)
  if k == 0 then return values[l][1] end
  local column = 1 + (k - 1) * #methods
  for j, name in ipairs(methods) do if name == method then column = column + j end end
  return values[l][column]
end
progress("done")

-- Tables.
local function row(cells, widths)
  local out = {}
  for c, cell in ipairs(cells) do out[c] = c == 1 and string.format("%-" .. widths[c] .. "s", cell) or string.format("%" .. widths[c] .. "s", cell) end
  return (table.concat(out, "  "):gsub("%s+$", ""))
end
local function percent(x) return string.format("%.1f%%", x * 100) end
local header = {"Sparsity", "Ref (0%)"}
for _, s in ipairs(sparsities) do header[#header + 1] = string.format("%d%%", math.floor(s * 100 + 0.5)) end

print()
print(string.format("Table 1 (ConvNet, Fashion-MNIST): test accuracy on %d images after training on %d images", S.test, S.train))
local widths = {8, 8, 6, 6, 6, 6, 6}
print(row(header, widths))
for _, method in ipairs(methods) do
  local cells = {method, percent(reference_accuracy)}
  for k = 1, #sparsities do cells[#cells + 1] = percent(accuracy[method][k]) end
  print(row(cells, widths))
end

print()
print("Sparsity reached (zeros over the pruned weights: every conv and linear layer but the classifier, which stays dense)")
print(row(header, widths))
for _, method in ipairs(methods) do
  local cells = {method, percent(0)}
  for k = 1, #sparsities do cells[#cells + 1] = percent(reached[method][k]) end
  print(row(cells, widths))
end

for _, method in ipairs(methods) do
  print()
  print(string.format("SVCCA similarity to the baseline, %s (svcca, 99%% of the variance, %d probe images; 1 = identical)",
                      method, S.probe))
  local w = {8, 8, 6, 6, 6, 6, 6}
  local head = {"Layer", "Ref (0%)"}
  for k = 3, #header do head[k] = header[k] end
  print(row(head, w))
  local means = {}
  for l, name in ipairs(layer_names) do
    local cells = {name}
    for k = 0, #sparsities do
      local v = similarity(method, k, l)
      means[k] = (means[k] or 0) + v / #layer_names
      cells[#cells + 1] = string.format("%.3f", v)
    end
    print(row(cells, w))
  end
  local cells = {"mean"}
  for k = 0, #sparsities do cells[#cells + 1] = string.format("%.3f", means[k]) end
  print(row(cells, w))
end
print()
print("Reading the SVCCA tables: each value is the mean of min(k1, k2) canonical correlations, k the")
print("principal directions holding 99% of a layer's variance. A trained layer often keeps few (the")
print("baseline's fc1 about a dozen of 384) while a poorly trained one keeps hundreds, and a few")
print("directions are easily matched inside hundreds: values near 1 on the fc layers of a failed model")
print("mean little (sim.layers(baseline, m, probe) shows k1 and k2). The fc layers also have fewer than")
print("5 probe images per neuron at this scale, which biases CCA towards 1; use --probe 2000 or more.")
print()
print(string.format("Total time %.1f s", sys.clock() - started))
