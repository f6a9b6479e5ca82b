-- Elementwise math, comparisons, in-place operations, equality and matrix products.

local nan, inf = 0 / 0, math.huge

test("binary methods and function forms agree with the operators", function()
  local a, b = tensor.from{{1, 2}, {3, 4}}, tensor.from{{2, 2}, {1, 8}}
  check(a:add(b) == a + b); check(tensor.add(a, b) == a + b)
  check(a:sub(b) == a - b); check(tensor.sub(a, 1) == a - 1)
  check(a:mul(b) == a * b); check(a:div(b) == a / b); check(a:pow(b) == a ^ b)
  check_table_near(a:pow(b), {{1, 4}, {3, 65536}}, 0)
  check_table_near(2 ^ a, {{2, 4}, {8, 16}}, 0)
  check_table_near(a:pow(0.5), {{1, math.sqrt(2)}, {math.sqrt(3), 2}}, 1e-6)
  check_table_near(a:pow(-1), {{1, 0.5}, {1 / 3, 0.25}}, 1e-7)
end)

test("division by zero follows IEEE", function()
  local q = tensor.from{1, 0, -1} / 0
  check_eq(q[1], inf); check(q[2] ~= q[2], "0/0 is NaN"); check_eq(q[3], -inf)
end)

test("minimum and maximum are elementwise and propagate NaN", function()
  local a, b = tensor.from{1, 5, nan}, tensor.from{3, 2, 0}
  local lo, hi = a:minimum(b), a:maximum(b)
  check_eq(lo[1], 1); check_eq(lo[2], 2); check(lo[3] ~= lo[3])
  check_eq(hi[1], 3); check_eq(hi[2], 5); check(hi[3] ~= hi[3])
  check_table_near(tensor.maximum(tensor.from{-1, 1}, 0), {0, 1}, 0)
end)

test("comparisons give 0/1 tensors of the promoted type", function()
  local a, b = tensor.from{1, 2, 3}, tensor.from({3, 2, 1}, {dtype = "float64"})
  check_table_near(a:eq(b), {0, 1, 0}, 0); check_table_near(a:ne(b), {1, 0, 1}, 0)
  check_table_near(a:lt(b), {1, 0, 0}, 0); check_table_near(a:le(b), {1, 1, 0}, 0)
  check_table_near(a:gt(b), {0, 0, 1}, 0); check_table_near(a:ge(b), {0, 1, 1}, 0)
  check_eq(a:eq(b):dtype(), "float64")
  check_table_near(a:gt(1.5), {0, 1, 1}, 0)
  check_table_near(tensor.lt(a, tensor.from{{2}, {3}}), {{1, 0, 0}, {1, 1, 0}}, 0)
  check_table_near(tensor.from{nan}:ne(tensor.from{nan}), {1}, 0)
  check_table_near(tensor.from{nan}:eq(tensor.from{nan}), {0}, 0)
end)

test("unary functions have known values in both types", function()
  for _, dt in ipairs{"float32", "float64"} do
    local tol = dt == "float32" and 1e-6 or 1e-14
    local x = tensor.from({-1.5, -0.5, 0, 0.5, 2.5}, {dtype = dt})
    check_table_near(x:abs(), {1.5, 0.5, 0, 0.5, 2.5}, 0)
    check_table_near(x:neg(), {1.5, 0.5, 0, -0.5, -2.5}, 0)
    check_table_near(x:relu(), {0, 0, 0, 0.5, 2.5}, 0)
    check_table_near(x:sign(), {-1, -1, 0, 1, 1}, 0)
    check_table_near(x:floor(), {-2, -1, 0, 0, 2}, 0)
    check_table_near(x:ceil(), {-1, 0, 0, 1, 3}, 0)
    check_table_near(x:round(), {-2, 0, 0, 0, 2}, 0)
    check_table_near(x:exp(), {math.exp(-1.5), math.exp(-0.5), 1, math.exp(0.5), math.exp(2.5)}, tol)
    check_table_near(x:sigmoid(), {1 / (1 + math.exp(1.5)), 1 / (1 + math.exp(0.5)), 0.5, 1 / (1 + math.exp(-0.5)), 1 / (1 + math.exp(-2.5))}, tol)
    check_table_near(x:tanh(), {-0.9051482536448664, -0.46211715726000974, 0, 0.46211715726000974, 0.9866142981514303}, tol)
    check_table_near(x:sin(), {math.sin(-1.5), math.sin(-0.5), 0, math.sin(0.5), math.sin(2.5)}, tol)
    check_table_near(x:cos(), {math.cos(-1.5), math.cos(-0.5), 1, math.cos(0.5), math.cos(2.5)}, tol)
    local p = tensor.from({1, 4, 0.25}, {dtype = dt})
    check_table_near(p:sqrt(), {1, 2, 0.5}, 0)
    check_table_near(p:log(), {0, math.log(4), math.log(0.25)}, tol)
    check_eq(x:exp():dtype(), dt)
    check_table_near(tensor.exp(tensor.from({0}, {dtype = dt})), {1}, 0)
  end
  local odd = tensor.from{-1, 0}
  check(odd:sqrt()[1] ~= odd:sqrt()[1], "sqrt(-1) is NaN"); check_eq(odd:log()[2], -inf)
  check_eq(tensor.from{1000}:exp()[1], inf); check_eq(tensor.from{-1000}:exp()[1], 0)
end)

