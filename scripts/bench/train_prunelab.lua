-- prunelab side of scripts/bench_train: trains and runs one model on synthetic data and
-- prints one JSON line of timings (seconds per batch).
-- usage: prunelab train_prunelab.lua MODEL C H W WIDTH BATCH GROUPS STEPS_PER_GROUP
local name, c, h, w, width, batch, groups, steps = table.unpack(arg)
c, h, w, batch, groups, steps = tonumber(c), tonumber(h), tonumber(w), tonumber(batch), tonumber(groups), tonumber(steps)
width = tonumber(width)
local input = {c, h, w}
local m
if name == "convnet" then
  m = models.convnet{input = input, classes = 10}
elseif name:match("^vgg") then
  m = models.vgg{depth = tonumber(name:sub(4)), input = input, classes = 10, width = width}
elseif name:match("^resnet") then
  m = models.resnet{depth = tonumber(name:sub(7)), input = input, classes = 10, width = width}
else
  error("unknown model " .. name)
end
-- Synthetic data: one batch of pseudo-random images (a fixed LCG), repeated `steps` times.
local x = tensor.zeros(batch, c, h, w)
local state = 12345
for n = 1, batch do
  local sample = x[n]
  for ch = 1, c do
    local plane = sample[ch]
    for i = 1, h do
      local row = plane[i]
      for j = 1, w do
        state = (state * 1103515245 + 12345) % 2147483648
        row[j] = state / 2147483648 * 2 - 1
      end
    end
  end
end
local labels = {}
for i = 1, batch do labels[i] = (i % 10) + 1 end
local ds = data.tensors(x, labels, {classes = 10})
local big = tensor.zeros(batch * steps, c, h, w)
local big_labels = {}
for s = 0, steps - 1 do
  for i = 1, batch do
    big[s * batch + i] = x[i]
    big_labels[s * batch + i] = labels[i]
  end
end
local train_ds = data.tensors(big, big_labels, {classes = 10})
local t = train.sgd{lr = 0.01, momentum = 0.9, weight_decay = 5e-4, batch = batch, epochs = 1, seed = 1}
t:fit(m, ds, {progress = false})  -- warm-up (one batch)
local train_times = {}
for g = 1, groups do
  local hist = t:fit(m, train_ds, {progress = false})
  train_times[g] = hist[1].seconds / steps
end
m:eval()
local infer_times = {}
m:evaluate(ds, {batch = batch})  -- warm-up
for g = 1, groups do
  local _, _, seconds = m:evaluate(train_ds, {batch = batch})
  infer_times[g] = seconds / steps
end
local function json_list(t)
  local parts = {}
  for i, v in ipairs(t) do parts[i] = string.format("%.6f", v) end
  return "[" .. table.concat(parts, ", ") .. "]"
end
print(string.format('{"train": %s, "infer": %s}', json_list(train_times), json_list(infer_times)))
