#!/usr/bin/env bash
# Interoperability of prunelab's tensor files with NumPy (and Python's safetensors package, when
# installed): NumPy writes .npy (float32/float64, C and Fortran order, integer and bool types)
# and .npz (stored and compressed) files that prunelab must load with identical values, and
# prunelab writes .npy/.npz/.safetensors files that NumPy must load identically.
# Usage: PRUNELAB=.build/release/prunelab bash suites/interop/npy_numpy.sh
set -uo pipefail
P=${PRUNELAB:?set PRUNELAB to the prunelab binary}
P=$(cd "$(dirname "$P")" && pwd)/$(basename "$P")
PY=/usr/bin/python3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"

# 1. NumPy writes; every array also goes to NAME.txt as exact decimal values (%.17g, C order)
#    with its shape on the first line.
"$PY" - <<'PY' || { echo "FAIL: numpy could not write the fixtures"; exit 1; }
import numpy as np
rng = np.random.default_rng(7)
def put(name, a):
    with open(name + ".txt", "w") as f:
        f.write(" ".join(str(s) for s in a.shape) + "\n")
        for v in np.ascontiguousarray(a).reshape(-1):
            f.write("%.17g\n" % float(v))
arrays = {
    "f32_c": rng.standard_normal((5, 7)).astype(np.float32),
    "f64_c": rng.standard_normal((3, 4, 2)) * 1e10,
    "f32_f": np.asfortranarray(rng.standard_normal((6, 3)).astype(np.float32)),
    "f64_f": np.asfortranarray(rng.standard_normal((2, 3, 4))),
    "f64_1d": np.array([0.1, -0.0, 1e-310, 1.7976931348623157e308, -np.pi]),
    "f32_0d": np.array(np.float32(2.5)),
    "f64_empty": np.zeros((0, 3)),
    "i32": np.array([[-2147483648, 0], [7, 2147483647]], dtype=np.int32),
    "i64": np.array([-(2**53), 2**53, 12345678901], dtype=np.int64),
    "u8": np.arange(0, 256, 17, dtype=np.uint8),
    "b": np.array([True, False, True]),
    "f16": np.array([1.0, -0.5, 65504.0, 6e-8], dtype=np.float16),
    "big": rng.standard_normal((300, 257)).astype(np.float32),
}
for name, a in arrays.items():
    np.save(name + ".npy", a)
    put(name, a)
np.savez("stored.npz", x=arrays["f32_c"], y=arrays["f64_f"], z=arrays["i32"])
np.savez_compressed("packed.npz", x=arrays["f32_c"], y=arrays["f64_f"], big=arrays["big"])
# More than 65,535 members: zipfile writes the zip64 end-of-central-directory records.
np.savez("many.npz", **{"k%d" % i: np.array([i], dtype=np.float32) for i in range(66000)})
try:
    import safetensors.numpy
    safetensors.numpy.save_file({"w": arrays["f32_c"], "d": arrays["f64_c"], "i": arrays["i64"], "h": arrays["f16"]},
                                "py.safetensors", metadata={"format": "np", "note": "written by python"})
    print("safetensors: python package present")
except ImportError:
    print("safetensors: python package absent, its checks are skipped")
PY

