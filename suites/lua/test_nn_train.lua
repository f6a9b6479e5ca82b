-- The train module: fitting, determinism, schedules, callbacks, hand-written loops.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local H = dofile(here .. "nn_helpers.lua")

local small = H.fashion(48)

local function tiny(seed)
  return nn.Sequential{nn.Conv2d(1, 4, 5, {stride = 3, seed = seed}), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(),
                       nn.Linear(4 * 8 * 8, 10, {seed = seed + 1}), input = {1, 28, 28}}
end

test("a tiny model overfits a tiny dataset to 100%", function()
  local m = tiny(1)
  check(m:accuracy(small) < 0.5)
  local t = train.sgd{lr = 0.05, momentum = 0.9, weight_decay = 0, batch = 16, epochs = 25, seed = 1}
  local hist = t:fit(m, small, {progress = false})
  check_eq(#hist, 25)
  check(hist[25].loss < hist[1].loss / 5, "loss fell: " .. hist[1].loss .. " → " .. hist[25].loss)
  check_eq(m:accuracy(small), 1)
  check_eq(hist[25].accuracy, 1)
  check(hist[1].seconds > 0 and hist[1].images_per_second > 0)
end)

test("the same seeds give bit-identical weights after an epoch; another data seed does not", function()
  local function run(model_seed, data_seed)
    local m = tiny(model_seed)
    train.sgd{lr = 0.05, batch = 8, epochs = 1, seed = data_seed}:fit(m, small, {progress = false})
    return m
  end
  local a, b = run(3, 7), run(3, 7)
  check(H.same_weights(a, b))
  check_table_near(H.flat(a:buffers()["bn1.running_var"]), H.flat(b:buffers()["bn1.running_var"]), 0)
  check(not H.same_weights(a, run(3, 8)), "data order changes the result")
  check(not H.same_weights(a, run(4, 7)), "init changes the result")
end)

test("history: val metrics, lr schedules and warm-up", function()
  local m = tiny(5)
  local val = data.fashion_mnist().test:subset(1, 20):normalize(0.286, 0.353)
  local hist = train.sgd{lr = 0.1, batch = 16, epochs = 4, schedule = "step", milestones = {2, 3}, gamma = 0.5}
    :fit(m, small, {val = val, progress = false})
  check_near(hist[1].lr, 0.1); check_near(hist[2].lr, 0.1); check_near(hist[3].lr, 0.05); check_near(hist[4].lr, 0.025)
  for _, e in ipairs(hist) do
    check(e.val_accuracy >= 0 and e.val_accuracy <= 1 and e.val_loss > 0, "val metrics")
    check(e.accuracy >= 0 and e.accuracy <= 1)
  end
  local cos = train.sgd{lr = 0.2, batch = 16, epochs = 2, schedule = "cosine"}:fit(tiny(5), small, {progress = false})
  check_near(cos[1].lr, 0.2); check_near(cos[2].lr, 0.1, 1e-12)
  local lrs = {}
  train.sgd{lr = 0.3, batch = 16, epochs = 2, warmup = 1}:fit(tiny(5), small, {progress = false, on_batch = function(info)
    lrs[#lrs + 1] = info.lr
  end})
  check_table_near(lrs, {0.1, 0.2, 0.3, 0.3, 0.3, 0.3}, 1e-12)
end)

test("callbacks: on_batch and on_epoch see progress; returning false stops", function()
  local batches, epochs = 0, {}
  local hist = train.sgd{batch = 16, epochs = 5}:fit(tiny(6), small, {progress = false,
    on_batch = function(info)
      batches = batches + 1
      check(info.batch >= 1 and info.batch <= info.batches and info.loss > 0)
    end,
    on_epoch = function(e)
      epochs[#epochs + 1] = e.epoch
      return e.epoch < 2
    end})
  check_eq(#hist, 2)
  check_eq(batches, 6)
  check_table_near(epochs, {1, 2}, 0)
  local stopped = train.sgd{batch = 16, epochs = 3}:fit(tiny(6), small, {progress = false, on_batch = function(info) return false end})
  check_eq(#stopped, 1)
  -- an error in a callback propagates, with its message
  check_error(function()
    train.sgd{batch = 16}:fit(tiny(6), small, {progress = false, on_batch = function() error("stop here") end})
  end, "stop here")
end)

test("a hand-written loop: forward, cross_entropy, backward, opt:step lowers the loss", function()
  local m = tiny(7)
  local opt = train.optimizer(m, {lr = 0.05, momentum = 0.9, weight_decay = 0})
  local x, y = small:subset(1, 16):tensors()
  local labels = {}
  for i = 1, 16 do labels[i] = y[i] end
  local first
  for step = 1, 15 do
    local loss, grad = nn.cross_entropy(m:forward(x), labels)
    first = first or loss
    m:zero_grad()
    m:backward(grad)
    opt:step()
  end
  local last = nn.cross_entropy(m:forward(x), labels)
  check(last < first / 2, "loss " .. first .. " → " .. last)
  check_eq(opt.steps, 15)
  opt.lr = 0.01
  check_near(opt.lr, 0.01)
  local t = train.sgd{lr = 0.02, momentum = 0.5, nesterov = true}
  local o = t:optimizer(m)
  check_near(o.lr, 0.02); check_near(o.momentum, 0.5); check_eq(o.nesterov, true)
end)

test("trainer fields and tostring", function()
  local t = train.sgd{lr = 0.1, epochs = 3, schedule = "step", milestones = {2}, seed = 9}
  check_eq(t.epochs, 3); check_eq(t.schedule, "step"); check_eq(t.milestones[1], 2); check_near(t.gamma, 0.1)
  check_eq(t.seed, 9); check_eq(t.batch, 128); check_near(t.weight_decay, 5e-4)
  check(tostring(t):find("milestones = {2}", 1, true), tostring(t))
end)

test("augmentation: the trainer applies the dataset's augmentation, reproducibly; augment = false turns it off", function()
  local augmented = small:augment{crop = 2, flip = true}
  local function run(ds, augment, seed)
    local m = tiny(11)
    train.sgd{lr = 0.05, batch = 16, epochs = 1, seed = seed or 1, augment = augment}:fit(m, ds, {progress = false})
    return m
  end
  local plain = run(small, true)
  local a1, a2 = run(augmented, true), run(augmented, true)
  check(H.same_weights(a1, a2), "same seed, same augmentation draws")
  check(not H.same_weights(a1, plain), "augmentation changes the batches")
  check(H.same_weights(run(augmented, false), plain), "augment = false trains on the plain images")
  -- The same data order as `ds:batches(n, {shuffle = true, seed = s, augment = true})`: the first
  -- batch the trainer sees is the first batch of that iterator.
  local seen
  local m = tiny(12)
  train.sgd{lr = 0, momentum = 0, weight_decay = 0, batch = 16, epochs = 1, seed = 5}:fit(m, augmented, {progress = false, on_batch = function(info)
    if info.batch == 1 then seen = info.loss end
  end})
  local x, y = nil, nil
  for bx, by in augmented:batches(16, {shuffle = true, seed = 5, augment = true}) do x, y = bx, by break end
  local labels = {}
  for i = 1, 16 do labels[i] = y[i] end
  m:train()
  check_near(nn.cross_entropy(m:forward(x), labels), seen, 1e-5, "first batch loss")
end)
