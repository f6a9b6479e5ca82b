-- The models module: architectures, parameter counts (matching PyTorch / the published CIFAR
-- variants), names, shapes, seeding, summaries.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local H = dofile(here .. "nn_helpers.lua")

test("parameter counts match the PyTorch definitions", function()
  -- CIFAR ResNet-18/34 (3×3 stem): the well-known 11,173,962 and 21,282,122.
  check_eq(models.resnet{depth = 18}.parameter_count, 11173962)
  check_eq(models.resnet{depth = 34}.parameter_count, 21282122)
  check_eq(models.vgg{depth = 16}.parameter_count, 14990922)
  check_eq(models.convnet{input = {1, 28, 28}, classes = 10}.parameter_count, 1384586)
  check_eq(models.convnet{input = {3, 32, 32}, classes = 10}.parameter_count, 1756426)
  check_eq(models.mlp{input = 784, hidden = {100}, classes = 10}.parameter_count, 784 * 100 + 100 + 100 * 10 + 10)
end)

test("convnet: the paper's layers and output shapes", function()
  local m = models.convnet{input = {1, 28, 28}, classes = 10, seed = 3}
  check_eq(table.concat(m:layers(), " "), "conv1 relu1 pool1 conv2 relu2 pool2 flatten fc1 relu3 fc2 relu4 fc3")
  local y = m:forward(H.rand({2, 1, 28, 28}, 1))
  check_eq(table.concat(y:shape(), "x"), "2x10")
  local s = tostring(m)
  check(s:find("64×14×14", 1, true) and s:find("64×7×7", 1, true) and s:find("3136", 1, true), s)
  check(s:find("1,384,586 parameters", 1, true), s)
end)

test("resnet: torchvision-style names, residual adds, projection shortcuts", function()
  local m = models.resnet{depth = 18, width = 0.125, input = {3, 16, 16}, classes = 5}
  local names = m:layers()
  check_eq(#names, 67)
  check_eq(names[1], "conv1"); check_eq(names[2], "bn1"); check_eq(names[3], "relu")
  local set = {}
  for _, n in ipairs(names) do set[n] = true end
  for _, n in ipairs{"layer1.0.add", "layer2.0.conv1", "layer2.0.downsample.0", "layer2.0.downsample.1", "layer4.1.relu2", "avgpool", "fc"} do
    check(set[n], n)
  end
  check(not set["layer1.0.downsample.0"], "identity shortcut in layer1")
  check_eq(table.concat(m:forward(H.rand({2, 3, 16, 16}, 2)):shape(), "x"), "2x5")
  local p = m:parameters()
  check_eq(table.concat(p["layer2.0.downsample.0.weight"]:shape(), "x"), "16x8x1x1")
  check_eq(table.concat(p["layer3.1.conv2.weight"]:shape(), "x"), "32x32x3x3")
  check(p["layer1.0.conv1.bias"] == nil, "ResNet convolutions have no bias")
  check_eq(#models.resnet{depth = 34, width = 0.125}:layers(), 3 + (3 + 4 + 6 + 3) * 7 + 3 * 2 + 2)
end)

test("vgg: 13 conv+bn+relu for depth 16, five pools, classifier fc1 relu dropout fc2", function()
  local m = models.vgg{depth = 16, width = 0.125, classes = 4}
  local names = table.concat(m:layers(), " ")
  check(names:find("conv13 bn13 relu13 pool5 flatten fc1 relu14 dropout1 fc2$"), names)
  check_eq(#models.vgg{depth = 11, width = 0.125, bn = false}:layers(), 8 * 2 + 5 + 5)
  check_eq(table.concat(m:forward(H.rand({2, 3, 32, 32}, 4)):shape(), "x"), "2x4")
end)

test("seeds: the same seed gives the same weights; init = 'he' draws normals with std √(2/fan_in)", function()
  check(H.same_weights(models.convnet{seed = 5}, models.convnet{seed = 5}))
  check(not H.same_weights(models.convnet{seed = 5}, models.convnet{seed = 6}))
  local he = models.mlp{input = 400, hidden = {300}, classes = 2, init = "he", seed = 1}
  local w = H.flat(he:parameters()["fc1.weight"])
  local sq = 0
  for _, v in ipairs(w) do sq = sq + v * v end
  check_near(math.sqrt(sq / #w), math.sqrt(2 / 400), 0.02)
  for _, v in ipairs(H.flat(he:parameters()["fc1.bias"])) do check_eq(v, 0) end
  local default = models.mlp{input = 400, hidden = {300}, classes = 2, seed = 1}
  for _, v in ipairs(H.flat(default:parameters()["fc1.bias"])) do check(math.abs(v) <= 1 / 20) end
end)

test("m:save / models.load round-trip bit-exactly (weights, BatchNorm statistics, architecture)", function()
  local path = os.tmpname() .. ".safetensors"
  local m = models.resnet{depth = 18, width = 0.0625, input = {3, 8, 8}, classes = 3, seed = 8}
  local x = H.rand({4, 3, 8, 8}, 2)
  m:forward(x)  -- training mode: running statistics move
  check_eq(m:save(path), m)
  local l = models.load(path)
  os.remove(path)
  check_eq(tostring(l), tostring(m))
  check(H.same_weights(l, m))
  for name, b in pairs(m:buffers()) do check(b:equal(l:buffers()[name]), name) end
  m:eval(); l:eval()
  check(m:forward(x):equal(l:forward(x)))
end)
