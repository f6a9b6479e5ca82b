-- Sparse checkpoints (m:save(path, {sparse = true})) and the compression view of m:sparsity().
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local H = dofile(here .. "prune_helpers.lua")

local function read_all(path)
  local f = assert(io.open(path, "rb")); local s = f:read("a"); f:close(); return s
end

--- The JSON header text of a safetensors file.
local function header_of(path)
  local s = read_all(path)
  local n = string.unpack("<I8", s)
  return s:sub(9, 8 + n)
end

test("sparse checkpoint of a 90%-sparse ResNet-34 (width 1/4): at most 25% of the dense bytes, loads back bit for bit", function()
  local m = prune.magnitude(models.resnet{depth = 34, width = 0.25, seed = 3}, 0.9)
  local dense, sparse, again = os.tmpname() .. ".safetensors", os.tmpname() .. ".safetensors", os.tmpname() .. ".safetensors"
  m:save(dense)
  m:save(sparse, {sparse = true})
  local dn, sn = #read_all(dense), #read_all(sparse)
  check(sn <= 0.25 * dn, string.format("sparse %d bytes vs dense %d", sn, dn))
  -- Bytes as the report predicts: the masked weights shrink from 4n (+4n for the mask) to n/8 + 4k.
  local s = m:sparsity()
  local expected = dn
  for i = 1, #s do if s[i].masked > 0 then expected = expected - 2 * s[i].dense_bytes + s[i].sparse_bytes end end
  check(math.abs(sn - expected) < 20000, string.format("file %d bytes, the report predicts %d plus header changes", sn, expected))
  local loaded = models.load(sparse)
  -- Bit-exact: the loaded model saved dense gives the very same file as the original saved dense.
  loaded:save(again)
  check(read_all(again) == read_all(dense), "weights, masks and buffers come back bit for bit")
  local a, b = m:masks(), loaded:masks()
  local count = 0
  for name, mask in pairs(a) do count = count + 1; check(H.same(b[name], mask), name) end
  check_eq(count, 36, "every conv layer of ResNet-34 masked, the classifier kept dense")
  -- The header names the layout; the classifier (no mask) is stored dense.
  local hdr = header_of(sparse)
  check(hdr:find('bitmask-values', 1, true) and hdr:find('"conv1.weight.bits"', 1, true) and hdr:find('"fc.weight"', 1, true), hdr:sub(1, 300))
  check(not hdr:find('"conv1.weight.mask"', 1, true), "no dense mask beside the sparse one")
  os.remove(dense); os.remove(sparse); os.remove(again)
end)

test("sparse checkpoint layout: hand-computed bytes, fully pruned and unpruned tensors, readable entries", function()
  local m = H.mlp(1)
  local mask = tensor.ones(5, 4); mask[1][1] = 0; mask[2][3] = 0; mask[5][4] = 0
  prune.set_masks(m, {["fc1.weight"] = mask, ["fc2.weight"] = tensor.zeros(2, 5)})
  local path = os.tmpname() .. ".safetensors"
  m:save(path, {sparse = true})
  -- fc1: 20 weights → 3 mask bytes; 17 kept → 17 values. fc2: fully pruned → 2 bytes, 0 values.
  local bits = tensor.load(path, "fc1.weight.bits")
  check_eq(bits:size(1), 3)
  -- Row-major mask 0111 1101 1111 1111 1110; byte 1 holds elements 1–8, the first in its lowest bit.
  check_eq(bits[1], 0xBE); check_eq(bits[2], 0xFF); check_eq(bits[3], 0x07)
  check_eq(tensor.load(path, "fc1.weight.values"):size(1), 17)
  check_eq(tensor.load(path, "fc2.weight.values"):size(1), 0)
  check_eq(tensor.load(path, "fc2.weight.bits"):sum(), 0)
  check_eq(tensor.load(path, "fc1.bias"):size(1), 5, "no mask: dense")
  local loaded = models.load(path)
  check(H.same(loaded:parameters()["fc1.weight"], m:parameters()["fc1.weight"]))
  check(H.same(loaded:masks()["fc1.weight"], mask))
  check(H.same(loaded:masks()["fc2.weight"], tensor.zeros(2, 5)))
  check_eq(loaded:parameters()["fc2.weight"]:abs():sum(), 0)
  -- A model with no mask saved sparse is the dense file.
  local plain, p2 = os.tmpname() .. ".safetensors", os.tmpname() .. ".safetensors"
  H.mlp(2):save(plain); H.mlp(2):save(p2, {sparse = true})
  check(read_all(plain) == read_all(p2), "sparse = true changes nothing without masks")
  os.remove(path); os.remove(plain); os.remove(p2)
end)

test("compression view: bytes and FLOPs per tensor, hand-computed", function()
  local m = prune.magnitude(H.tiny(6), 0.6)
  local s = m:sparsity()
  -- conv1: 4×1×5×5 = 100 weights, 60 pruned; output 4×8×8 (stride 3 on 28×28): 64 positions.
  check_eq(s[1].name, "conv1")
  check_eq(s[1].dense_bytes, 400)
  check_eq(s[1].sparse_bytes, 13 + 40 * 4)
  check_eq(s[1].dense_flops, 2 * 100 * 64)
  check_eq(s[1].effective_flops, 2 * 40 * 64)
  -- fc1: 256×10 weights, no mask (the last layer is kept): stored dense, one position.
  check_eq(s[2].name, "fc1")
  check_eq(s[2].dense_bytes, 2560 * 4); check_eq(s[2].sparse_bytes, 2560 * 4)
  check_eq(s[2].dense_flops, 2 * 2560); check_eq(s[2].effective_flops, 2 * 2560)
  check_eq(s.total.dense_bytes, 400 + 10240); check_eq(s.total.sparse_bytes, 173 + 10240)
  check_eq(s.total.dense_flops, 12800 + 5120); check_eq(s.total.effective_flops, 5120 + 5120)
  check(prune.report(m).total.sparse_bytes == 10413, "prune.report(m) is m:sparsity()")
  local text = tostring(s)
  check(text:find("sparse bytes", 1, true) and text:find("effective", 1, true), text)
  local t = s:table()
  check_eq(t[1].sparse_bytes, 173); check_eq(t[3].effective_flops, 10240)
  -- Zeros that no mask protects still count for FLOPs (a kernel skips them), not for bytes.
  local d = H.mlp(1)
  d:parameters()["fc1.weight"][1][1] = 0
  local r = d:sparsity()
  check_eq(r[1].effective_flops, 2 * 19); check_eq(r[1].sparse_bytes, 80)
end)