# 2. prunelab loads NumPy's files and compares every value exactly; then writes its own files.
cat > check.lua <<'LUA'
local passed, failed = 0, 0
local function flat(t)
  local out = {}
  local function walk(x) if type(x) == "table" then for _, v in ipairs(x) do walk(v) end else out[#out + 1] = x end end
  walk(t:totable())
  return out
end
local function expect(name, t)
  local f = assert(io.open(name .. ".txt"))
  local shape = {}
  for s in f:read("l"):gmatch("%d+") do shape[#shape + 1] = tonumber(s) end
  local want = {}
  for line in f:lines() do want[#want + 1] = tonumber(line) end
  f:close()
  local ok, why = true, nil
  local got = t:shape()
  if #got ~= #shape then ok, why = false, "rank " .. #got .. " vs " .. #shape end
  for i = 1, #shape do if got[i] ~= shape[i] then ok, why = false, "shape differs at " .. i end end
  local values = flat(t)
  if ok and #values ~= #want then ok, why = false, #values .. " values vs " .. #want end
  if ok then
    for i = 1, #want do
      if values[i] ~= want[i] then ok, why = false, string.format("value %d: %.17g vs %.17g", i, values[i], want[i]); break end
    end
  end
  if ok then passed = passed + 1 else failed = failed + 1; print("FAIL " .. name .. ": " .. why) end
end
local function same(name, cond) if cond then passed = passed + 1 else failed = failed + 1; print("FAIL " .. name) end end

for _, name in ipairs{"f32_c", "f64_c", "f32_f", "f64_f", "f64_1d", "f32_0d", "f64_empty", "i32", "i64", "u8", "b", "f16", "big"} do
  expect(name, tensor.load(name .. ".npy"))
end
same("float32 stays float32", tensor.load("f32_c.npy"):dtype() == "float32")
same("float64 stays float64", tensor.load("f64_f.npy"):dtype() == "float64")
same("int32 loads as float64", tensor.load("i32.npy"):dtype() == "float64")
same("uint8 loads as float32", tensor.load("u8.npy"):dtype() == "float32")
same("fortran order loads contiguous", tensor.load("f64_f.npy"):is_contiguous())
for _, archive in ipairs{"stored.npz", "packed.npz"} do
  expect("f32_c", tensor.load(archive, "x"))
  expect("f64_f", tensor.load(archive .. ":y"))
end
expect("i32", tensor.load("stored.npz", "z"))
expect("big", tensor.load("packed.npz", "big"))
same("npz keys in order", table.concat(tensor.keys("stored.npz"), ",") == "x,y,z")
local many = tensor.keys("many.npz")
same("zip64 archive from numpy: 66000 keys", #many == 66000 and many[66000] == "k65999")
same("zip64 archive from numpy: a member past 65535", tensor.load("many.npz", "k65999"):item() == 65999)
local f = io.open("py.safetensors")
if f then
  f:close()
  expect("f32_c", tensor.load("py.safetensors", "w"))
  expect("f64_c", tensor.load("py.safetensors:d"))
  expect("i64", tensor.load("py.safetensors", "i"))
  expect("f16", tensor.load("py.safetensors", "h"))
  local all, meta = tensor.load_all("py.safetensors")
  same("safetensors metadata from python", meta.format == "np" and meta.note == "written by python")
  same("safetensors load_all", all.w ~= nil and all.d ~= nil and all.i ~= nil and all.h ~= nil)
end

-- prunelab writes: its values go to .txt files with the same layout for Python to compare.
local function put(name, t)
  local f = assert(io.open(name .. ".txt", "w"))
  f:write(table.concat(t:shape(), " "), "\n")
  for _, v in ipairs(flat(t)) do f:write(string.format("%.17g\n", v)) end
  f:close()
end
local a = tensor.randn(4, 6, {seed = 1})
local b = tensor.randn(3, 2, 5, {seed = 2, dtype = "float64"}) * 1e-3
local c = tensor.randn(6, 4, {seed = 3, dtype = "float64"}):t()       -- a transposed view
local s = tensor.from(3.25, {dtype = "float64"})
for name, t in pairs{pa = a, pb = b, pc = c, ps = s} do t:save(name .. ".npy"); put(name, t) end
tensor.save("pl_stored.npz", {a = a, b = b, c = c})
tensor.save("pl_packed.npz", {a = a, b = b, c = c}, {compressed = true})
tensor.save("pl.safetensors", {a = a, b = b, c = c}, {metadata = {arch = '{"layers": 3}', seed = "1"}})
local members = {}
for i = 0, 65999 do members["m" .. i] = tensor.from{i} end
tensor.save("pl_many.npz", members)              -- more than 65,535 members: zip64 records
print(string.format("lua: %d passed, %d failed", passed, failed))
os.exit(failed == 0 and 0 or 1)
LUA
"$P" check.lua
lua_status=$?

# 3. NumPy (and safetensors) load prunelab's files and compare exactly.
"$PY" - <<'PY'
import numpy as np, sys
passed = failed = 0
def expect(name, a, dtype):
    global passed, failed
    with open(name + ".txt") as f:
        shape = tuple(int(s) for s in f.readline().split())
        want = np.array([float(l) for l in f], dtype=np.float64)
    a = np.asarray(a)
    ok = a.shape == shape and a.dtype == dtype and np.array_equal(np.ascontiguousarray(a).reshape(-1).astype(np.float64), want)
    if ok: passed += 1
    else:
        failed += 1
        print("FAIL", name, a.shape, shape, a.dtype, dtype)
types = {"pa": np.float32, "pb": np.float64, "pc": np.float64, "ps": np.float64}
for name, dtype in types.items():
    expect(name, np.load(name + ".npy"), dtype)
for archive in ["pl_stored.npz", "pl_packed.npz"]:
    with np.load(archive) as z:
        if sorted(z.files) != ["a", "b", "c"]:
            failed += 1; print("FAIL keys of", archive, z.files)
        for key in "abc":
            expect("p" + key, z[key], types["p" + key])
with np.load("pl_many.npz") as z:
    if len(z.files) == 66000 and z["m65999"][0] == 65999 and z["m123"].dtype == np.float32: passed += 1
    else: failed += 1; print("FAIL zip64 archive from prunelab")
try:
    import safetensors.numpy, safetensors
    d = safetensors.numpy.load_file("pl.safetensors")
    for key in "abc":
        expect("p" + key, d[key], types["p" + key])
    with safetensors.safe_open("pl.safetensors", "np") as f:
        meta = f.metadata()
    if meta == {"arch": '{"layers": 3}', "seed": "1"}: passed += 1
    else: failed += 1; print("FAIL safetensors metadata", meta)
except ImportError:
    pass
print("python: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
PY
py_status=$?
[ $lua_status -eq 0 ] && [ $py_status -eq 0 ]
