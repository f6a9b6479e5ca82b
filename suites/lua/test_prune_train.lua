-- prune with training: masks through SGD, reinit, rewind, iterative pruning.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local H = dofile(here .. "prune_helpers.lua")

local small = H.fashion(96)

test("masks hold through epochs of training with momentum and weight decay", function()
  local m = prune.magnitude(H.tiny(1), 0.7, {skip_last = false})
  local masks = m:masks()
  local before = {}
  for name, w in pairs(m:parameters()) do before[name] = w:clone() end
  local t = train.sgd{lr = 0.05, momentum = 0.9, nesterov = true, weight_decay = 5e-3, batch = 16, epochs = 3, seed = 1}
  t:fit(m, small, {progress = false})
  local after = m:parameters()
  for name, mask in pairs(masks) do
    check(H.same(m:masks()[name], mask), name .. ": mask unchanged")
    check_eq((after[name] * (1 - mask)):abs():max(), 0, name .. ": masked weights exactly zero")
    check_eq(H.zeros(after[name]), H.expected_zeros(mask:numel(), 0.7), name .. ": zeros = the mask's")
    -- Every kept weight moved (gradient or weight decay).
    local moved = ((after[name] - before[name]):ne(0) * mask):sum()
    check_eq(math.floor(moved), math.floor(mask:sum()), name .. ": kept weights train")
  end
  -- A hand-written loop with the optimizer honours the masks too.
  local opt = t:optimizer(m)
  for xb, yb in small:batches(16) do
    local logits = m:forward(xb)
    local _, grad = nn.cross_entropy(logits, yb)
    m:zero_grad(); m:backward(grad); opt:step()
  end
  for name, mask in pairs(masks) do
    check_eq((m:parameters()[name] * (1 - mask)):abs():max(), 0, name .. " after manual steps")
  end
end)

test("reinit keeps the masks and changes every kept weight", function()
  local trained = H.tiny(2)
  train.sgd{lr = 0.05, batch = 16, epochs = 1, seed = 1}:fit(trained, small, {progress = false})
  local p = prune.magnitude(trained:clone(), 0.6)
  local q = prune.reinit(p:clone(), {seed = 5})
  local pp, qp, masks = p:parameters(), q:parameters(), p:masks()
  for name, mask in pairs(masks) do
    check(H.same(q:masks()[name], mask), name .. ": mask kept")
    check_eq((qp[name] * (1 - mask)):abs():max(), 0, name .. ": pruned weights stay zero")
    check_eq(math.floor((qp[name]:ne(pp[name]) * mask):sum()), math.floor(mask:sum()), name .. ": every kept weight changed")
  end
  -- BatchNorm back to its initial state.
  check_table_near(qp["bn1.weight"], {1, 1, 1, 1}, 0)
  check_table_near(qp["bn1.bias"], {0, 0, 0, 0}, 0)
  check_table_near(q:buffers()["bn1.running_var"], {1, 1, 1, 1}, 0)
  check(not H.same(trained:buffers()["bn1.running_var"], q:buffers()["bn1.running_var"]))
  -- Same seed, same weights; another seed, others.
  check(H.same_weights(q, prune.reinit(p:clone(), {seed = 5})))
  check(not H.same_weights(q, prune.reinit(p:clone(), {seed = 6})))
  -- The builders' order: re-initialising a dense convnet with its own seed gives its initial weights.
  local c = models.convnet{seed = 7}
  local trained_c = c:clone()
  for _, w in pairs(trained_c:parameters()) do w:mul_(0.5) end
  check(H.same_weights(prune.reinit(trained_c, {seed = 7}), c))
  check(not H.same_weights(prune.reinit(models.convnet{seed = 1}), models.convnet{seed = 1}), "the default seed is not the builders'")
  -- He-normal models re-initialise He-normally: exact zero biases.
  local he = prune.reinit(models.convnet{seed = 1, init = "he"}, {seed = 3})
  check_eq(he:parameters()["fc1.bias"]:abs():max(), 0)
  check(prune.reinit(models.convnet{seed = 1}, {seed = 3}):parameters()["fc1.bias"]:abs():max() > 0)
  check(H.same_weights(prune.reinit(models.convnet{seed = 1}, {seed = 3, init = "he"}), he))
end)

test("random sparse initialisation: random masks, fresh weights, exact counts", function()
  local m = prune.reinit(prune.random(H.tiny(3), 0.9, {seed = 2}), {seed = 4})
  local s = m:sparsity()
  check_eq(s[1].zeros, H.expected_zeros(100, 0.9))
  check_eq(s[2].zeros, 0, "fc1 is the classifier: dense")
end)

