-- Every tensor function with wrong types, wrong shapes, out-of-range indices and bad files:
-- each gives an error naming the function, and the process survives.
local tmp = os.tmpname(); os.remove(tmp)
local function path(name) return tmp .. "_" .. name end
local function write(name, bytes) local f = assert(io.open(path(name), "wb")); f:write(bytes); f:close(); return path(name) end

local m = tensor.from{{1, 2, 3}, {4, 5, 6}}
local v = tensor.from{1, 2, 3}

test("factories reject bad sizes, options and values", function()
  check_error(function() tensor.zeros("a") end, "tensor.zeros", "argument 1", 'got string "a"')
  check_error(function() tensor.zeros(-1) end, "tensor.zeros", "non-negative")
  check_error(function() tensor.ones(2, {dtype = "int8"}) end, "tensor.ones", "option 'dtype'", '"float32"')
  check_error(function() tensor.ones(2, {shape = 1}) end, "tensor.ones", "unknown option 'shape'")
  check_error(function() tensor.zeros(2^40, 2^40) end, "tensor.zeros", "elements")
  check_error(function() tensor.full({2, -2}, 1) end, "tensor.full", "non-negative")
  check_error(function() tensor.full({2}, "x") end, "tensor.full", "argument 2 (value)", "a number")
  check_error(function() tensor.full(true, 1) end, "tensor.full", "argument 1 (size)")
  check_error(function() tensor.eye(-2) end, "tensor.eye", "non-negative")
  check_error(function() tensor.eye("n") end, "tensor.eye", "argument 1 (n)")
  check_error(function() tensor.eye(2, 3, 4) end, "tensor.eye")
  check_error(function() tensor.arange() end, "tensor.arange", "1 to 3 numbers")
  check_error(function() tensor.arange(0, 1, 0) end, "tensor.arange", "non-zero step")
  check_error(function() tensor.arange(0, 1 / 0) end, "tensor.arange", "finite")
  check_error(function() tensor.arange(0, 1e300, 1) end, "tensor.arange", "at most")
  check_error(function() tensor.arange(1, 2, 3, 4) end, "tensor.arange", "1 to 3 numbers")
  check_error(function() tensor.linspace(0, 1) end, "tensor.linspace", "argument 3 (n)")
  check_error(function() tensor.linspace(0, 1, -3) end, "tensor.linspace", "non-negative")
  check_error(function() tensor.linspace(0, 0 / 0, 3) end, "tensor.linspace", "finite")
  check_error(function() tensor.rand(2, {seed = -1}) end, "tensor.rand", "option 'seed'")
  check_error(function() tensor.rand(2, {seed = 1.5}) end, "tensor.rand", "option 'seed'")
  check_error(function() tensor.randn({2, "x"}) end, "tensor.randn", "entry 2")
  check_error(function() tensor.randn({2, seed = 1}, {dtype = "float64"}) end, "tensor.randn", "not both")
  check_error(function() tensor.seed(-5) end, "tensor.seed", "argument 1 (n)")
  check_error(function() tensor.seed("x") end, "tensor.seed")
end)

test("tensor.from rejects ragged, non-numeric and cyclic data", function()
  check_error(function() tensor.from{{1, 2}, {3}} end, "tensor.from", "ragged", "entry [2]", "expected 2")
  check_error(function() tensor.from{{1, 2}, 3} end, "tensor.from", "ragged", "entry [2]")
  check_error(function() tensor.from{1, "2"} end, "tensor.from", "entry [2]", "string")
  check_error(function() tensor.from{{1}, {{2}}} end, "tensor.from", "entry [2][1]")
  check_error(function() tensor.from("abc") end, "tensor.from", "argument 1 (data)")
  check_error(function() tensor.from() end, "tensor.from", "argument 1 (data)")
  local cyc = {}; cyc[1] = cyc
  check_error(function() tensor.from(cyc) end, "tensor.from", "nested deeper")
  check_error(function() tensor.from({1}, {dtype = "half"}) end, "tensor.from", "option 'dtype'")
end)