test("clamp limits to bounds, either may be nil", function()
  local x = tensor.from{-2, -0.5, 0.5, 2}
  check_table_near(x:clamp(-1, 1), {-1, -0.5, 0.5, 1}, 0)
  check_table_near(x:clamp(0, nil), {0, 0, 0.5, 2}, 0)
  check_table_near(x:clamp(nil, 0), {-2, -0.5, 0, 0}, 0)
  check_table_near(x, {-2, -0.5, 0.5, 2}, 0, "clamp leaves t unchanged")
  check(x:clamp_(-1, 1) == x, "clamp_ returns t")
  check_table_near(x, {-1, -0.5, 0.5, 1}, 0)
end)

test("in-place operations write into t and its base, and return t", function()
  local m = tensor.zeros(2, 3)
  check(m:fill(2) == m); check_eq(m:sum(), 12)
  m:select(1, 2):fill(5); check_table_near(m, {{2, 2, 2}, {5, 5, 5}}, 0)
  m:add_(1); check_table_near(m, {{3, 3, 3}, {6, 6, 6}}, 0)
  m:add_(tensor.ones(2, 3), 0.5); check_table_near(m, {{3.5, 3.5, 3.5}, {6.5, 6.5, 6.5}}, 0)
  m:add_(tensor.from{1, 2, 3}); check_table_near(m, {{4.5, 5.5, 6.5}, {7.5, 8.5, 9.5}}, 0)
  m:sub_(0.5); m:mul_(2); check_table_near(m, {{8, 10, 12}, {14, 16, 18}}, 0)
  m:div_(tensor.from{{2}, {1}}); check_table_near(m, {{4, 5, 6}, {14, 16, 18}}, 0)
  m:sub_(tensor.from{{4, 5, 6}}); check_table_near(m, {{0, 0, 0}, {10, 11, 12}}, 0)
  m:mul_(tensor.from{1, 0, -1}); check_table_near(m, {{0, 0, 0}, {10, 0, -12}}, 0)
  check(m:zero() == m); check_eq(m:abs():sum(), 0)
  local src = tensor.from({{1, 2, 3}}, {dtype = "float64"})
  check(m:copy(src) == m); check_table_near(m, {{1, 2, 3}, {1, 2, 3}}, 0)
  check_eq(m:dtype(), "float32", "copy converts into t's type")
  local sq = tensor.from{{1, 2}, {3, 4}}
  sq:add_(sq:t()); check_table_near(sq, {{2, 5}, {5, 8}}, 0, "an overlapping operand reads old values")
end)

test("equality: == and equal are one boolean, eq is elementwise", function()
  local a = tensor.from{1, 2}
  check(a == tensor.from({1, 2}, {dtype = "float64"}), "types may differ")
  check(not (a == tensor.from{1, 3})); check(not (a == tensor.from{{1, 2}}), "shape must match")
  check(a:equal(tensor.from{1, 2})); check(tensor.equal(a, a))
  check(not (tensor.from{nan} == tensor.from{nan}), "NaN is never equal")
  check(a ~= 1, "a tensor never equals a number")
end)

test("matmul, mm and dot against hand-computed products", function()
  local a = tensor.from{{1, 2, 3}, {4, 5, 6}}
  local b = tensor.from{{1, 0}, {0, 1}, {1, 1}}
  check_table_near(a:matmul(b), {{4, 5}, {10, 11}}, 0)
  check_table_near(a:mm(b), {{4, 5}, {10, 11}}, 0)
  check_table_near(tensor.matmul(a, b), {{4, 5}, {10, 11}}, 0)
  check_table_near(a:t():matmul(a), {{17, 22, 27}, {22, 29, 36}, {27, 36, 45}}, 0)
  check_table_near(a:matmul(tensor.from{1, 1, 1}), {6, 15}, 0)
  check_table_near(tensor.from{1, -1}:matmul(a), {-3, -3, -3}, 0)
  local d = tensor.from{1, 2, 3}:matmul(tensor.from{4, 5, 6})
  check_eq(d:dim(), 0); check_eq(d:item(), 32)
  check_eq(tensor.from{1, 2, 3}:dot(tensor.from{4, 5, 6}), 32)
  local batch = tensor.arange(0, 12):reshape(2, 2, 3)
  local out = batch:matmul(b)
  check_table_near(out:shape(), {2, 2, 2}, 0)
  check(out[2] == batch[2]:matmul(b), "each batch item is a product")
  check_eq(a:matmul(b:double()):dtype(), "float64")
  -- float64 precision survives
  local x = tensor.from({{1e-8, 1}, {1, 1}}, {dtype = "float64"})
  check_eq(x:matmul(x)[{1, 1}], 1e-16 + 1)
end)
