-- Inputs that used to crash the process (issue 16, part 3), one family per test: each now
-- gives a clean error naming the function, what it expected and what it was given, and the
-- process goes on. Process-level families (FIFOs, kill -9 during a save, peak memory, the
-- interactive shell living on) are in suites/shell/crash_families.sh.
local tmp = os.tmpname(); os.remove(tmp)
local function path(name) return tmp .. "_" .. name end
local function read(p) local f = assert(io.open(p, "rb")); local s = f:read("a"); f:close(); return s end
local function write(p, bytes) local f = assert(io.open(p, "wb")); f:write(bytes); f:close(); return p end

local MIN, MAX = math.mininteger, math.maxinteger
local extremes = { MIN, MAX, MIN + 1, -(1 << 62), 1 << 62, -(1 << 53) }

test("dimensions and indices: every Lua integer is a range error, never an overflow", function()
  local t = tensor.ones(2, 3)
  for _, v in ipairs(extremes) do
    local shown = tostring(v)
    check_error(function() return t:sum(v) end, "tensor:sum: argument 2 (dim): expected a dimension in 1…2", "got " .. shown)
    check_error(function() return t:mean(v) end, "tensor:mean", "expected a dimension in 1…2", shown)
    check_error(function() return t:max(v) end, "tensor:max", "expected a dimension in 1…2", shown)
    check_error(function() return t:min(v) end, "tensor:min", "expected a dimension in 1…2", shown)
    check_error(function() return t:argmax(v) end, "tensor:argmax", "expected a dimension in 1…2", shown)
    check_error(function() return t:std(v) end, "tensor:std", "expected a dimension in 1…2", shown)
    check_error(function() return t:squeeze(v) end, "tensor:squeeze", "expected a dimension in 1…2", shown)
    check_error(function() return t[v] end, "tensor index", "index " .. shown .. " out of range for dimension 1 of size 2")
    check_error(function() return t[{ 1, v }] end, "tensor index", "index " .. shown .. " out of range for dimension 2 of size 3")
    check_error(function() t[v] = 1 end, "tensor newindex", "out of range")
    check_error(function() return t:select(1, v) end, "tensor:select", "index " .. shown .. " out of range")
    check_error(function() return t:select(v, 1) end, "tensor:select", "argument 2 (dim)", shown)
    check_error(function() return t:unsqueeze(v) end, "tensor:unsqueeze: argument 2 (dim): expected a position in 1…3", "got " .. shown)
    check_error(function() return t:transpose(1, v) end, "tensor:transpose", shown)
    check_error(function() return t:permute(v, 1) end, "tensor:permute", shown)
    check_error(function() return t:narrow(v, 1, 1) end, "tensor:narrow", "argument 2 (dim)", shown)
    check_error(function() return t:narrow(1, v, 1) end, "tensor:narrow", "start " .. shown)
    check_error(function() return t:narrow(1, 1, v) end, "tensor:narrow", "length " .. shown)
    check_error(function() return t:narrow(1, v, v) end, "tensor:narrow", "do not fit dimension 1 of size 2")
    check_error(function() return t:slice(v, 1, 1) end, "tensor:slice", "argument 2 (dim)", shown)
    check_error(function() return tensor.sum(t, v) end, "tensor.sum", shown)
  end
  -- start + length overflows Int when both are near 2^63: still "does not fit".
  check_error(function() return t:narrow(1, 2, MAX) end, "tensor:narrow", "start 2 and length " .. tostring(MAX))
  -- A huge step is a valid slice of one element (its stride is never multiplied out).
  check_eq(t:slice(2, 1, 3, MAX):numel(), 2)
  check_eq(t:slice(2, 2, -1, MAX):size(2), 1)
  check_eq(t:slice(2, 1, 3, 1 << 62)[{ 1, 1 }], 1)
  -- Batch sizes near 2^63 in an epoch order: one batch holding every sample.
  local order = data.epoch_order(5, MAX, { shuffle = false })
  check_eq(#order, 1); check_eq(#order[1], 5)
  check_eq(#data.epoch_order(5, MAX, { shuffle = false, drop_last = true }), 0)
end)

test("dimensions and indices: every tensor method survives extreme integers in every position", function()
  -- No expected message here (each method words its own): the family was a trap that killed
  -- the process, so surviving every call and returning a result or a prefixed error is the check.
  local names = {}
  for name in pairs(getmetatable(tensor.ones(1)).__methods) do
    if name ~= "save" then names[#names + 1] = name end
  end
  table.sort(names)
  check(#names > 50, "the tensor class lists its methods")
  local calls, errors = 0, 0
  for _, name in ipairs(names) do
    for _, v in ipairs({ MIN, MAX, -(1 << 62) }) do
      for _, args in ipairs({ { v }, { 1, v }, { v, 1 }, { v, v }, { 1, 1, v }, { 1, v, 1 }, { 1, 1, 2, v }, { { v } }, { { 1, v } } }) do
        local t = tensor.rand(2, 3, { seed = 1 })
        local ok, err = pcall(function() return t[name](t, table.unpack(args)) end)
        calls = calls + 1
        if not ok then
          errors = errors + 1
          check(tostring(err):find("tensor[:.]") ~= nil, name .. ": error names the function: " .. tostring(err))
        end
      end
    end
  end
  check(errors > calls / 2, "most of these calls are errors")
end)

-- One object of every prunelab class.
local function objects()
  local o = {}
  o.tensor = tensor.ones(2, 3)
  o.model = models.mlp { input = 4, hidden = { 3 }, classes = 2, seed = 1 }
  o.dataset = data.tensors(tensor.rand(8, 4, { seed = 1 }), tensor.from { 1, 2, 1, 2, 1, 2, 1, 2 })
  o.similarity = sim.cca(tensor.randn(3, 20, { seed = 1 }), tensor.randn(3, 20, { seed = 2 }))
  o.accumulator = sim.accumulator()
  o.trainer = train.sgd { lr = 0.1, batch = 4, epochs = 1, seed = 1 }
  o.optimizer = train.optimizer(o.model)
  local p = prune.magnitude(o.model:clone(), 0.5)
  o.sparsity = prune.sparsity(p)
  o.overlap = prune.overlap(p, prune.magnitude(o.model:clone(), 0.5))
  o.layer_similarity = sim.layers(o.model, p, o.dataset)
  local generator = debug.getregistry()["prunelab.tensor.random"]
  if generator == nil then tensor.rand(1); generator = debug.getregistry()["prunelab.tensor.random"] end
  o.generator = generator
  return o
end

test("metamethods and methods called with a receiver of another type are clean errors", function()
  local o = objects()
  local strangers = { "abc", 1, 2.5, {}, io.stdout, print, true }
  for _, obj in pairs(o) do strangers[#strangers + 1] = obj end
  local classes = 0
  for key, obj in pairs(o) do
    local mt = getmetatable(obj)
    check_eq(mt.__class, key, "one object of class " .. key)
    classes = classes + 1
    for event, fn in pairs(mt) do
      if type(fn) == "function" and event ~= "__gc" then
        for _, stranger in ipairs(strangers) do
          if getmetatable(stranger) ~= mt then
            local ok, err = pcall(fn, stranger, "x", 1)
            local binary = ({ __add = 1, __sub = 1, __mul = 1, __div = 1, __pow = 1, __eq = 1, __lt = 1, __le = 1 })[event]
            if not binary then
              check(not ok, key .. " " .. event .. " accepted a " .. type(stranger))
              check(tostring(err):find("argument 1 (self): expected a" .. (key:match("^[aeiou]") and "n " or " ") .. key, 1, true) ~= nil,
                key .. " " .. event .. ": " .. tostring(err))
            end
          end
        end
      end
    end
    for name, method in pairs(mt.__methods) do
      for _, stranger in ipairs({ "abc", 1, {}, io.stdout }) do
        local ok, err = pcall(method, stranger)
        check(not ok and tostring(err):find(key, 1, true) ~= nil, key .. ":" .. name .. " with a " .. type(stranger) .. ": " .. tostring(err))
      end
    end
  end
  check_eq(classes, 11, "every class")
  -- The issue's reproducer, exactly.
  check_error(function() return getmetatable(tensor.ones(1)).__index("abc", "x") end,
    "tensor index: argument 1 (self): expected a tensor, got string \"abc\"")
  -- Binary events accept the object on either side, and anything else with it.
  check_error(function() return getmetatable(o.tensor).__add("a", "b") end, "tensor __add", "expected a tensor as one operand")
  check_eq((getmetatable(o.tensor).__add(1, o.tensor))[{ 1, 1 }], 2)
  -- __gc leaves foreign values alone; on a prunelab object it releases it, and later uses are
  -- clean errors.
  local gc = getmetatable(o.tensor).__gc
  for _, stranger in ipairs({ "abc", 1, {}, io.stdout, print }) do gc(stranger) end
  io.stdout:write("")  -- the file handle is intact
  local victim = tensor.ones(2)
  getmetatable(o.model).__gc(victim)
  check_error(function() return victim:sum() end, "tensor:sum: argument 1 (self): expected a tensor, got tensor (released by a call to __gc)")
end)

test("pooling padding and huge declared shapes are errors, not overflows", function()
  check_error(function() return nn.MaxPool2d(2, { padding = MAX }) end, "nn.MaxPool2d", "padding", "at most half the kernel size", tostring(MAX))
  check_error(function() return nn.AvgPool2d(3, { padding = MAX }) end, "nn.AvgPool2d", "padding", tostring(MAX))
  check_error(function() return nn.MaxPool2d(2, { stride = MAX, padding = MIN }) end, "nn.MaxPool2d")
  check_error(function() return nn.Sequential { nn.Flatten(), nn.Linear(4, 2), input = { 2 ^ 40, 2 ^ 40 } } end,
    "nn.Sequential", "model input: expected a sample shape of at most 1099511627776 elements, got 1099511627776×1099511627776")
  check_error(function() return models.mlp { input = { 2 ^ 31, 2 ^ 31, 4 }, hidden = { 2 }, classes = 2 } end,
    "models.mlp", "mlp input", "{2147483648, 2147483648, 4}")
  -- Within the element limit per sample, but a layer's output is over it: named.
  check_error(function() return nn.Sequential { nn.Conv2d(1, 1024, 1), input = { 1, 2 ^ 20, 2 ^ 20 } } end,
    "nn.Sequential", "output: expected at most 1099511627776 elements per sample")
  -- FLOP counts of large (valid) declared inputs saturate instead of trapping.
  local big = nn.Sequential { nn.Conv2d(1, 4, 3, { padding = 1 }), nn.ReLU(), input = { 1, 2 ^ 18, 2 ^ 18 } }
  check_eq(big.flops, 4 * 2 ^ 36 * (2 * 9 + 1) + 4 * 2 ^ 36)
end)

-- The bytes of a checkpoint with its safetensors header replaced by `header`.
local function with_header(bytes, header)
  local n = string.unpack("<I8", bytes)
  local pad = (8 - #header % 8) % 8
  return string.pack("<I8", #header + pad) .. header .. string.rep(" ", pad) .. bytes:sub(9 + n)
end

local function header_of(bytes) return bytes:sub(9, 8 + string.unpack("<I8", bytes)) end

test("checkpoints with absurd architecture sizes are clean errors", function()
  local source = path("mlp.safetensors")
  models.mlp { input = { 1, 4, 4 }, hidden = { 8 }, classes = 3, seed = 1 }:save(source)
  local bytes = read(source)
  local header = header_of(bytes)
  local function crafted(name, from, to)
    local h, n = header:gsub(from, to, 1)
    check_eq(n, 1, "the header has " .. from)
    return write(path(name), with_header(bytes, h))
  end
  check_error(function() return models.load(crafted("huge_in", '\\"in\\":16', '\\"in\\":9223372036854775807')) end,
    "models.load", "bad architecture", "fc1", "needs 9223372036854775807×8 weights, more than the")
  check_error(function() return models.load(crafted("huge_both", '\\"in\\":8,\\"out\\":3', '\\"in\\":4294967296,\\"out\\":4294967296')) end,
    "models.load", "bad architecture", "fc2", "weights")
  check_error(function() return models.load(crafted("terabyte", '\\"in\\":16,\\"out\\":8', '\\"in\\":1048576,\\"out\\":1048576')) end,
    "models.load", "bad architecture", "1048576×1048576 weights", "stored elements")
  check_error(function() return models.load(crafted("input", '"input":"%[1,4,4%]"', '"input":"[2147483648,2147483648,4]"')) end,
    "models.load", "input", "1099511627776")
  check_error(function() return models.load(crafted("negative", '\\"out\\":8', '\\"out\\":-9223372036854775808')) end, "models.load")
  local conv = path("conv.safetensors")
  models.convnet { input = { 1, 8, 8 }, classes = 2, seed = 1 }:save(conv)
  local cbytes = read(conv)
  local ch = header_of(cbytes)
  local h = ch:gsub('\\"pad_h\\":1', '\\"pad_h\\":9223372036854775807', 1)
  check_error(function() return models.load(write(path("pool"), with_header(cbytes, h))) end,
    "models.load", "bad architecture", "padding", "9223372036854775807")
  h = ch:gsub('\\"kernel_h\\":5', '\\"kernel_h\\":9223372036854775807', 1)
  check_error(function() return models.load(write(path("kernel"), with_header(cbytes, h))) end, "models.load", "bad architecture")
end)

test("200 seeded mutations of real checkpoints' headers each load or fail cleanly", function()
  local sources = {}
  local a, b = path("m1.safetensors"), path("m2.safetensors")
  models.mlp { input = { 1, 4, 4 }, hidden = { 8 }, classes = 3, seed = 1 }:save(a)
  models.convnet { input = { 1, 8, 8 }, classes = 2, seed = 1 }:save(b)
  sources[1], sources[2] = read(a), read(b)
  local replacements = { "0", "-1", "1", "2", "3", "1023", "1024", "65536", "2147483647", "2147483648", "4294967296",
    "1099511627776", "4611686018427387904", "9223372036854775807", "-9223372036854775808", "99999999999999999999",
    "1e300", "-0", "1.5", "null", "true", '""', "[]", "{}" }
  local rng = 12345
  local function random(n)  -- a small LCG: the same mutations on every machine
    rng = (rng * 1103515245 + 12345) % 2147483648
    return rng % n + 1
  end
  local loaded, failed = 0, 0
  for i = 1, 200 do
    local bytes = sources[i % 2 + 1]
    local header = header_of(bytes)
    -- Replace one, two or three numbers of the header (architecture sizes, shapes, offsets).
    for _ = 1, random(3) do
      local numbers = {}
      for s, e in header:gmatch("()%-?%d+()") do numbers[#numbers + 1] = { s, e } end
      local pick = numbers[random(#numbers)]
      header = header:sub(1, pick[1] - 1) .. replacements[random(#replacements)] .. header:sub(pick[2])
    end
    local file = write(path("mutant"), with_header(bytes, header))
    local ok, err = pcall(models.load, file)
    if ok then
      loaded = loaded + 1
    else
      failed = failed + 1
      check(tostring(err):find("models.load: ", 1, true) ~= nil, "mutant " .. i .. ": " .. tostring(err))
      check(not tostring(err):find("\27", 1, true), "mutant " .. i .. ": control bytes escaped")
    end
  end
  check_eq(loaded + failed, 200)
  check(failed > 100, "most mutants are rejected (" .. failed .. ")")
  io.stderr:write("mutants: ", loaded, " loaded, ", failed, " rejected\n")
end)

test("control bytes in file headers and user strings are escaped in messages", function()
  -- A .npy header whose dtype is ESC [31m: the message shows \x1b, never the byte.
  local dict = "{'descr': '\27[31m\7', 'fortran_order': False, 'shape': (1,), }"
  local npy = "\147NUMPY\1\0" .. string.pack("<I2", #dict + 1) .. dict .. "\n" .. string.rep("\0", 8)
  local err = check_error(function() return tensor.load(write(path("esc.npy"), npy)) end, "tensor.load", "\\x1b[31m\\x07")
  check(not err:find("[\0-\8\11-\31\127]"), "no raw control byte in " .. err)
  -- A key name with ESC, given by the user.
  local npz = path("k.npz")
  tensor.save(npz, { a = tensor.ones(1) })
  err = check_error(function() return tensor.load(npz .. ":\27]0;pwned\7") end, "tensor.load", "\\x1b]0;pwned\\x07")
  check(not err:find("[\0-\8\11-\31\127]"), "no raw control byte in " .. err)
  -- A member name with ESC, stored in the file.
  tensor.save(npz, { ["\27[2Jkey"] = tensor.ones(1) })
  err = check_error(function() return tensor.load(npz, "nope") end, "tensor.load", "\\x1b[2Jkey")
  check(not err:find("[\0-\8\11-\31\127]"), "no raw control byte in " .. err)
  -- Option names and string arguments.
  err = check_error(function() return tensor.zeros(2, { ["\27[5m"] = 1 }) end, "tensor.zeros", "unknown option '\\x1b[5m'")
  check(not err:find("\27", 1, true))
  err = check_error(function() return tensor.zeros("\27\7\127\194\155") end, "tensor.zeros", '"\\x1b\\x07\\x7f\\u{9b}"')
  -- Newlines and tabs stay, other text is untouched.
  err = check_error(function() return tensor.zeros("a\tb é") end, 'string "a\tb é"')
end)

test("npz members are inflated straight into the tensor, with the archive still checked", function()
  -- Compressed and stored archives round-trip, exactly.
  local x = tensor.arange(0, 1000):reshape(10, 100)
  for _, compressed in ipairs({ true, false }) do
    local p = path(compressed and "c.npz" or "s.npz")
    tensor.save(p, { x = x, y = x:double() * 2 }, { compressed = compressed })
    check(tensor.load(p, "x"):equal(x))
    check(tensor.load(p, "y"):equal(x:double() * 2))
  end
  -- A flipped payload byte in a stored member still fails its CRC.
  local p = path("s.npz")
  local bytes = read(p)
  local at = bytes:find("\0\0\200\66", 1, true)  -- the float 100.0 in x's data
  check(at ~= nil, "found the payload")
  write(path("bad.npz"), bytes:sub(1, at - 1) .. "\1" .. bytes:sub(at + 1))
  check_error(function() return tensor.load(path("bad.npz"), "x") end, "tensor.load", "CRC-32 mismatch")
end)
