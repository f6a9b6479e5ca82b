-- sim: known answers through the Lua face (the Engine suites cover the numerics in depth).
local H = dofile("suites/lua/sim_helpers.lua")

local X = H.randn(6, 400, 1)
local x = H.tensor(X)
local MIX = H.randn(6, 6, 2)
local y_mix = H.tensor(H.mul(MIX, X))                                  -- invertible mix of x
local Z = H.randn(5, 400, 3)
local noisy = H.tensor(H.mul(H.randn(5, 6, 4), X))                     -- 5 neurons: a projection of x plus noise
for i = 1, 5 do for j = 1, 400 do noisy[i][j] = noisy[i][j] + 0.8 * Z[i][j] end end

test("identical layers score 1 under every measure", function()
  check_near(sim.cca(x, x).value, 1, 1e-8)
  check_near(sim.svcca(x, x).value, 1, 1e-8)
  check_near(sim.svcca(x, x, {dims = 3}).value, 1, 1e-8)
  check_near(sim.svcca(x, x, {energy = 0.5}).value, 1, 1e-8)
  check_near(sim.pwcca(x, x).value, 1, 1e-8)
  check_near(sim.cka(x, x).value, 1, 1e-12)
  check_near(sim.cka(x, x, {kernel = "rbf", sigma = 0.5}).value, 1, 1e-12)
  check_near(sim.cka(x, x, {debiased = true}).value, 1, 1e-12)
end)

test("an invertible linear mix scores 1 for CCA and SVCCA", function()
  local exact = sim.cca(x, y_mix, {epsilon = 0})
  for i = 1, 6 do check_near(exact.rho[i], 1, 1e-10) end
  check_near(sim.cca(x, y_mix).value, 1, 1e-6)
  check_near(sim.svcca(x, y_mix, {dims = 6, epsilon = 0}).value, 1, 1e-10)
  check(sim.cka(x, y_mix).value < 0.99, "CKA is not invariant to a general mix")
end)

test("rotation and isotropic scaling score 1 for CKA", function()
  local c, s = math.cos(0.7), math.sin(0.7)
  local R = {{c, -s, 0, 0, 0, 0}, {s, c, 0, 0, 0, 0}, {0, 0, 1, 0, 0, 0}, {0, 0, 0, 0, 1, 0}, {0, 0, 0, -1, 0, 0}, {0, 0, 0, 0, 0, 1}}
  local Y = H.mul(R, X)
  local y = H.make(6, 400, function(i, j) return 2.5 * Y[i][j] + i end)
  check_near(sim.cka(x, y).value, 1, 1e-12)
  check_near(sim.cka(x, y, {kernel = "rbf"}).value, 1, 1e-12)
  check_near(sim.cka(x, y, {kernel = "rbf", sigma = 2, debiased = true}).value, 1, 1e-12)
end)

test("CCA, SVCCA and CKA are symmetric; PWCCA gives the same answer in either order", function()
  for _, f in ipairs({sim.cca, sim.svcca, sim.cka}) do
    check_near(f(x, noisy).value, f(noisy, x).value, 1e-10)
  end
  check_near(sim.svcca(x, noisy, {energy = 0.8}).value, sim.svcca(noisy, x, {energy = 0.8}).value, 1e-10)
  check_near(sim.cka(x, noisy, {kernel = "rbf", sigma = 0.7}).value, sim.cka(noisy, x, {kernel = "rbf", sigma = 0.7}).value, 1e-10)
  local ab, ba = sim.pwcca(x, noisy), sim.pwcca(noisy, x)
  check_near(ab.value, ba.value, 1e-10)
  check_eq(ab.weighted_side, 2); check_eq(ba.weighted_side, 1)
  check(ab.value > 0.3 and ab.value < 0.99, "pwcca strictly between: " .. ab.value)
end)

