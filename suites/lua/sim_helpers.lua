-- Helpers for the sim tests: build float64 tensors from Lua functions (seeded, reproducible).
local H = {}

--- A rows x cols float64 tensor with entry (i, j) = f(i, j) (1-based).
function H.make(rows, cols, f)
  local t = tensor.zeros({rows, cols}, {dtype = "float64"})
  for i = 1, rows do
    local row = t[i]
    for j = 1, cols do row[j] = f(i, j) end
  end
  return t
end

--- A generator of standard normals (Box–Muller on Lua's seeded xoshiro).
function H.normals(seed)
  math.randomseed(seed)
  return function()
    local u1, u2 = 1 - math.random(), math.random()
    return math.sqrt(-2 * math.log(u1)) * math.cos(2 * math.pi * u2)
  end
end

--- rows x cols standard normals as a Lua matrix (table of rows).
function H.randn(rows, cols, seed)
  local g, m = H.normals(seed), {}
  for i = 1, rows do m[i] = {}; for j = 1, cols do m[i][j] = g() end end
  return m
end

--- Product of Lua matrices.
function H.mul(a, b)
  local c = {}
  for i = 1, #a do
    c[i] = {}
    for j = 1, #b[1] do
      local s = 0
      for k = 1, #b do s = s + a[i][k] * b[k][j] end
      c[i][j] = s
    end
  end
  return c
end

--- A Lua matrix as a float64 tensor.
function H.tensor(m)
  return H.make(#m, #m[1], function(i, j) return m[i][j] end)
end

--- The entries of a 1-D tensor as a Lua list.
function H.list(t)
  local out = {}
  for i = 1, #t do out[i] = t[i] end
  return out
end

return H
