-- Helpers shared by the test_nn*.lua and misuse_*.lua suites of the nn/models/train modules.
local H = {}

--- Every element of a tensor as a flat Lua table, row-major (works on any rank).
function H.flat(t)
  local out = {}
  local function walk(v)
    if type(v) == "number" then out[#out + 1] = v return end
    for i = 1, #v do walk(v[i]) end
  end
  if t:dim() == 0 then return out end
  walk(t)
  return out
end

--- A tensor of the given shape filled from a fixed pseudo-random sequence in [-1, 1).
function H.rand(shape, seed)
  local t = tensor.zeros(table.unpack(shape))
  local state = seed or 1
  local function fill(v, depth)
    for i = 1, shape[depth] do
      if depth == #shape then
        state = (state * 1103515245 + 12345) % 2147483648
        v[i] = state / 2147483648 * 2 - 1
      else
        fill(v[i], depth + 1)
      end
    end
  end
  fill(t, 1)
  return t
end

--- Sets every element of t from a flat Lua table (row-major).
function H.set(t, values)
  local k = 0
  local shape = t:shape()
  local function fill(v, depth)
    for i = 1, shape[depth] do
      if depth == #shape then
        k = k + 1
        v[i] = values[k]
      else
        fill(v[i], depth + 1)
      end
    end
  end
  fill(t, 1)
end

--- Whether two models' parameters are bit-identical.
function H.same_weights(a, b)
  local pa, pb = a:parameters(), b:parameters()
  for name, w in pairs(pa) do
    local x, y = H.flat(w), H.flat(pb[name])
    if #x ~= #y then return false end
    for i = 1, #x do if x[i] ~= y[i] then return false end end
  end
  return true
end

--- A small labelled dataset: the first n Fashion-MNIST training images, normalised.
function H.fashion(n)
  return data.fashion_mnist().train:subset(1, n):normalize(0.286, 0.353)
end

return H
