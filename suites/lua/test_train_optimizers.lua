-- Adam/AdamW trainers, per-call fit settings, and what training records on the model (issue 21).
-- suites/interop/optim_torch.sh holds the updates to PyTorch's over 10 steps.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local H = dofile(here .. "nn_helpers.lua")

test("train.adam and train.adamw take PyTorch's defaults and show their settings", function()
  local a, w = train.adam{}, train.adamw{}
  check_eq(a.kind, "adam"); check_eq(a.lr, 1e-3); check_eq(a.weight_decay, 0); check_eq(a.eps, 1e-8)
  check_table_near(a.betas, {0.9, 0.999}, 0); check_eq(a.momentum, nil)
  check_eq(w.kind, "adamw"); check_eq(w.weight_decay, 1e-2)
  check_eq(train.sgd{}.kind, "sgd"); check_eq(train.sgd{}.betas, nil)
  check(tostring(w):find("train.adamw{lr = 0.001, betas = {0.9, 0.999}", 1, true), tostring(w))
  local opt = w:optimizer(models.mlp{input = 4, hidden = {3}, classes = 2})
  check(tostring(opt):find("AdamW over 4 tensors", 1, true), tostring(opt))
end)

test("an Adam step by hand: the first step moves each weight by lr against its gradient's sign", function()
  -- With m₁ = (1 − β₁)g and v₁ = (1 − β₂)g², the bias-corrected step is lr·g/(|g| + ε) ≈ lr·sign(g).
  local m = models.mlp{input = 3, hidden = {2}, classes = 2, seed = 4}
  local opt = train.adam{lr = 0.01}:optimizer(m)
  local before = m:parameters()["fc1.weight"]:clone()
  local x = tensor.from{{1, -2, 0.5}, {0.3, 0.2, -1}}
  local loss, grad = nn.cross_entropy(m:forward(x), tensor.from{1, 2})
  m:zero_grad(); m:backward(grad)
  local g = m:gradients()["fc1.weight"]:clone()
  opt:step()
  local moved = m:parameters()["fc1.weight"] - before
  local expected = g:sign() * -0.01
  check((moved - expected):abs():max() < 1e-6, "moved by lr·sign(g)")
  check_eq(opt.steps, 1)
end)

test("fit takes one-off settings; masks stay exactly zero under AdamW; the model records the run", function()
  local ds = data.fashion_mnist().train:subset(1, 64):normalize(0.286, 0.353)
  local m = models.mlp{input = {1, 28, 28}, hidden = {16}, classes = 10, seed = 3}
  prune.magnitude(m, 0.8)
  local mask = m:masks()["fc1.weight"]
  local t = train.adamw{lr = 0.01, weight_decay = 0.1, batch = 16, epochs = 1, seed = 5}
  local hist = t:fit(m, ds, {epochs = 3, progress = false})
  check_eq(#hist, 3); check_eq(t.epochs, 1); check_eq(hist.interrupted, nil)
  local w = m:parameters()["fc1.weight"]
  check_eq((w * (1 - mask)):abs():max(), 0)        -- pruned weights exactly zero
  check(w:abs():sum() > 0)
  local p = m.provenance
  check_eq(p.training.optimizer, "adamw"); check_eq(p.training.epochs, 3); check_eq(p.training.epochs_done, 3)
  check_eq(p.training.seed, 5); check_eq(p.training.lr, 0.01); check_eq(p.interrupted, false); check_eq(m.interrupted, false)
  check_near(p.normalization.mean[1], 0.286, 1e-12); check_near(p.normalization.std[1], 0.353, 1e-12)
  check_near(p.metrics.loss, hist[3].loss, 0); check_near(p.metrics.accuracy, hist[3].accuracy, 0)
  -- The same seed and settings give the same numbers, whether set on the trainer or per call.
  local m2 = models.mlp{input = {1, 28, 28}, hidden = {16}, classes = 10, seed = 3}
  prune.magnitude(m2, 0.8)
  local hist2 = train.adamw{lr = 0.01, weight_decay = 0.1, batch = 16, epochs = 3, seed = 5}:fit(m2, ds, {progress = false})
  check_eq(hist2[3].loss, hist[3].loss)
  check(H.same_weights(m, m2))
end)

test("checkpoints keep the record and the user's metadata; torch-prune names load back", function()
  local path = os.tmpname() .. ".safetensors"
  local m = models.mlp{input = 4, hidden = {3}, classes = 2, seed = 1}
  prune.magnitude(m, 0.5)
  local x = tensor.randn{8, 4, seed = 2}
  train.sgd{lr = 0.1, batch = 4, epochs = 2, seed = 9}:fit(m, data.tensors(x, {1, 2, 1, 2, 1, 2, 1, 2}), {progress = false})
  m:save(path, {metadata = {note = "baseline", sparsity = 0.5, tags = {"a", "b"}}, format = "torch-prune"})
  local keys = table.concat(tensor.keys(path), " ")
  check(keys:find("fc1.weight_orig", 1, true) and keys:find("fc1.weight_mask", 1, true) and not keys:find("fc1.weight.mask", 1, true), keys)
  local l = models.load(path)
  os.remove(path)
  check(H.same_weights(l, m))
  check_eq(l:masks()["fc1.weight"]:sum(), m:masks()["fc1.weight"]:sum())
  check_eq(l.metadata.note, "baseline"); check_eq(l.metadata.sparsity, 0.5); check_eq(#l.metadata.tags, 2)
  check_eq(l.metadata.tags[2], "b")
  check_eq(l.provenance.training.seed, 9); check_eq(l.provenance.training.epochs_done, 2); check_eq(l.provenance.training.optimizer, "sgd")
  check_eq(models.mlp{input = 4, hidden = {3}, classes = 2}.metadata, nil)
end)
