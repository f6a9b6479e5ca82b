-- The paper's ConvNet on Fashion-MNIST (Blakeney, Yan & Zong, 2020), PyTorch's recipe:
-- batch 128, SGD lr 0.05, momentum 0.9, weight decay 5e-4, inputs normalised with the training
-- set's mean 0.286 and std 0.353. Reaches about 86% test accuracy after one epoch and 90% within
-- ten. Saves the trained model to convnet_fmnist.safetensors.
--
--   prunelab examples/fashion_mnist_convnet.lua [epochs = 10] [model seed = 1] [data seed = 1]
local epochs = tonumber(arg and arg[1]) or 10
local model_seed = tonumber(arg and arg[2]) or 1
local data_seed = tonumber(arg and arg[3]) or 1

local fm = data.fashion_mnist()
local train_set = fm.train:normalize(0.286, 0.353)
local test_set = fm.test:normalize(0.286, 0.353)

local m = models.convnet{input = {1, 28, 28}, classes = 10, seed = model_seed}
print(m)

local t = train.sgd{lr = 0.05, momentum = 0.9, weight_decay = 5e-4, batch = 128, epochs = epochs, seed = data_seed}
local hist = t:fit(m, train_set, {val = test_set})

print(string.format("\n%-6s %-10s %-10s %-10s %-8s %s", "epoch", "loss", "train acc", "test acc", "seconds", "images/s"))
for e, h in ipairs(hist) do
  print(string.format("%-6d %-10.4f %-10.4f %-10.4f %-8.1f %.0f", e, h.loss, h.accuracy, h.val_accuracy, h.seconds, h.images_per_second))
end
local best = 0
for _, h in ipairs(hist) do best = math.max(best, h.val_accuracy) end
print(string.format("test accuracy after epoch 1: %.2f%%, best: %.2f%%", hist[1].val_accuracy * 100, best * 100))
m:save("convnet_fmnist.safetensors")
print("saved convnet_fmnist.safetensors")
