-- Sparse checkpoints: bad options and malformed sparse files give clean errors naming the file
-- and the problem.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local H = dofile(here .. "prune_helpers.lua")

local function read_all(path)
  local f = assert(io.open(path, "rb")); local s = f:read("a"); f:close(); return s
end
local function write_all(path, s)
  local f = assert(io.open(path, "wb")); f:write(s); f:close()
end

--- Rewrites the safetensors file at `path`: edit_header(json text) → new text (the data offsets
--- are relative, so the data stays valid); edit_data(data, header) → new data.
local function rewrite(path, edit_header, edit_data)
  local s = read_all(path)
  local n = string.unpack("<I8", s)
  local header, data = s:sub(9, 8 + n), s:sub(9 + n)
  if edit_data then data = edit_data(data, header) end
  if edit_header then header = edit_header(header) end
  write_all(path, string.pack("<I8", #header) .. header .. data)
end

--- Byte offset (0-based, in the data) where entry `name` starts.
local function data_begin(header, name)
  local at = header:find('"' .. name .. '"', 1, true)
  return tonumber(header:match('"data_offsets":%[(%d+),', at))
end

local function sparse_file()
  local m = H.mlp(1)
  local mask = tensor.ones(5, 4); mask[1][1] = 0; mask[2][3] = 0; mask[5][4] = 0
  prune.set_masks(m, {["fc1.weight"] = mask})
  local path = os.tmpname() .. ".safetensors"
  m:save(path, {sparse = true})
  return path, m
end

test("m:save sparse: option types and the torch-prune naming", function()
  local path, m = sparse_file()
  check_error(function() m:save(path, {sparse = "yes"}) end, "save", "option 'sparse': expected a boolean")
  check_error(function() m:save(path, {sparse = true, format = "torch-prune"}) end, "save", "option 'sparse'", "torch-prune", "got true")
  check_eq(m:save(path, {sparse = false, format = "torch-prune"}), m, "dense torch-prune still works")
  os.remove(path)
end)

test("malformed sparse layouts in the metadata", function()
  local cases = {
    {function(h) return h:gsub("bitmask%-values", "csr") end, "bad sparse layout", "layout", "csr", "not supported"},
    {function(h) return h:gsub('\\"version\\":1', '\\"version\\":2') end, "bad sparse layout", "version 2"},
    {function(h) return h:gsub('\\"little\\"', '\\"big\\"') end, "bit_order", "not supported"},
    {function(h) return h:gsub('\\"fc1%.weight\\"%]', '\\"fc9.weight\\"]') end, "'fc9.weight'", "not a parameter of the architecture"},
    {function(h) return h:gsub('\\"fc1%.weight\\"%]', '\\"fc1.weight\\",\\"fc1.weight\\"]') end, "listed twice"},
    {function(h) return h:gsub('\\"fc1%.weight\\"%]', '7]') end, "tensors must be an array of parameter names"},
    {function(h) return h:gsub('"sparse":"', '"sparse":"[') end, "bad sparse layout", "not a JSON object"},
  }
  for i, case in ipairs(cases) do
    local path = sparse_file()
    rewrite(path, case[1])
    check_error(function() models.load(path) end, path, table.unpack(case, 2))
    os.remove(path)
  end
end)

test("malformed sparse entries: padding bits, bit counts, missing entries, dense copies", function()
  -- A set bit beyond the 20 weights (in the last byte's high half).
  local path = sparse_file()
  rewrite(path, nil, function(data, h)
    local at = data_begin(h, "fc1.weight.bits") + 3
    return data:sub(1, at - 1) .. string.char(0x17) .. data:sub(at + 1)
  end)
  check_error(function() models.load(path) end, path, "unused high bits", "fc1.weight.bits")
  -- One more kept weight than values.
  rewrite(path, nil, function(data, h)
    local at = data_begin(h, "fc1.weight.bits") + 3
    return data:sub(1, at - 1) .. string.char(0x0F) .. data:sub(at + 1)
  end)
  check_error(function() models.load(path) end, path, "keeps 18 weights", "holds 17")
  os.remove(path)
  -- A dense masked file that claims to be sparse: the entries are missing, and the dense ones clash.
  local m = H.mlp(1)
  prune.set_masks(m, {["fc1.weight"] = tensor.ones(5, 4)})
  local dense = os.tmpname() .. ".safetensors"
  m:save(dense)
  rewrite(dense, function(h)
    return h:gsub('"__metadata__":{', '"__metadata__":{"sparse":"{\\"layout\\":\\"bitmask-values\\",\\"version\\":1,\\"bit_order\\":\\"little\\",\\"tensors\\":[\\"fc1.weight\\"]}",', 1)
  end)
  check_error(function() models.load(dense) end, dense, "sparse tensor 'fc1.weight' has no 'fc1.weight.bits' entry")
  os.remove(dense)
  -- Sparse entries that the metadata does not list are unexpected tensors.
  path = sparse_file()
  rewrite(path, function(h) return h:gsub('"sparse":".-\\"%]}",?', "") end)
  check_error(function() models.load(path) end, path, "unexpected tensor 'fc1.weight.")
  os.remove(path)
end)
