-- m:record: neurons × datapoints matrices for every layer, BatchNorm and residual adds included.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local H = dofile(here .. "nn_helpers.lua")

test("ResNet-18: BatchNorm and residual-add outputs with the documented shapes", function()
  local m = models.resnet{depth = 18, width = 0.0625, input = {3, 8, 8}, classes = 10}
  local x = H.rand({3, 3, 8, 8}, 1)
  local r = m:record(x, {layers = {"bn1", "layer1.0.add", "layer2.0.downsample.1", "layer3.1.add", "fc"}, batch = 2})
  local order = {}
  for name, a in pairs(r) do order[#order + 1] = name .. "=" .. table.concat(a:shape(), "x") end
  check_eq(table.concat(order, " "), "bn1=4x192 layer1.0.add=4x192 layer2.0.downsample.1=8x48 layer3.1.add=16x12 fc=10x3")
  local means = m:record(x, {conv = "mean"})
  local n = 0
  for name, a in pairs(means) do
    n = n + 1
    check_eq(a:shape()[2], 3, name)
  end
  check_eq(n, 67)
  check_eq(m.training, true)  -- recording ran in evaluation mode and restored the mode
end)

test("flatten columns are (n·H + h)·W + w; datasets record in order", function()
  local conv = nn.Conv2d(1, 2, 1, {bias = false})
  H.set(conv:parameters().weight, {1, -1})
  local m = nn.Sequential{conv, input = {1, 2, 3}}
  local x = tensor.zeros(2, 1, 2, 3)
  H.set(x, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
  local r = m:record(x)
  check_table_near(H.flat(r.conv1), {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, -1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12}, 0)
  local mean = m:record(x, {conv = "mean"})
  check_table_near(H.flat(mean.conv1), {3.5, 9.5, -3.5, -9.5}, 1e-6)
  -- a dataset gives the same as its tensors
  local ds = H.fashion(5)
  local convnet = models.convnet{seed = 2}
  local from_ds = convnet:record(ds, {layers = {"fc3"}, batch = 2}).fc3
  local images = ds:tensors()
  local from_x = convnet:record(images, {layers = {"fc3"}, batch = 5}).fc3
  check_table_near(H.flat(from_ds), H.flat(from_x), 1e-5)
  check_eq(table.concat(from_ds:shape(), "x"), "10x5")
end)