test("methods reject wrong self, wrong argument types and extra arguments", function()
  check_error(function() tensor.sum(3) end, "tensor.sum", "argument 1 (self)", "expected a tensor", "got number 3")
  check_error(function() m.sum({}) end, "tensor:sum", "argument 1 (self)", "got table")
  check_error(function() m:sum("x") end, "tensor:sum", "argument 2 (dim)")
  check_error(function() m:add("x") end, "tensor:add", "argument 2 (u)", "a tensor or a number")
  check_error(function() m:add() end, "tensor:add", "argument 2 (u)", "no value")
  check_error(function() m:abs(1) end, "tensor:abs", "at most 1 argument")
  check_error(function() m:matmul(2) end, "tensor:matmul", "argument 2 (u)", "a tensor")
  check_error(function() m:fill("x") end, "tensor:fill", "argument 2 (value)")
  check_error(function() m:clamp() end, "tensor:clamp", "neither")
  check_error(function() m:clamp_("a", 1) end, "tensor:clamp_", "argument 2 (min)")
  check_error(function() m:copy(3) end, "tensor:copy", "argument 2 (src)")
  check_error(function() m:add_(v, "x") end, "tensor:add_", "argument 3 (alpha)")
  check_error(function() m:equal(1) end, "tensor:equal", "argument 2 (u)")
  check_error(function() m:var(1, {unbiased = "no"}) end, "tensor:var", "option 'unbiased'", "a boolean")
  check_error(function() m:std{bias = true} end, "tensor:std", "unknown option 'bias'")
  check_error(function() m:max(1, {keepdim = 1}) end, "tensor:max", "option 'keepdim'")
  check_error(function() m:sum(1, {}, 3) end, "tensor:sum", "at most 3")
end)

test("one-tensor methods reject a non-tensor self and extra arguments", function()
  local calls = {
    {"ceil", function() return tensor.ceil("x") end}, {"clone", function() return tensor.clone({}) end},
    {"contiguous", function() return tensor.contiguous(1) end}, {"cos", function() return tensor.cos(true) end},
    {"dim", function() return tensor.dim() end}, {"double", function() return tensor.double("t") end},
    {"dtype", function() return tensor.dtype(2) end}, {"exp", function() return tensor.exp({1, 2}) end},
    {"flatten", function() return tensor.flatten(nil) end}, {"float", function() return tensor.float(0) end},
    {"floor", function() return tensor.floor("1.5") end}, {"is_contiguous", function() return tensor.is_contiguous({}) end},
    {"log", function() return tensor.log(1) end}, {"neg", function() return tensor.neg("x") end},
    {"numel", function() return tensor.numel({}) end}, {"relu", function() return tensor.relu(0) end},
    {"round", function() return tensor.round(2.5) end}, {"shape", function() return tensor.shape("2x3") end},
    {"sigmoid", function() return tensor.sigmoid(nil) end}, {"sign", function() return tensor.sign(-1) end},
    {"sin", function() return tensor.sin(math.pi) end}, {"sqrt", function() return tensor.sqrt(4) end},
    {"tanh", function() return tensor.tanh({}) end}, {"totable", function() return tensor.totable({1}) end},
    {"zero", function() return tensor.zero(0) end},
  }
  for _, c in ipairs(calls) do check_error(c[2], "tensor." .. c[1], "argument 1 (self)", "expected a tensor") end
  for _, name in ipairs{"ceil", "clone", "contiguous", "cos", "dim", "double", "dtype", "exp", "flatten", "float",
                        "floor", "is_contiguous", "log", "neg", "numel", "relu", "round", "shape", "sigmoid",
                        "sign", "sin", "sqrt", "tanh", "totable", "zero"} do
    check_error(function() return m[name](m, 1) end, "tensor:" .. name, "at most 1 argument")
  end
  check_error(function() return m:div({}) end, "tensor:div", "argument 2 (u)")
  check_error(function() return m:div_("2") end, "tensor:div_", "argument 2 (u)")
  check_error(function() return m:sub(true) end, "tensor:sub", "argument 2 (u)")
  check_error(function() return m:sub_(tensor.zeros(4)) end, "tensor:sub_", "broadcast")
  check_error(function() return m:pow("2") end, "tensor:pow", "argument 2 (u)")
  check_error(function() return m:pow(tensor.zeros(2, 2)) end, "tensor:pow", "broadcast")
  check_error(function() return m:maximum() end, "tensor:maximum", "argument 2 (u)")
  check_error(function() return m:ne({}) end, "tensor:ne", "argument 2 (u)")
  check_error(function() return m:ge(tensor.zeros(3, 1)) end, "tensor:ge", "broadcast")
  check_error(function() return m:gt("1") end, "tensor:gt", "argument 2 (u)")
end)

