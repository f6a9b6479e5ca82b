#!/usr/bin/env bash
# Adam and AdamW against PyTorch (issue 21): prunelab prunes a small MLP (half of fc1's weights),
# saves it with format = "torch-prune", trains it for 10 full-batch steps with train.adam and
# train.adamw (weight decay on), and saves the results. PyTorch loads the initial checkpoint into
# the same MLP with torch.nn.utils.prune applied (fc1.weight_orig, fc1.weight_mask), takes 10
# steps of torch.optim.Adam / AdamW with the same settings on the same data, and the weights must
# agree to 1e-6; pruned weights must be exactly zero in prunelab's result. The torch-prune
# checkpoint itself must give PyTorch the logits prunelab computes (max difference < 1e-5), and
# its metadata (user table, training settings, normalisation) must round-trip.
# Usage: PRUNELAB=.build/release/prunelab bash suites/interop/optim_torch.sh
set -uo pipefail
P=${PRUNELAB:?set PRUNELAB to the prunelab binary}
P=$(cd "$(dirname "$P")" && pwd)/$(basename "$P")
PY=/usr/bin/python3
dir=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$dir"' EXIT; [ -n "${KEEP:-}" ] && echo "$dir"
cd "$dir"
$PY -c 'import safetensors, torch' 2>/dev/null || { echo "FAIL: /usr/bin/python3 lacks safetensors or torch (run scripts/setup)"; exit 1; }

"$P" -e '
local x = tensor.randn{32, 6, seed = 11}
local y = tensor.from{1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2}
local ds = data.tensors(x, y, {classes = 3})
local m = models.mlp{input = 6, hidden = {8}, classes = 3, seed = 2}
prune.magnitude(m, 0.5)
m:save("init.safetensors", {format = "torch-prune", metadata = {study = "adam", repeat_ = 2, nested = {ok = true, xs = {1, 2.5}}}})
m:eval(); tensor.save("init_io.safetensors", {x = x, y = m:forward(x)})
local settings = {adam = {lr = 0.01, weight_decay = 0.01}, adamw = {lr = 0.01, weight_decay = 0.05}}
for _, kind in ipairs{"adam", "adamw"} do
  local s = settings[kind]
  local trained = models.load("init.safetensors")
  local t = train[kind]{lr = s.lr, weight_decay = s.weight_decay, betas = {0.9, 0.99}, eps = 1e-8, batch = 32, epochs = 3, seed = 1, augment = false}
  local h = t:fit(trained, ds:normalize(0.5, 2), {epochs = 10, progress = false})   -- a one-off override: 10 steps
  assert(#h == 10, "10 epochs of one full batch each")
  trained:save(kind .. ".safetensors")
end
local back = models.load("init.safetensors")
assert(back.metadata.study == "adam" and back.metadata.repeat_ == 2 and back.metadata.nested.ok == true and back.metadata.nested.xs[2] == 2.5, "metadata round trip")
local a = models.load("adam.safetensors")
local p = a.provenance
assert(p.training.optimizer == "adam" and p.training.epochs == 10 and p.training.epochs_done == 10 and p.training.betas[2] == 0.99, "training settings recorded")
assert(p.normalization.mean[1] == 0.5 and p.normalization.std[1] == 2 and p.metrics.loss > 0 and p.interrupted == false, "normalisation and metrics recorded")
' || { echo "FAIL: prunelab could not train or save"; exit 1; }

"$PY" - <<'PY'
import json, sys
import torch, torch.nn as nn, torch.nn.functional as F
import torch.nn.utils.prune as prune
from safetensors import safe_open
from safetensors.torch import load_file
torch.set_default_dtype(torch.float32)
fails = []
worst = 0.0
def build():
    m = nn.Sequential()
    m.add_module("fc1", nn.Linear(6, 8)); m.add_module("relu1", nn.ReLU()); m.add_module("fc2", nn.Linear(8, 3))
    prune.identity(m.fc1, "weight")          # creates fc1.weight_orig and fc1.weight_mask
    state = load_file("init.safetensors")
    m.load_state_dict(state)                 # strict: every name must match
    return m, state
io = load_file("init_io.safetensors")
m, state = build()
with torch.no_grad():
    d = (m(io["x"]) - io["y"]).abs().max().item()
print(f"torch-prune logits: max difference {d:.2g}")
if not d < 1e-5: fails.append(f"torch-prune checkpoint: logits differ by {d}")
if not torch.equal(m.fc1.weight_mask, state["fc1.weight_mask"]) or m.fc1.weight_mask.sum().item() != 24:
    fails.append("torch-prune checkpoint: mask not loaded as torch's weight_mask")
with safe_open("init.safetensors", "pt") as f:
    meta = f.metadata()
user = json.loads(meta["metadata"])
if user != {"nested": {"ok": True, "xs": [1, 2.5]}, "repeat_": 2, "study": "adam"}:
    fails.append(f"metadata as Python reads it: {user}")
x = (io["x"] - 0.5) / 2
y = torch.tensor([i % 3 for i in range(32)])
for kind, lr, wd in (("adam", 0.01, 0.01), ("adamw", 0.01, 0.05)):
    m, _ = build()
    cls = torch.optim.Adam if kind == "adam" else torch.optim.AdamW
    opt = cls(m.parameters(), lr=lr, betas=(0.9, 0.99), eps=1e-8, weight_decay=wd)
    for _ in range(10):
        opt.zero_grad()
        F.cross_entropy(m(x), y).backward()
        opt.step()
    got = load_file(kind + ".safetensors")
    # m.fc1.weight is recomputed by prune's pre-forward hook, so it is one step stale here.
    want = {"fc1.weight": (m.fc1.weight_orig * m.fc1.weight_mask).detach(), "fc1.bias": m.fc1.bias.detach(), "fc2.weight": m.fc2.weight.detach(), "fc2.bias": m.fc2.bias.detach()}
    for name, w in want.items():
        diff = (got[name] - w).abs().max().item()
        worst = max(worst, diff)
        if not diff < 1e-6: fails.append(f"{kind}: {name} differs from PyTorch by {diff:.3g} after 10 steps")
    mask = got["fc1.weight.mask"]
    if not torch.equal(got["fc1.weight"][mask == 0], torch.zeros(int((mask == 0).sum()))):
        fails.append(f"{kind}: pruned weights are not exactly zero")
    moved = (got["fc1.weight"] - state["fc1.weight_orig"]).abs().max().item()
    if not moved > 1e-3: fails.append(f"{kind}: weights did not move ({moved})")
if fails:
    print("FAIL: optimizers / torch-prune checkpoints against PyTorch:"); [print("  " + f) for f in fails]; sys.exit(1)
print(f"ok: Adam and AdamW match torch.optim to 1e-6 (largest difference {worst:.2g}) over 10 steps with masks exactly zero; torch-prune checkpoint loads in PyTorch with prune applied (logits < 1e-5); metadata round-trips")
PY
