-- %% [markdown]
-- # Similarity measures on known cases
-- Two views of the same random activations, b = Q a with Q an invertible (not orthogonal) 20 × 20
-- matrix: SVCCA is invariant to invertible linear maps, so it scores 1; linear CKA is invariant
-- only to orthogonal maps and scaling, so it scores less. Noise lowers both.

-- %%
local a = tensor.randn({20, 500}, {seed = 1})
local q = tensor.randn({20, 20}, {seed = 2})
local b = q:matmul(a)
print(sim.svcca(a, b))

-- %%
-- A table of the measures against a noisier copy.
local rows = {}
for _, noise in ipairs({0, 0.5, 2}) do
  local c = b + tensor.randn({20, 500}, {seed = 3}) * noise
  rows[#rows + 1] = {noise = noise, svcca = sim.svcca(a, c).mean, cka = sim.cka(a, c).value}
end
results = report.table(rows, {columns = {"noise", "svcca", "cka"}, title = "similarity against noise"})
report.table(results)   -- a call, so the file stays a plain script; a notebook shows the table

-- %%
local fig = plot.line({0, 0.5, 2}, {results:column("svcca"), results:column("cka")},
                      {title = "similarity against noise", xlabel = "noise", ylabel = "similarity", labels = {"SVCCA", "CKA"}})
fig:show();
