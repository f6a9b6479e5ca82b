-- A tour of prunelab's tensors: creation, views, math, reductions, files.
-- Run: .build/release/prunelab examples/tensors.lua
local dir = os.getenv("TMPDIR") or "/tmp"

local a = tensor.from{{1, 2, 3}, {4, 5, 6}}           -- float32 (use {dtype = "float64"} for float64)
print(a)
print("shape", table.concat(a:shape(), "×"), "dtype", a:dtype())

-- Views share memory: a column, a transpose, a reshape.
local col = a:select(2, 1)                             -- {1, 4}
col:fill(0)                                            -- writes into a
print("after zeroing column 1:", a)

-- Broadcasting arithmetic and matrix products (OpenBLAS).
local w = tensor.randn(3, 2, {seed = 7})
local h = (a:matmul(w) + tensor.from{0.5, -0.5}):relu()
print("relu(a·w + b) =", h)

-- Reductions: numbers over everything, tensors along a dimension (1-based).
local x = tensor.rand(1000, 10, {seed = 1, dtype = "float64"})
print(string.format("mean %.4f, std %.4f (uniform: 0.5 and %.4f)", x:mean(), x:std(), math.sqrt(1 / 12)))
local best, where = x:max(2)                           -- per-row maxima and their columns
print("row 1 max", best[1], "at column", where[1])

-- Files: .npy, .npz members and .safetensors tensors with metadata.
local path = dir .. "/prunelab-tour.safetensors"
tensor.save(path, {x = x, w = w}, {metadata = {note = "tour"}})
local all, meta = tensor.load_all(path)
print("saved and reloaded:", all.x == x, all.w == w, meta.note)
os.remove(path)

-- Timing with the monotonic clock.
local big = tensor.randn(1000, 1000, {seed = 2})
local t0 = sys.clock()
local p = big:matmul(big)
print(string.format("1000×1000 matmul: %.1f ms on %d BLAS threads", (sys.clock() - t0) * 1e3, sys.threads()))
