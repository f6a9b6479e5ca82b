-- tensor basics: creation, conversion to tables, arithmetic, files.
local tmp = os.tmpname(); os.remove(tmp)   -- a unique prefix for scratch files

test("tensor.from builds nested tables and totable gives them back", function()
  local t = tensor.from{{1, 2, 3}, {4, 5, 6}}
  check_eq(t:dim(), 2); check_eq(t:size(1), 2); check_eq(t:size(2), 3); check_eq(t:numel(), 6)
  check_eq(t:dtype(), "float32")
  check_table_near(t:totable(), {{1, 2, 3}, {4, 5, 6}}, 0)
  check_eq(tensor.from({1.5}, {dtype = "float64"}):dtype(), "float64")
  check_eq(tensor.from(7):dim(), 0); check_eq(tensor.from(7):totable(), 7)
  check_eq(tensor.from{}:numel(), 0); check_table_near(tensor.from{{}, {}}:shape(), {2, 0}, 0)
  -- 0.1 as float32 and float64
  check_eq(tensor.from({0.1}, {dtype = "float64"})[1], 0.1)
  check(tensor.from{0.1}[1] ~= 0.1, "float32 rounds 0.1")
end)

test("rand and randn are reproducible by seed and have the right moments", function()
  local a, b = tensor.rand(1000, {seed = 5}), tensor.rand{1000, seed = 5}
  check(a == b, "same seed, same values")
  check(a ~= tensor.rand(1000, {seed = 6}), "another seed, other values")
  check(a:min() >= 0 and a:max() < 1, "uniform in [0, 1)")
  check_near(a:mean(), 0.5, 0.05)
  local n = tensor.randn(20000, {seed = 1, dtype = "float64"})
  check_eq(n:dtype(), "float64")
  check_near(n:mean(), 0, 0.03); check_near(n:std(), 1, 0.03)
  -- The session generator: re-seeding repeats the sequence.
  tensor.seed(42); local x = tensor.rand(5)
  tensor.seed(42); check(tensor.rand(5) == x, "tensor.seed repeats")
end)

test("arange, linspace, eye, full, zeros, ones", function()
  check_table_near(tensor.arange(1, 5), {1, 2, 3, 4}, 0)
  check_table_near(tensor.arange(3), {0, 1, 2}, 0)
  check_table_near(tensor.arange(0, 1, 0.25), {0, 0.25, 0.5, 0.75}, 0)
  check_table_near(tensor.arange(5, 1, -2), {5, 3}, 0)
  check_table_near(tensor.linspace(0, 1, 5), {0, 0.25, 0.5, 0.75, 1}, 0)
  check_table_near(tensor.eye(2, 3), {{1, 0, 0}, {0, 1, 0}}, 0)
  check_table_near(tensor.full({2, 2}, 7), {{7, 7}, {7, 7}}, 0)
  check_table_near(tensor.full(3, -1, {dtype = "float64"}), {-1, -1, -1}, 0)
  check_eq(tensor.ones{2, 3}:sum(), 6)
  check_eq(tensor.zeros(4):sum(), 0)
end)

test("arithmetic broadcasts and mixes with numbers", function()
  local a = tensor.from{{1, 2}, {3, 4}}
  check_table_near(a + 1, {{2, 3}, {4, 5}}, 0)
  check_table_near(10 - a, {{9, 8}, {7, 6}}, 0)
  check_table_near(a * a, {{1, 4}, {9, 16}}, 0)
  check_table_near(a / 2, {{0.5, 1}, {1.5, 2}}, 0)
  check_table_near(a ^ 2, {{1, 4}, {9, 16}}, 0)
  check_table_near(-a, {{-1, -2}, {-3, -4}}, 0)
  check_table_near(a + tensor.from{10, 20}, {{11, 22}, {13, 24}}, 0)          -- row broadcast
  check_table_near(a + tensor.from{{10}, {20}}, {{11, 12}, {23, 24}}, 0)      -- column broadcast
  check_eq((a + tensor.from({1}, {dtype = "float64"})):dtype(), "float64")
  check_eq((a + 1.5):dtype(), "float32")
end)

test("npy files round trip", function()
  local path = tmp .. "_basic.npy"
  local t = tensor.randn(3, 4, {seed = 3, dtype = "float64"})
  t:save(path)
  local back = tensor.load(path)
  check(back == t, "same values"); check_eq(back:dtype(), "float64")
  os.remove(path)
end)
