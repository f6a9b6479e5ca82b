-- Throughput of one sweep worker for the vgg16/resnet34 presets: one training epoch of the
-- preset's model (width 0.25, Fashion-MNIST padded to 1×32×32, the study's recipe) on n images
-- with 1 BLAS thread.  Usage: prunelab examples/paper/epoch_time.lua vgg16|resnet34 [n = 5000]
local which, n = arg[1], math.tointeger(tonumber(arg[2] or "5000"))
if (which ~= "vgg16" and which ~= "resnet34") or not n or n < 128 or n > 60000 then
  error("usage: prunelab examples/paper/epoch_time.lua vgg16|resnet34 [n: 128…60000 images]", 0)
end
sys.set_threads(1)
local src = data.fashion_mnist()
local x, y = src.train:subset(1, n):tensors()
local padded = tensor.zeros({n, 1, 32, 32})
padded:narrow(3, 3, 28):narrow(4, 3, 28):copy(x)
local ds = data.tensors(padded, y, {classes = 10})
local o = {input = {1, 32, 32}, classes = 10, seed = 1, init = "he", width = 0.25}
local m
if which == "vgg16" then o.depth = 16; m = models.vgg(o) else o.depth = 34; m = models.resnet(o) end
local t = train.sgd{lr = 0.05, momentum = 0.9, weight_decay = 5e-4, batch = 128, epochs = 1, warmup = 1, seed = 1}
local start = sys.clock()
t:fit(m, ds, {progress = false})
local s = sys.clock() - start
print(string.format("%s: %d images in %.1f s: %.1f img/s (1 thread)", which, n, s, n / s))
