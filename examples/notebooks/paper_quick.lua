-- %% [markdown]
-- # Is pruning compression? — a notebook-sized run
--
-- The study of Blakeney, Yan & Zong (WACV 2020) at toy scale: a small ConvNet on a
-- Fashion-MNIST subset, pruned by magnitude, compared layer by layer with SVCCA.
-- Run it as a script (`prunelab paper_quick.lua`: every cell ends in a call, so the file is
-- plain Lua; a notebook shows the values those calls return), as a notebook
-- (`prunelab notebook run paper_quick.lua -o paper_quick.html`) or in Jupyter
-- (`paper_quick.ipynb` on the prunelab kernel). It takes a few seconds.

-- %%
local fm = data.fashion_mnist()
local mean, std = fm.train:stats()
local train_set = fm.train:subset(1, 256):normalize(mean, std)
local test_set = fm.test:subset(1, 128):normalize(mean, std)
local probe = fm.test:subset(129, 400):normalize(mean, std)
print(string.format("%d training, %d test, %d probe images", #train_set, #test_set, #probe))

-- %% [markdown]
-- ## A baseline, and its pruned copy
-- One epoch of SGD, then 75% of every layer's weights removed by magnitude (the classifier
-- stays dense) and one epoch of retraining.

-- %%
local trainer = train.sgd{lr = 0.02, momentum = 0.9, batch = 32, epochs = 1, seed = 1}
local baseline = models.convnet{input = {1, 28, 28}, classes = 10, seed = 1}
trainer:fit(baseline, train_set, {progress = false})
local pruned = prune.magnitude(baseline:clone(), 0.75)
trainer:fit(pruned, train_set, {progress = false})
report.table({{model = "baseline", accuracy = baseline:accuracy(test_set)},
              {model = "pruned 75%", accuracy = pruned:accuracy(test_set)}}, {columns = {"model", "accuracy"}})

-- %% [markdown]
-- ## Layer similarity
-- SVCCA (99% of the variance) of each layer of the pruned model with the baseline's: a table,
-- and its figure.

-- %%
local s = sim.layers(baseline, pruned, probe, {measure = "svcca", variance = 0.99})
s:table()

-- %%
s:plot()
