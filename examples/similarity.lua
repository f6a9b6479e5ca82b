-- Ad-hoc similarity: two "layers" that share part of their signal, compared every way prunelab
-- knows, from files and streamed in batches.  Run: prunelab examples/similarity.lua
local n, m = 64, 5000
local shared = tensor.randn({16, m}, {seed = 1, dtype = "float64"})
local a = tensor.randn({n, 16}, {seed = 2, dtype = "float64"}):matmul(shared)
          + tensor.randn({n, m}, {seed = 3, dtype = "float64"}) * 0.5
local b = tensor.randn({n, 16}, {seed = 4, dtype = "float64"}):matmul(shared)
          + tensor.randn({n, m}, {seed = 5, dtype = "float64"})

print(sim.cca(a, b))
print(sim.svcca(a, b))                       -- 99% of the variance (the paper's SVCCA)
print(sim.svcca(a, b, {dims = 16}))
print(sim.pwcca(a, b))
print(sim.cka(a, b))
print(sim.cka(a, b, {kernel = "rbf", sigma = 0.8}))

-- Files, as the command line reads them: prunelab svcca /tmp/a.npy /tmp/b.npy
a:save("/tmp/prunelab_example_a.npy"); b:save("/tmp/prunelab_example_b.npy")
print(sim.svcca(tensor.load("/tmp/prunelab_example_a.npy"), tensor.load("/tmp/prunelab_example_b.npy")).value)

-- Streaming: the same numbers from batches of 500 datapoints, in O(neurons²) memory.
local acc = sim.accumulator()
for start = 1, m, 500 do acc:add(a:narrow(2, start, 500), b:narrow(2, start, 500)) end
print(acc, acc:svcca().value, sim.svcca(a, b).value)

-- Every layer against every layer.
local mat = sim.matrix({a = a, b = b}, {a = a, b = b}, {measure = "cka"})
print(mat)

-- The same grid as a table: Markdown for a README, CSV for pandas (every digit kept).
print(report.table(mat):markdown())
report.table(mat):save("/tmp/prunelab_example_cka.csv")
