-- tostring: NumPy/Torch7-style text ending with dtype and shape; help for every function.

test("small tensors print every element with a common format", function()
  check_eq(tostring(tensor.from{{1, 2}, {3, 4}}), "[[1, 2],\n [3, 4]]\n[float32 tensor of shape 2×2]")
  check_eq(tostring(tensor.from({0.5, -1.25}, {dtype = "float64"})), "[ 0.500000, -1.250000]\n[float64 tensor of shape 2]")
  check_eq(tostring(tensor.from{1.5, 0 / 0, 1 / 0}), "[1.5000,    nan,    inf]\n[float32 tensor of shape 3]")
  check_eq(tostring(tensor.from(3)), "3\n[float32 0-d tensor]")
  check_eq(tostring(tensor.zeros(0, 3)), "[]\n[float32 tensor of shape 0×3]")
  check_eq(tostring(tensor.from({1e-9, 1e10}, {dtype = "float64"})), "[1.000000e-09, 1.000000e+10]\n[float64 tensor of shape 2]")
end)

test("large tensors are summarised with ... and keep their last line", function()
  local s = tostring(tensor.arange(0, 2000))
  check_eq(s, "[   0,    1,    2, ..., 1997, 1998, 1999]\n[float32 tensor of shape 2000]")
  local m = tostring(tensor.arange(0, 40000):reshape(200, 200))
  check(m:find("...,", 1, true) ~= nil, "rows summarised")
  check(m:find("[float32 tensor of shape 200×200]", 1, true) ~= nil)
  local lines = 0
  for _ in m:gmatch("\n") do lines = lines + 1 end
  check(lines < 12, "a 200×200 tensor prints in a few lines, got " .. lines)
  local view = tensor.arange(0, 3000):reshape(30, 100):t()          -- summarised, strided
  check_eq(tostring(view), tostring(view:contiguous()))
  check(tostring(view):find("[   0,  100,  200, ..., 2700, 2800, 2900],", 1, true) ~= nil)
end)

test("every tensor function and method is documented", function()
  -- help() prints from the docs registry; read it directly.
  local docs = debug.getregistry()["prunelab.docs"]
  local count = 0
  for name, f in pairs(tensor) do
    if type(f) == "function" then
      count = count + 1
      local d = docs[f]
      check(d ~= nil and d.signature:find("tensor." .. name, 1, true) ~= nil and #d.doc > 10, "help for tensor." .. name)
    end
  end
  check(count > 80, "tensor has its functions: " .. count)
  local methods = getmetatable(tensor.zeros(1)).__methods
  for name, f in pairs(methods) do
    local d = docs[f]
    check(d ~= nil and d.signature:find(":" .. name, 1, true) ~= nil and #d.doc > 10, "help for t:" .. name)
  end
end)
