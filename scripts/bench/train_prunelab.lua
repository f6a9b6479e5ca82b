-- prunelab side of scripts/bench_train: trains and runs one model on one synthetic batch and
-- prints one JSON line with the seconds of every training step and every inference pass.
-- usage: prunelab train_prunelab.lua MODEL C H W WIDTH BATCH STEPS
local name, c, h, w, width, batch, steps = table.unpack(arg)
c, h, w, batch, steps = tonumber(c), tonumber(h), tonumber(w), tonumber(batch), tonumber(steps)
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
local x = tensor.randn{batch, c, h, w, seed = 1}
local labels = {}
for i = 1, batch do labels[i] = (i % 10) + 1 end
local ds = data.tensors(x, labels, {classes = 10})
x = nil
collectgarbage()
-- One batch per epoch: the history's per-epoch seconds are per-step times.
local warmup = 2
local t = train.sgd{lr = 0.01, momentum = 0.9, weight_decay = 5e-4, batch = batch, epochs = steps + warmup, seed = 1}
local hist = t:fit(m, ds, {progress = false})
local train_times = {}
for i = warmup + 1, #hist do train_times[#train_times + 1] = hist[i].seconds end
m:eval()
local infer_times = {}
for i = 1, steps + warmup do
  local _, _, seconds = m:evaluate(ds, {batch = batch})
  if i > warmup then infer_times[#infer_times + 1] = seconds end
end
local function json_list(list)
  local parts = {}
  for i, v in ipairs(list) do parts[i] = string.format("%.6f", v) end
  return "[" .. table.concat(parts, ", ") .. "]"
end
print(string.format('{"train": %s, "infer": %s}', json_list(train_times), json_list(infer_times)))