test("arithmetic on incompatible shapes names the operation and both shapes", function()
  check_error(function() return m + tensor.zeros(2) end, "tensor __add", "broadcast", "2×3 and 2")
  check_error(function() return m - tensor.zeros(3, 3) end, "tensor __sub", "2×3 and 3×3")
  check_error(function() return m * "x" end, "tensor __mul", "right operand")
  check_error(function() return {} / m end, "tensor __div", "left operand")
  check_error(function() return m ^ true end, "tensor __pow")
  check_error(function() return m < m end, "tensor __lt", "t:lt(u)")
  check_error(function() return m <= 1 end, "tensor __le", "t:le(u)")
  check_error(function() m:mul(tensor.zeros(4)) end, "tensor:mul", "broadcast")
  check_error(function() m:eq(tensor.zeros(2, 2)) end, "tensor:eq", "broadcast")
  check_error(function() m:minimum(tensor.zeros(5)) end, "tensor:minimum", "broadcast")
  check_error(function() m:add_(tensor.zeros(3, 3)) end, "tensor:add", "2×3")
  check_error(function() v:mul_(m) end, "tensor:mul_", "in-place", "3")
  check_error(function() m:copy(tensor.zeros(3, 2)) end, "tensor:copy", "3×2", "2×3")
  check_error(function() m:matmul(m) end, "tensor:matmul", "3 ≠ 2")
  check_error(function() m:mm(v) end, "tensor:mm", "two matrices")
  check_error(function() v:dot(tensor.zeros(4)) end, "tensor:dot", "equal length")
  check_error(function() tensor.from(1):matmul(m) end, "tensor:matmul", "at least 1 dimension")
end)

test("dimensions and indices out of range", function()
  check_error(function() m:sum(3) end, "tensor:sum", "argument 2 (dim)", "1…2", "got 3")
  check_error(function() m:sum(0) end, "tensor:sum", "got 0")
  check_error(function() m:mean(-3) end, "tensor:mean", "−2…−1")
  check_error(function() m:argmax(5) end, "tensor:argmax")
  check_error(function() m:size(3) end, "tensor:size", "argument 2 (dim)")
  check_error(function() tensor.from(1):sum(1) end, "tensor:sum", "0-d")
  check_error(function() m:select(1, 3) end, "tensor:select", "index 3 out of range for dimension 1 of size 2")
  check_error(function() m:select(3, 1) end, "tensor:select", "argument 2 (dim)")
  check_error(function() m:narrow(2, 3, 2) end, "tensor:narrow", "do not fit dimension 2 of size 3")
  check_error(function() m:narrow(2, 0, 1) end, "tensor:narrow")
  check_error(function() m:slice(2, 1, 9) end, "tensor:slice", "out of range")
  check_error(function() m:slice(2, 1, 2, 0) end, "tensor:slice", "step ≥ 1")
  check_error(function() m:transpose(1, 3) end, "tensor:transpose", "argument 3 (d2)")
  check_error(function() m:permute(1) end, "tensor:permute", "each of the 2 dimensions", "got 1")
  check_error(function() m:permute(1, 1) end, "tensor:permute", "exactly once, got 1, 1")
  check_error(function() m:permute(1, 5) end, "tensor:permute", "1…2")
  check_error(function() m:squeeze(4) end, "tensor:squeeze")
  check_error(function() m:unsqueeze(5) end, "tensor:unsqueeze", "1…3")
  check_error(function() m:unsqueeze() end, "tensor:unsqueeze", "argument 2 (dim)")
  check_error(function() return m[3] end, "tensor index", "index 3 out of range for dimension 1 of size 2")
  check_error(function() return m[0] end, "tensor index", "out of range")
  check_error(function() return m[{1, 4}] end, "tensor index", "dimension 2 of size 3")
  check_error(function() return m[{1, 1, 1}] end, "tensor index", "3 indices", "2 dimensions")
  check_error(function() return m[1.5] end, "tensor index", "cannot index")
  check_error(function() return m[true] end, "tensor index", "cannot index")
  check_error(function() return tensor.from(1)[1] end, "tensor index", "0 dimensions")
  check_error(function() m[3] = 1 end, "tensor newindex", "out of range")
  check_error(function() m[1] = "x" end, "tensor newindex", "argument 3 (value)")
  check_error(function() m[1] = tensor.zeros(2) end, "tensor newindex", "shape 2", "slot of shape 3")
  check_error(function() m.field = 1 end, "tensor newindex", "cannot set field 'field'")
end)

