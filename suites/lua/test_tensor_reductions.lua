-- Reductions: numbers over all elements, tensors along a dimension.

local nan = 0 / 0

test("sum and mean, whole and along dimensions", function()
  local t = tensor.arange(0, 24):reshape(2, 3, 4)
  check_eq(t:sum(), 276); check_eq(tensor.sum(t), 276); check_eq(t:mean(), 11.5)
  check_table_near(t:sum(1), {{12, 14, 16, 18}, {20, 22, 24, 26}, {28, 30, 32, 34}}, 0)
  check_table_near(t:sum(3), {{6, 22, 38}, {54, 70, 86}}, 0)
  check_table_near(t:sum(-1), {{6, 22, 38}, {54, 70, 86}}, 0)
  check_table_near(t:sum(2, {keepdim = true}):shape(), {2, 1, 4}, 0)
  check_table_near(t:mean(2), {{4, 5, 6, 7}, {16, 17, 18, 19}}, 0)
  check_eq(t:sum(1):dtype(), "float32"); check_eq(t:double():mean(3):dtype(), "float64")
  check(t:permute(3, 1, 2):sum(1) == t:sum(3), "a permuted view reduces the same")
  check_eq(tensor.zeros(0):sum(), 0); check(tensor.zeros(0):mean() ~= tensor.zeros(0):mean(), "mean of nothing is NaN")
end)

test("float32 sums accumulate in float64", function()
  local x = tensor.full(1000000, 0.1)
  local f32 = tensor.from{0.1}[1]                   -- 0.1 rounded to float32
  check_near(x:sum(), f32 * 1000000, 1e-12)
end)

test("var and std: unbiased by default, population with {unbiased = false}", function()
  local x = tensor.from{2, 4, 4, 4, 5, 5, 7, 9}     -- mean 5, Σ(x − 5)² = 32
  check_near(x:var(), 32 / 7, 1e-12); check_near(x:std(), math.sqrt(32 / 7), 1e-12)
  check_near(x:var{unbiased = false}, 4, 1e-12); check_near(x:std{unbiased = false}, 2, 1e-12)
  check_near(tensor.var(x), 32 / 7, 1e-12)
  local m = tensor.from{{1, 2, 3}, {3, 6, 9}}
  check_table_near(m:var(1), {2, 8, 18}, 1e-6)
  check_table_near(m:var(2), {1, 9}, 1e-6)
  check_table_near(m:std(2, {unbiased = false}), {math.sqrt(2 / 3), math.sqrt(6)}, 1e-6)
  check_table_near(m:var(1, {keepdim = true}):shape(), {1, 3}, 0)
  check(tensor.from{1}:var() ~= tensor.from{1}:var(), "unbiased variance of one value is NaN")
end)

test("max and min: a number, or values and 1-based positions along a dimension", function()
  local m = tensor.from{{3, 9, 1}, {7, 2, 9}}
  check_eq(m:max(), 9); check_eq(m:min(), 1); check_eq(tensor.max(m), 9)
  local v, i = m:max(2)
  check_table_near(v, {9, 9}, 0); check_table_near(i, {2, 3}, 0)
  v, i = m:min(1)
  check_table_near(v, {3, 2, 1}, 0); check_table_near(i, {1, 2, 1}, 0)
  v, i = m:max(1, {keepdim = true})
  check_table_near(v, {{7, 9, 9}}, 0); check_table_near(i, {{2, 1, 2}}, 0)
  local withNaN = tensor.from{1, nan, 3}
  check(withNaN:max() ~= withNaN:max(), "NaN propagates")
end)

test("argmax and argmin: the first extreme, 1-based", function()
  local m = tensor.from{{3, 9, 1}, {7, 2, 9}}
  check_eq(m:argmax(), 2); check_eq(m:argmin(), 3)     -- row-major over all elements
  check_eq(m:t():argmax(), 3)                          -- row-major order of the view
  check_table_near(m:argmax(1), {2, 1, 2}, 0)
  check_table_near(m:argmin(2), {3, 2}, 0)
  check_table_near(m:argmax(2, {keepdim = true}), {{2}, {3}}, 0)
  check_eq(m:argmax(1):dtype(), "float64")
  check_eq(tensor.argmax(tensor.from{5, 5, 1}), 1)
  check_eq(tensor.argmin(tensor.from{0, nan, -1}), 2, "the first NaN wins")
end)
