#!/usr/bin/env bash
# The sparse checkpoint layout is what its documentation says: Python's safetensors package
# reads a sparse file (m:save(path, {sparse = true})), NumPy rebuilds every masked weight and
# mask from <name>.bits (np.unpackbits, bitorder="little") and <name>.values as the "sparse"
# metadata entry describes, and the result equals the dense file's tensors bit for bit.
# Usage: PRUNELAB=.build/release/prunelab bash suites/interop/sparse_checkpoint_numpy.sh
set -uo pipefail
P=${PRUNELAB:?set PRUNELAB to the prunelab binary}
P=$(cd "$(dirname "$P")" && pwd)/$(basename "$P")
PY=/usr/bin/python3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
$PY -c 'import safetensors, numpy' 2>/dev/null || { echo "FAIL: /usr/bin/python3 lacks safetensors or numpy (run scripts/setup)"; exit 1; }

"$P" -e '
local m = prune.magnitude(models.resnet{depth = 18, width = 0.125, input = {3, 16, 16}, classes = 5, seed = 4}, 0.9)
m:forward(tensor.randn{4, 3, 16, 16, seed = 5})  -- non-trivial BatchNorm running statistics
m:save("dense.safetensors")
m:save("sparse.safetensors", {sparse = true})
' || { echo "FAIL: prunelab could not write the checkpoints"; exit 1; }

"$PY" - <<'PY' || exit 1
import json, os
import numpy as np
from safetensors.numpy import load_file
from safetensors import safe_open

dense = load_file("dense.safetensors")
sparse = load_file("sparse.safetensors")
with safe_open("sparse.safetensors", "np") as f:
    layout = json.loads(f.metadata()["sparse"])
assert layout["layout"] == "bitmask-values" and layout["version"] == 1 and layout["bit_order"] == "little", layout
names = layout["tensors"]
assert len(names) == 20, len(names)  # 17 convolutions + 3 downsample convolutions; fc kept dense
for name in names:
    w, mask = dense[name], dense[name + ".mask"]
    bits, values = sparse.pop(name + ".bits"), sparse.pop(name + ".values")
    assert bits.dtype == np.uint8 and values.dtype == np.float32
    m = np.unpackbits(bits, bitorder="little")[: w.size].astype(bool)
    assert np.array_equal(m, mask.ravel() != 0), name
    rebuilt = np.zeros(w.size, np.float32)
    rebuilt[m] = values
    assert rebuilt.tobytes() == w.ravel().tobytes(), name
    assert np.array_equal(bits, np.packbits(mask.ravel() != 0, bitorder="little")), name
for name, t in sparse.items():
    assert t.tobytes() == dense[name].tobytes(), name
    assert name + ".mask" not in dense, name
ds, ss = os.path.getsize("dense.safetensors"), os.path.getsize("sparse.safetensors")
assert ss <= 0.25 * ds, (ss, ds)
print(f"ok: {len(names)} sparse tensors rebuilt with NumPy; {ss} bytes sparse vs {ds} dense")
PY
