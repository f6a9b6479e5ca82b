-- prunelab quickstart: train a small network on Fashion-MNIST, prune it, retrain it, and ask how
-- similar each pruned layer still is to the original (SVCCA, as in Blakeney, Yan & Zong 2020).
-- Run: .build/release/prunelab examples/quickstart.lua [--train 2000] [--epochs 2] [--sparsity 0.9]
-- (about half a minute with the defaults). Every step below also works line by line in the shell.

local o = sys.args{train = 2000, probe = 1000, epochs = 2, sparsity = 0.9, seed = 1}
if o.help then os.exit(0) end

-- 1. Data: Fashion-MNIST (Debian's dataset-fashion-mnist), normalised with its training statistics.
local fm = data.fashion_mnist()
local train_set = fm.train:subset(1, o.train):normalize(0.286, 0.353)
local test_set = fm.test:subset(1, 2000):normalize(0.286, 0.353)
local probe = fm.test:subset(2001, o.probe):normalize(0.286, 0.353)

-- 2. A small MLP and a trainer (Adam; train.sgd{…} and train.adamw{…} work the same way).
local model = models.mlp{input = {1, 28, 28}, hidden = {128, 64}, classes = 10, seed = o.seed}
print(model)
local trainer = train.adam{lr = 1e-3, batch = 64, epochs = o.epochs, seed = o.seed}
local history = trainer:fit(model, train_set, {progress = false})
print(string.format("baseline: training loss %.3f, test accuracy %.1f%%", history[#history].loss, 100 * model:accuracy(test_set)))

-- 3. Prune 90% of each hidden layer's weights by magnitude (the classifier stays dense), then
--    retrain for one epoch (a one-off setting): the masks keep pruned weights at exactly zero.
local pruned = prune.magnitude(model:clone(), o.sparsity)
print(string.format("pruned to %.0f%%: test accuracy %.1f%% before retraining", 100 * o.sparsity, 100 * pruned:accuracy(test_set)))
trainer:fit(pruned, train_set, {epochs = 1, progress = false})
print(string.format("after retraining: test accuracy %.1f%%", 100 * pruned:accuracy(test_set)))
print(pruned:sparsity())

-- 4. Which weights survived? Per-neuron norms of the first layer, and how many inputs each keeps.
local w = pruned:parameters()["fc1.weight"]
local kept = pruned:masks()["fc1.weight"]:sum(2)
local _, which = w:norm(2, 2):topk(3)
for r = 1, 3 do
  local n = math.tointeger(which[r])
  print(string.format("fc1 neuron %d: weight norm %.3f, keeps %d of 784 inputs", n, w[n]:norm(), math.tointeger(kept[n])))
end
print(string.format("median |w| of surviving fc1 weights: %.4f", w[w:ne(0)]:abs():quantile(0.5)))

-- 5. How similar is each layer to the original? 1 = the same representation up to a linear map.
local s = sim.layers(model, pruned, probe)
print(s)

-- 6. Save with a note; the checkpoint remembers how the model was trained.
local path = os.tmpname() .. ".safetensors"
pruned:save(path, {metadata = {note = "quickstart", sparsity = o.sparsity}})
local back = models.load(path)
os.remove(path)
print("reloaded:", back.metadata.note, "trained with", back.provenance.training.optimizer, "seed", back.provenance.training.seed)
