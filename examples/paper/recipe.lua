-- Which initialisation lets 90%-sparse fresh ConvNets train at CPU budgets? (examples/paper's
-- training recipe was chosen with this script; its numbers are in examples/paper/README.md.)
--
-- One baseline and, at 90% sparsity, the re-initialised (magnitude masks, fresh weights) and
-- random sparse (random masks, same per-layer counts) ConvNets, each trained on the same images
-- in the same order (one trainer seed) with SGD lr 0.05, momentum 0.9, weight decay 5e-4,
-- batch 128 and one epoch of linear warm-up, under three initialisations of the sparse models:
--   pytorch   PyTorch's default (uniform ±1/√fan_in), no warm-up (the old paper_quick recipe);
--   he        He-normal (std √(2/fan_in));
--   he-dense  He-normal scaled by 1/√density per layer (std √(2/(density·fan_in)): the fan-in a
--             neuron actually has after pruning; Liu et al. 2019, Evci et al. 2020).
--
-- usage: prunelab examples/paper/recipe.lua [--train N] [--test N] [--epochs E] [--seed S] [--sparsity s]
--          [--init pytorch|he|he-dense]   (default: all three, one after the other)
local usage = "usage: prunelab examples/paper/recipe.lua [--train N] [--test N] [--epochs E] [--seed S] [--sparsity s] [--init pytorch|he|he-dense]\n"
local S = {train = 5000, test = 2000, epochs = 3, seed = 1, sparsity = 0.9}
local inits = {"pytorch", "he", "he-dense"}
local i = 1
while i <= #arg do
  local key = arg[i]:match("^%-%-(%a+)$")
  if key == "init" and (arg[i + 1] == "pytorch" or arg[i + 1] == "he" or arg[i + 1] == "he-dense") then
    inits = {arg[i + 1]}
  else
    local value = tonumber(arg[i + 1])
    if not key or S[key] == nil or not value then io.stderr:write(usage) os.exit(2) end
    S[key] = value
  end
  i = i + 2
end

local started = sys.clock()
local fm = data.fashion_mnist()
local mean, std = fm.train:stats()
local train_set = fm.train:subset(1, S.train):normalize(mean, std)
local test_set = fm.test:subset(1, S.test):normalize(mean, std)

local function trainer(warmup)
  return train.sgd{lr = 0.05, momentum = 0.9, weight_decay = 5e-4, batch = 128, epochs = S.epochs,
                   warmup = warmup, seed = S.seed}
end

-- He-normal weights scaled by 1/√density per masked tensor.
local function density_scaled(m)
  local params = m:parameters()
  for name, mask in pairs(m:masks()) do
    local density = mask:sum() / mask:numel()
    if density > 0 then params[name]:mul_(1 / math.sqrt(density)) end
  end
  return m
end

local rows = {}
local function fit(label, init, m, warmup)
  local began = sys.clock()
  trainer(warmup):fit(m, train_set, {progress = false})
  local accuracy = m:accuracy(test_set)
  rows[#rows + 1] = {model = label, init = init, accuracy = accuracy, seconds = sys.clock() - began}
  io.stderr:write(string.format("[%6.1f s] %-10s %-9s %5.1f%%\n", sys.clock() - started, label, init, accuracy * 100))
  return m
end

local s = S.sparsity
for _, init in ipairs(inits) do
  local scheme = init == "pytorch" and "pytorch" or "he"
  local warmup = init == "pytorch" and 0 or 1
  local baseline = fit("baseline", init, models.convnet{input = {1, 28, 28}, classes = 10, seed = S.seed, init = scheme}, warmup)
  local reinit = prune.reinit(prune.magnitude(baseline:clone(), s), {seed = S.seed + 1, init = scheme})
  local random = prune.reinit(prune.random(baseline:clone(), s, {seed = S.seed + 2}), {seed = S.seed + 1, init = scheme})
  if init == "he-dense" then density_scaled(reinit); density_scaled(random) end
  fit("reinit", init, reinit, warmup)
  fit("random", init, random, warmup)
end
print(report.table(rows, {columns = {"model", "init", "accuracy", "seconds"},
                          title = string.format("ConvNet, Fashion-MNIST: %d training images, %d epochs, %d test images, sparsity %g, seed %d",
                                                S.train, S.epochs, S.test, s, S.seed)}))
