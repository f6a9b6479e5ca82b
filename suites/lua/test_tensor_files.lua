-- .npy, .npz and .safetensors files from Lua.
local tmp = os.tmpname(); os.remove(tmp)
local function path(name) return tmp .. "_" .. name end

local a = tensor.randn(3, 4, {seed = 1})
local b = tensor.randn(2, 5, {seed = 2, dtype = "float64"})

test("t:save and tensor.load round trip .npy exactly, both types and views", function()
  for _, t in ipairs{a, b, b:t(), tensor.from(1.5), tensor.zeros(0, 2)} do
    local p = path("x.npy")
    check(t:save(p) == t, "save returns t")
    local back = tensor.load(p)
    check(back == t); check_eq(back:dtype(), t:dtype()); check_table_near(back:shape(), t:shape(), 0)
    os.remove(p)
  end
  local p = path("y.npy")
  tensor.save(a, p)                     -- function form with the tensor first
  check(tensor.load(p) == a)
  check_eq(#tensor.keys(p), 1); check_eq(tensor.keys(p)[1], "arr_0")
  os.remove(p)
end)

test("npz archives: named tensors, stored or compressed, by key", function()
  for _, compressed in ipairs{false, true} do
    local p = path("pair.npz")
    tensor.save(p, {a = a, b = b}, {compressed = compressed})
    check_eq(table.concat(tensor.keys(p), ","), "a,b")
    check(tensor.load(p, "a") == a); check(tensor.load(p .. ":b") == b)
    check_eq(tensor.load(p, "b"):dtype(), "float64")
    local all, meta = tensor.load_all(p)
    check(all.a == a and all.b == b); check_eq(next(meta), nil)
    os.remove(p)
  end
  local single = path("one.npz")
  a:save(single, {compressed = true})
  check(tensor.load(single) == a, "a single member needs no key")
  check_eq(tensor.keys(single)[1], "arr_0")
  os.remove(single)
end)

test("safetensors: tensors and metadata", function()
  local p = path("model.safetensors")
  tensor.save(p, {["conv.weight"] = a, ["fc.bias"] = b}, {metadata = {arch = "convnet", seed = "3"}})
  check_eq(table.concat(tensor.keys(p), ","), "conv.weight,fc.bias")
  check(tensor.load(p, "conv.weight") == a); check(tensor.load(p .. ":fc.bias") == b)
  local all, meta = tensor.load_all(p)
  check(all["conv.weight"] == a and all["fc.bias"] == b)
  check_eq(meta.arch, "convnet"); check_eq(meta.seed, "3")
  local one = path("one.safetensors")
  tensor.save(one, b, {metadata = {note = "single"}})
  check(tensor.load(one) == b)
  local _, m = tensor.load_all(one)
  check_eq(m.note, "single")
  os.remove(p); os.remove(one)
end)

test("save is atomic: a failed save leaves the previous file", function()
  local p = path("keep.npz")
  tensor.save(p, {a = a})
  check_error(function() tensor.save(p, {a = a, [""] = b}) end, "tensor.save", "non-empty")
  check(tensor.load(p, "a") == a, "the old file is intact")
  os.remove(p)
end)