test("rewind: unpruned weights back to the snapshot, masks kept", function()
  local m = H.tiny(4)
  local init = m:clone()
  train.sgd{lr = 0.05, momentum = 0.9, batch = 16, epochs = 2, seed = 1}:fit(m, small, {progress = false})
  prune.magnitude(m, 0.5, {skip_last = false})
  local masks = m:masks()
  check_eq(prune.rewind(m, init), m)
  local mp, ip = m:parameters(), init:parameters()
  for name, w in pairs(mp) do
    local mask = masks[name]
    if mask then
      check(H.same(w, ip[name] * mask), name .. ": kept weights rewound, pruned zero")
      check(H.same(m:masks()[name], mask), name .. ": mask kept")
    else
      check(H.same(w, ip[name]), name .. " rewound")
    end
  end
  check(H.same(m:buffers()["bn1.running_mean"], init:buffers()["bn1.running_mean"]), "BatchNorm statistics rewound")
  -- The mask of the model is kept even if the snapshot has another.
  local other = prune.random(H.tiny(4), 0.9, {seed = 1, skip_last = false})
  prune.rewind(m, other)
  for name, mask in pairs(masks) do check(H.same(m:masks()[name], mask), name) end
end)

test("iterative pruning reaches each target, retraining in between", function()
  local m = H.tiny(5)
  local val = data.fashion_mnist().test:subset(1, 32):normalize(0.286, 0.353)
  local t = train.sgd{lr = 0.05, momentum = 0.9, batch = 16, epochs = 3, seed = 1}
  local seen = {}
  local steps = prune.iterative(m, {0.3, 0.5, 0.7}, t, small, {epochs = 1, val = val, progress = false, skip_last = false,
    on_step = function(step) seen[#seen + 1] = step.target end})
  check_eq(#steps, 3)
  check_table_near(seen, {0.3, 0.5, 0.7}, 0)
  for i, target in ipairs({0.3, 0.5, 0.7}) do
    local step = steps[i]
    check_eq(step.step, i); check_eq(step.target, target)
    check_eq(#step.history, 1, "epochs = 1 overrides the trainer's 3")
    check(step.validation and step.accuracy >= 0 and step.accuracy <= 1)
    check_near(step.accuracy, step.history[1].val_accuracy, 0)
    local s = step.model:sparsity()
    check_eq(s[1].zeros, H.expected_zeros(100, target), "conv1 at " .. target)
    check_eq(s[2].zeros, H.expected_zeros(2560, target), "fc1 at " .. target)
    check_near(step.sparsity, (s[1].zeros + s[2].zeros) / 2660, 1e-15)
    if i > 1 then
      for name, mask in pairs(step.model:masks()) do
        check_eq((mask - steps[i - 1].model:masks()[name]):max(), 0, "step " .. i .. " only adds to " .. name)
      end
    end
  end
  check(H.same_weights(m, steps[3].model), "m ends as the last snapshot")
  -- on_step returning false stops; without val the accuracy is the training accuracy.
  local stopped = prune.iterative(H.tiny(5), {0.3, 0.5, 0.7}, t, small, {epochs = 1, progress = false,
    on_step = function(step) return step.step < 2 end})
  check_eq(#stopped, 2)
  check(not stopped[1].validation)
  check_near(stopped[1].accuracy, stopped[1].history[1].accuracy, 0)
  check_eq(stopped[1].model:masks()["fc1.weight"], nil, "skip_last by default")
end)

test("checkpoints keep masks: save, load, train on, rewind from a path", function()
  local m = prune.random(prune.magnitude(H.tiny(6), 0.6), 0.8, {seed = 3, skip_last = false})
  local path = os.tmpname() .. ".safetensors"
  m:save(path)
  local loaded = models.load(path)
  check(H.same_weights(m, loaded), "weights")
  local a, b = m:masks(), loaded:masks()
  local names = {}
  for name, mask in pairs(a) do
    names[#names + 1] = name
    check(H.same(b[name], mask), name .. ": mask round trip")
  end
  check_eq(#names, 2)
  for name in pairs(b) do check(a[name] ~= nil, name .. " not invented") end
  check_eq(loaded:sparsity().total.masked, m:sparsity().total.masked)
  -- The loaded masks hold through training.
  train.sgd{lr = 0.05, momentum = 0.9, weight_decay = 5e-4, batch = 16, epochs = 1}:fit(loaded, small, {progress = false})
  for name, mask in pairs(b) do check_eq((loaded:parameters()[name] * (1 - mask)):abs():max(), 0, name) end
  -- Rewinding to a checkpoint path.
  local init = H.tiny(7)
  init:save(path)
  prune.rewind(loaded, path)
  for name, w in pairs(loaded:parameters()) do
    check(H.same(w, b[name] and init:parameters()[name] * b[name] or init:parameters()[name]), name .. " rewound from the file")
  end
  os.remove(path)
end)
