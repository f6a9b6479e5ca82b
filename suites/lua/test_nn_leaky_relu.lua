-- nn.LeakyReLU, the layer that proves the layer contract: one Engine file declares it, and the
-- generic constructor, checkpoints, naming and the inference plan pick it up.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local H = dofile(here .. "nn_helpers.lua")

test("nn.LeakyReLU: y = x for x > 0, slope·x otherwise; backward by hand", function()
  local l = nn.LeakyReLU(0.25)
  local x = tensor.zeros(2, 3)
  H.set(x, {-2, -0.5, 0, 0.5, 1, 3})
  check_table_near(H.flat(l:forward(x)), {-0.5, -0.125, 0, 0.5, 1, 3}, 0)
  local dy = tensor.zeros(2, 3)
  H.set(dy, {1, 2, 3, 4, 5, 6})
  -- ∂x = ∂y where y > 0, slope·∂y elsewhere (x = 0 takes the slope).
  check_table_near(H.flat(l:backward(dy)), {0.25, 0.5, 0.75, 4, 5, 6}, 0)
  -- The default slope is PyTorch's 0.01; slope 0 is ReLU.
  check_table_near(H.flat(nn.LeakyReLU():forward(x)), {-0.02, -0.005, 0, 0.5, 1, 3}, 1e-7)
  check_table_near(H.flat(nn.LeakyReLU(0):forward(x)), {0, 0, 0, 0.5, 1, 3}, 0)
end)

test("nn.LeakyReLU: name, summary, options and errors", function()
  check(tostring(nn.LeakyReLU(0.5, {name = "leaky"})):find("leaky  LeakyReLU(0.5)", 1, true))
  check(tostring(nn.LeakyReLU({name = "x"})):find("LeakyReLU(0.01)", 1, true))
  check_error(function() nn.LeakyReLU(2) end, "nn.LeakyReLU: argument 1 (slope): expected a number in [0, 1], got number 2")
  check_error(function() nn.LeakyReLU(-0.1) end, "argument 1 (slope)", "[0, 1]")
  check_error(function() nn.LeakyReLU("a") end, "argument 1 (slope)", "got string")
  check_error(function() nn.LeakyReLU(0.1, {seed = 1}) end, "unknown option 'seed'", "known options: name")
  check_error(function() nn.LeakyReLU(0.1, {}, 3) end, "at most 2 arguments")
  check_error(function() nn.LeakyReLU(0.1, {name = "a.b"}) end, "option 'name'")
end)

test("nn.LeakyReLU: named relu<k> in a chain, in place after a linear layer, same values", function()
  local m = nn.Sequential{nn.Linear(3, 2, {seed = 1}), nn.LeakyReLU(0.5), nn.Linear(2, 2, {seed = 2})}
  check_eq(table.concat(m:layers(), " "), "fc1 relu1 fc2")
  local plan = m:plan()
  check_eq(#plan, 3)
  check_eq(plan[2].layers, "relu1"); check_eq(plan[2]["runs as"], "in place over fc1")
  local x = H.rand({4, 3}, 7)
  local h = m:layer("fc1"):forward(x):clone()
  local leaky = {}
  for i, v in ipairs(H.flat(h)) do leaky[i] = v > 0 and v or 0.5 * v end
  H.set(h, leaky)
  local want = H.flat(m:layer("fc2"):forward(h))
  -- Training runs relu1 over fc1's output buffer: the chain gives the same bits.
  m:train()
  check_table_near(H.flat(m:forward(x)), want, 0)
end)

test("nn.LeakyReLU: save/load round trip keeps the slope and the outputs", function()
  local m = nn.Sequential{nn.Linear(3, 4, {seed = 3}), nn.LeakyReLU(0.125), nn.Linear(4, 2, {seed = 4}), input = {3}}
  m:eval()
  local path = os.tmpname() .. ".safetensors"
  m:save(path)
  local l = models.load(path):eval()
  os.remove(path)
  check_eq(tostring(l), tostring(m))
  check(tostring(l):find("LeakyReLU(0.125)", 1, true))
  local x = H.rand({5, 3}, 9)
  check_table_near(H.flat(l:forward(x)), H.flat(m:forward(x)), 0)
end)
