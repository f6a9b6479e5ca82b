-- Every similarity result says what produced it (issue 21): the measure with its reduction, and,
-- for conv (4-D) activations, how they became matrices (flatten: C × N·H·W, mean: C × N).
test("results from 4-D activations state the conv treatment; 2-D ones do not", function()
  local a = tensor.randn{30, 4, 3, 3, seed = 1}
  local b = a * 2 + 1
  local r = sim.svcca(a, b)
  check_eq(r.conv, "flatten"); check_eq(r.measure, "svcca(variance=0.99)")
  check(tostring(r):find("conv flatten (C × N·H·W); 1 = identical)", 1, true), tostring(r))
  local m = sim.cca(a, b, {conv = "mean"})
  check_eq(m.conv, "mean"); check(tostring(m):find("conv mean (C × N)", 1, true), tostring(m))
  check_near(m.value, 1, 1e-9)                           -- an affine copy, whatever the treatment
  local flat = sim.svcca(tensor.randn{5, 100, seed = 2}, tensor.randn{5, 100, seed = 3})
  check_eq(flat.conv, nil); check(not tostring(flat):find("conv", 1, true), tostring(flat))
  local acc = sim.accumulator{conv = "mean"}
  acc:add(a, b)
  check_eq(acc:cca().conv, "mean")
end)

test("sim.layers says how it treated conv layers", function()
  local m = models.convnet{seed = 1}
  local probe = data.fashion_mnist().test:subset(1, 64)
  local s = sim.layers(m, m, probe, {layers = {"conv1", "fc3"}})
  check(tostring(s):find("conv layers: flatten (C × N·H·W)", 1, true), tostring(s))
  check(not tostring(sim.layers(m, m, probe, {layers = {"fc3"}})):find("conv layers", 1, true))   -- no conv layer, no statement
end)