test("shape changes that cannot work", function()
  check_error(function() m:reshape(4, 2) end, "tensor:reshape", "6 elements")
  check_error(function() m:reshape(-1, -1) end, "tensor:reshape", "at most one -1")
  check_error(function() m:reshape(-2, 3) end, "tensor:reshape", "sizes ≥ 0")
  check_error(function() m:reshape("a") end, "tensor:reshape", "argument 2 (size)")
  check_error(function() m:t():view(6) end, "tensor:view", "reshape")
  check_error(function() m:view{5} end, "tensor:view", "6 elements")
  check_error(function() tensor.zeros(2, 2, 2):t() end, "tensor:t", "at most 2 dimensions")
  check_error(function() m:expand(3, 3) end, "tensor:expand", "broadcasts to 3×3")
  check_error(function() m:expand(3) end, "tensor:expand", "at least 2 dimensions")
  check_error(function() m:expand(-1, 2, 3) end, "tensor:expand", "-1 is only allowed")
  check_error(function() m:item() end, "tensor:item", "one element")
  check_error(function() tensor.zeros(0):max() end, "tensor:max", "non-empty")
  check_error(function() tensor.zeros(2, 0):min(2) end, "tensor:min", "non-empty dimension")
  check_error(function() tensor.zeros(0):argmin() end, "tensor:argmin", "non-empty")
end)

test("bad files give errors naming the function and the file", function()
  check_error(function() tensor.load(path("missing.npy")) end, "tensor.load", "missing.npy", "cannot open")
  check_error(function() tensor.load("/tmp") end, "tensor.load", "/tmp")
  check_error(function() tensor.load(3) end, "tensor.load", "argument 1 (path)")
  check_error(function() tensor.load(path("x.npy"), 3) end, "tensor.load", "argument 2 (key)")
  local npy = write("bad.npy", "\147NUMPY\1\0\100\0{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }")
  check_error(function() tensor.load(npy) end, "tensor.load", "bad.npy", "truncated")
  local magic = write("magic.npy", "PK\3\4 this is not numpy")
  check_error(function() tensor.load(magic) end, "tensor.load", "magic.npy", "bad magic")
  local big = write("bigendian.npy", "\147NUMPY\1\0\70\0{'descr': '>f8', 'fortran_order': False, 'shape': (1,), }" .. string.rep(" ", 60 - 58) .. "\n" .. string.rep("\0", 8))
  check_error(function() tensor.load(big) end, "tensor.load", "bigendian.npy")
  local zip = write("bad.npz", "PK\3\4" .. string.rep("x", 40))
  check_error(function() tensor.load(zip, "a") end, "tensor.load", "bad.npz")
  local st = write("bad.safetensors", string.pack("<I8", 20) .. '{"w": {"dtype": "F32", ')
  check_error(function() tensor.load(st, "w") end, "tensor.load", "bad.safetensors")
  local lying = write("lying.safetensors", string.pack("<I8", 58) .. '{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}   ' .. string.rep("\0", 8))
  check_error(function() tensor.load(lying, "w") end, "tensor.load", "lying.safetensors", "truncated")
  check_error(function() tensor.load_all(lying) end, "tensor.load_all", "lying.safetensors")
  check_error(function() tensor.keys(zip) end, "tensor.keys", "bad.npz")
  check_error(function() tensor.keys(path("none.npz")) end, "tensor.keys", "cannot open")
  check_error(function() tensor.load_all() end, "tensor.load_all", "argument 1 (path)")
  local good = path("good.npz")
  tensor.save(good, {a = m, b = v})
  check_error(function() tensor.load(good) end, "tensor.load", "2 tensors", "'a'", "'b'")
  check_error(function() tensor.load(good, "c") end, "tensor.load", "no array 'c'")
  local gnpy = path("good.npy"); m:save(gnpy)
  check_error(function() tensor.load(gnpy, "a") end, "tensor.load", "one array")
  check_error(function() tensor.load(path("what.txt")) end, "tensor.load", "what.txt")
  os.remove(good); os.remove(gnpy)
end)