test("results carry the measure, its parameters and the coefficients", function()
  local r = sim.svcca(x, noisy, {dims = 4})
  check_eq(r.measure, "svcca(dims=4)")
  check_eq(r.params.dims, 4); check_eq(r.params.epsilon, 1e-10)
  check_eq(r.k1, 4); check_eq(r.k2, 4)
  check_eq(#r.rho, 4); check_eq(r.rho:dtype(), "float64")
  for i = 2, #r.rho do check(r.rho[i] <= r.rho[i - 1], "rho descending") end
  local mean = 0
  for i = 1, 4 do mean = mean + r.rho[i] / 4 end
  check_near(r.value, mean, 1e-14); check_near(r.mean, mean, 1e-14)
  check_eq(#r.warnings, 0)
  check_eq(r.datapoints, 400); check_eq(r.neurons1, 6); check_eq(r.neurons2, 5)
  check_eq(sim.svcca(x, x).measure, "svcca(variance=0.99)")
  check_eq(sim.svcca(x, x, {energy = 0.9, epsilon = 1e-6}).measure, "svcca(energy=0.9, epsilon=1e-06)")
  check_eq(sim.cka(x, x, {kernel = "rbf", sigma = 0.5, debiased = true}).measure, "cka(rbf, sigma=0.5, debiased)")
  local c = sim.cca(x, noisy)
  check_eq(c.measure, "cca"); check_eq(c.kept1, 6); check_eq(c.kept2, 5); check_eq(#c.rho, 5)
  check(c.threshold_mean >= c.value, "the thresholded mean drops the smallest coefficients")
  check_eq(c.weights, nil)
  local p = sim.pwcca(x, noisy)
  local total = 0
  for i = 1, #p.weights do total = total + p.weights[i] end
  check_near(total, 1, 1e-12)
  local weighted = 0
  for i = 1, #p.weights do weighted = weighted + p.weights[i] * p.rho[i] end
  check_near(p.value, weighted, 1e-12)
  local k = sim.cka(x, noisy)
  check_eq(k.rho, nil); check_eq(k.k1, nil); check_eq(k.measure, "cka(linear)")
  local line = tostring(r)
  check(line:find("^svcca%(dims=4%) = 0%.%d%d%d%d%d%d %(k1 = 4, k2 = 4; 6 and 5 neurons, 400 datapoints; 1 = identical%)$") ~= nil, line)
end)

test("the SVCCA rules pick the k their definitions give on a hand-made spectrum", function()
  -- Rows s_i · cos(2π i j / m) · √(2/m): orthonormal, centred directions, so the singular
  -- values are exactly s = 8, 4, 2, 1, 0.5 (variance fractions .751 .938 .985 .997 1; energy .516 .774 .903 .968 1).
  local s, m = {8, 4, 2, 1, 0.5}, 200
  local a = H.make(5, m, function(i, j) return s[i] * math.cos(2 * math.pi * i * (j - 1) / m) * math.sqrt(2 / m) end)
  local b = H.tensor(H.randn(2, m, 5))
  local cases = {{{variance = 0.99}, 4}, {{variance = 0.9}, 2}, {{}, 4}, {{energy = 0.95}, 4}, {{energy = 0.9}, 3},
                 {{energy = 0.99}, 5}, {{dims = 3}, 3}, {{dims = 50}, 5}}
  for _, case in ipairs(cases) do
    local r = sim.svcca(a, b, case[1])
    check_eq(r.k1, case[2], r.measure)
    check_eq(#r.rho, math.min(r.k1, r.k2), r.measure)
  end
end)

test("too few datapoints: coefficients of 1 and a warning", function()
  local a, b = H.tensor(H.randn(10, 15, 6)), H.tensor(H.randn(10, 15, 7))
  local r = sim.cca(a, b)
  local ones = 0
  for i = 1, #r.rho do if math.abs(r.rho[i] - 1) < 1e-6 then ones = ones + 1 end end
  check(ones >= 6, "at least n1 + n2 - (m - 1) = 6 coefficients equal 1, got " .. ones)
  check_eq(#r.warnings, 1)
  check(r.warnings[1]:find("only 15 datapoints for 10 neurons", 1, true) ~= nil, r.warnings[1])
end)

test("duplicated and dead neurons give finite answers", function()
  local d = H.make(7, 400, function(i, j) if i == 7 then return X[1][j] elseif i == 6 then return 2 else return X[i][j] end end)
  for _, r in ipairs({sim.cca(d, noisy), sim.svcca(d, noisy), sim.pwcca(d, noisy), sim.cka(d, noisy), sim.cka(d, noisy, {debiased = true})}) do
    check(r.value == r.value and r.value > 0 and r.value <= 1 + 1e-12, r.measure .. " = " .. r.value)
  end
  check_eq(sim.cca(d, noisy).kept1, 6)   -- the constant neuron is dropped, the duplicate kept
end)

test("the accumulator equals the full-matrix results", function()
  local acc = sim.accumulator()
  check_eq(tostring(acc), "accumulator (empty)")
  local sizes, start = {1, 99, 150, 150}, 1
  for _, n in ipairs(sizes) do
    local xs = H.make(6, n, function(i, j) return X[i][start + j - 1] + 100 end)
    local ys = H.make(5, n, function(i, j) return noisy[i][start + j - 1] end)
    check_eq(acc:add(xs, ys), acc)
    start = start + n
  end
  check_eq(acc.count, 400); check_eq(acc.batches, 4); check_eq(acc.neurons1, 6); check_eq(acc.neurons2, 5)
  local shifted = H.make(6, 400, function(i, j) return X[i][j] + 100 end)
  check_near(acc:cca().value, sim.cca(shifted, noisy).value, 1e-9)
  check_near(acc:svcca().value, sim.svcca(shifted, noisy).value, 1e-9)
  check_near(acc:svcca({dims = 2}).value, sim.svcca(shifted, noisy, {dims = 2}).value, 1e-9)
  check_near(acc:pwcca().value, sim.pwcca(shifted, noisy).value, 1e-9)
  check_near(acc:cka().value, sim.cka(shifted, noisy).value, 1e-9)
  check_eq(acc:svcca({energy = 0.8}).measure, "svcca(energy=0.8)")
  check_eq(tostring(acc), "accumulator (6 and 5 neurons, 400 datapoints in 4 batches)")
end)

test("PWCCA names its sign convention: params, printed form, help", function()
  -- On uncentred layers PWCCA depends on the signs of the canonical directions; prunelab fixes
  -- them (largest-magnitude coefficient positive) and says so wherever a PWCCA is shown.
  local shifted = H.tensor(H.make(6, 400, function(i, j) return X[i][j] + i end))
  local p = sim.pwcca(shifted, noisy)
  check_eq(p.params.signs, "largest-positive"); check_eq(p.params.epsilon, 1e-10)
  local line = tostring(p)
  check(line:find("^pwcca = 0%.%d%d%d%d%d%d %(kept 6 and 5 neurons; 6 and 5 neurons, 400 datapoints; ") ~= nil, line)
  check(line:find("; signs fixed: largest |coefficient| of each direction positive; Google's compute_pwcca keeps "
                  .. "LAPACK's and differs on uncentred data; 1 = identical)", 1, true) ~= nil, line)
  check(line:find(string.format("%.6f", p.value), 1, true) ~= nil, "the line shows the value: " .. line)
  local acc = sim.accumulator()
  acc:add(shifted, noisy)
  local streamed = acc:pwcca()
  check_eq(streamed.params.signs, "largest-positive")
  check(tostring(streamed):find("signs fixed", 1, true) ~= nil, tostring(streamed))
  -- Only PWCCA has signs to fix.
  for _, r in ipairs({sim.cca(shifted, noisy), sim.svcca(shifted, noisy), sim.cka(shifted, noisy)}) do
    check_eq(r.params.signs, nil)
    check(tostring(r):find("signs", 1, true) == nil, tostring(r))
  end
  local docs = debug.getregistry()["prunelab.docs"]
  for _, f in ipairs({sim.pwcca, getmetatable(acc).__methods.pwcca}) do
    local d = docs[f].doc
    check(d:find('r.params.signs = "largest-positive"', 1, true) ~= nil, d)
    check(d:find("largest-magnitude coefficient positive", 1, true) ~= nil or d:find("largest-magnitude coefficient is positive", 1, true) ~= nil, d)
    check(d:find("compute_pwcca", 1, true) ~= nil and d:find("uncentred", 1, true) ~= nil, d)
  end
end)

test("sim.matrix compares every layer with every layer", function()
  local m, rows, cols = sim.matrix({x, noisy}, {x, y_mix, noisy}, {measure = "cca"})
  check_eq(m:dim(), 2); check_eq(m:shape()[1], 2); check_eq(m:shape()[2], 3)
  check_near(m[1][1], 1, 1e-8)
  check_near(m[1][2], sim.cca(x, y_mix).value, 1e-14)
  check_near(m[2][1], sim.cca(noisy, x).value, 1e-14)
  check_near(m[2][3], 1, 1e-8)
  check_eq(rows[2], "2"); check_eq(cols[3], "3")
  local n, r2, c2 = sim.matrix({conv1 = x, fc = noisy}, {b = noisy, a = x})   -- default svcca, names sorted
  check_eq(r2[1], "conv1"); check_eq(r2[2], "fc"); check_eq(c2[1], "a"); check_eq(c2[2], "b")
  check_near(n[1][1], 1, 1e-8); check_near(n[2][2], 1, 1e-8)
  check_near(n[1][2], sim.svcca(x, noisy).value, 1e-14)
  local k = sim.matrix({x}, {noisy}, {measure = "cka", kernel = "rbf", sigma = 0.5})
  check_near(k[1][1], sim.cka(x, noisy, {kernel = "rbf", sigma = 0.5}).value, 1e-14)
end)

test("4-D activations flatten to C x (N·H·W) or average to C x N", function()
  -- N=4, C=3, H=2, W=2 holding n*1000 + c*100 + h*10 + w (0-based) plus a varying wobble.
  local t = tensor.zeros({4, 3, 2, 2}, {dtype = "float64"})
  for n = 1, 4 do for c = 1, 3 do for h = 1, 2 do for w = 1, 2 do
    t[n][c][h][w] = (n - 1) * 1000 + (c - 1) * 100 + (h - 1) * 10 + (w - 1) + ((n * c + h * w + c) % 5) * 37.5
  end end end end
  local flat = H.make(3, 16, function(c, j)
    local n, h, w = (j - 1) // 4, ((j - 1) // 2) % 2, (j - 1) % 2
    return t[n + 1][c][h + 1][w + 1]
  end)
  local other = H.tensor(H.randn(2, 16, 8))
  check_near(sim.cka(t, other).value, sim.cka(flat, other).value, 1e-13)
  check_near(sim.cca(t, other).value, sim.cca(flat, other).value, 1e-13)
  local means = H.make(3, 4, function(c, n)
    local s = 0
    for h = 1, 2 do for w = 1, 2 do s = s + t[n][c][h][w] end end
    return s / 4
  end)
  local other2 = H.tensor(H.randn(2, 4, 9))
  check_near(sim.cka(t, other2, {conv = "mean"}).value, sim.cka(means, other2).value, 1e-13)
  local acc = sim.accumulator({conv = "mean"})
  acc:add(t, other2)
  check_eq(acc.neurons1, 3); check_eq(acc.count, 4)
end)

test("help documents the module, its functions and its objects", function()
  help(sim); help(sim.svcca); help(sim.cca(x, x)); help(sim.accumulator()); help("accumulator:add")
end)