test("bad saves give errors and leave nothing behind", function()
  check_error(function() m:save(path("x.txt")) end, "tensor:save", "extension")
  check_error(function() m:save(3) end, "tensor:save", "argument 2 (path)")
  check_error(function() m:save("/nonexistent-dir/x.npy") end, "tensor:save", "/nonexistent-dir/x.npy", "cannot create")
  check_error(function() m:save(path("x.npy"), {level = 9}) end, "tensor:save", "unknown option 'level'")
  check_error(function() tensor.save(path("y.npy"), {a = m, b = v}) end, "tensor.save", "one array")
  check_error(function() tensor.save(path("y.npz"), {a = m}, {metadata = {k = "v"}}) end, "tensor.save", "cannot hold metadata")
  check_error(function() tensor.save(path("y.safetensors"), {a = m}, {metadata = {k = 1}}) end, "tensor.save", "option 'metadata'")
  check_error(function() tensor.save(path("y.safetensors"), {a = 1}) end, "tensor.save", "entry 'a'")
  check_error(function() tensor.save(path("y.safetensors"), {m}) end, "tensor.save", "keys must be names")
  check_error(function() tensor.save(path("y.safetensors"), {__metadata__ = m}) end, "tensor.save", "__metadata__")
  check_error(function() tensor.save(path("y.npz"), "x") end, "tensor.save", "argument 2 (tensors)")
  check_error(function() tensor.save() end, "tensor.save", "argument 1 (path)")
  for _, name in ipairs{"x.txt", "y.npy", "y.npz", "y.safetensors"} do
    check(io.open(path(name)) == nil, "no file left: " .. name)
  end
end)

test("every tensor function survives junk arguments with an error naming it", function()
  local junk = {nil, true, "x", {}, {1, "a"}, -1, 0, 1.5, 2^62, math.huge, 0 / 0, print,
                tensor.zeros(2, 3), tensor.from(1), tensor.zeros(0)}
  local n = 15
  local names = {}
  for name, f in pairs(tensor) do if type(f) == "function" then names[#names + 1] = name end end
  table.sort(names)
  local calls, bad = 0, {}
  for _, name in ipairs(names) do
    local f = tensor[name]
    local function try(...)
      calls = calls + 1
      local ok, err = pcall(f, ...)
      if not ok then
        local text = tostring(err)
        if not (text:find("tensor." .. name, 1, true) or text:find("tensor:" .. name, 1, true)) then
          bad[#bad + 1] = name .. ": " .. text
        end
      end
    end
    try()
    for i = 1, n do
      try(junk[i])
      for j = 1, n do try(junk[i], junk[j]) end
    end
  end
  check(calls > 20000, "calls made: " .. calls)
  check(#bad == 0, "errors not naming their function:\n" .. table.concat(bad, "\n", 1, math.min(#bad, 10)))
  tensor.seed(0)
end)
