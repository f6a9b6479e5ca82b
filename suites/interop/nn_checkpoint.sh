#!/usr/bin/env bash
# Checkpoints interoperate with Python: prunelab trains and saves a ConvNet and a small ResNet-18
# (m:save) with an input batch and its logits; Python's safetensors package must read every
# tensor and the architecture metadata, and PyTorch models built with the same names must load
# the weights as a state_dict and reproduce prunelab's logits. Python then rewrites one
# checkpoint with safetensors and prunelab must load it back bit-exactly.
# Usage: PRUNELAB=.build/release/prunelab bash suites/interop/nn_checkpoint.sh
set -uo pipefail
P=${PRUNELAB:?set PRUNELAB to the prunelab binary}
P=$(cd "$(dirname "$P")" && pwd)/$(basename "$P")
PY=/usr/bin/python3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
$PY -c 'import safetensors, torch' 2>/dev/null || { echo "FAIL: /usr/bin/python3 lacks safetensors or torch (run scripts/setup)"; exit 1; }

"$P" -e '
local ds = data.fashion_mnist().train:subset(1, 64):normalize(0.286, 0.353)
local conv = models.convnet{input = {1, 28, 28}, classes = 10, seed = 3}
train.sgd{lr = 0.02, batch = 16, epochs = 1}:fit(conv, ds, {progress = false})
conv:save("convnet.safetensors")
local x = ds:tensors():narrow(1, 1, 8)
conv:eval()
tensor.save("convnet_io.safetensors", {x = x, y = conv:forward(x)})
local res = models.resnet{depth = 18, width = 0.125, input = {3, 16, 16}, classes = 5, seed = 4}
local xr = tensor.randn{6, 3, 16, 16, seed = 5}
res:forward(xr)  -- training-mode forward: non-trivial BatchNorm running statistics
res:save("resnet.safetensors")
res:eval()
tensor.save("resnet_io.safetensors", {x = xr, y = res:forward(xr)})
' || { echo "FAIL: prunelab could not write the checkpoints"; exit 1; }

"$PY" - <<'PY' || exit 1
import json
import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors import safe_open
from safetensors.torch import load_file, save_file

fails = []
def check(cond, msg):
    if not cond:
        fails.append(msg)

class ConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 64, 5, padding=2)
        self.conv2 = nn.Conv2d(64, 64, 5, padding=2)
        self.fc1 = nn.Linear(64 * 7 * 7, 384)
        self.fc2 = nn.Linear(384, 192)
        self.fc3 = nn.Linear(192, 10)
    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 3, 2, 1)
        x = F.max_pool2d(F.relu(self.conv2(x)), 3, 2, 1)
        x = torch.flatten(x, 1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))

class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False); self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False); self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
    def forward(self, x):
        out = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(out + (x if self.downsample is None else self.downsample(x)))

class ResNet18(nn.Module):
    def __init__(self, width, classes):
        super().__init__()
        w = [max(1, round(c * width)) for c in (64, 128, 256, 512)]
        self.conv1 = nn.Conv2d(3, w[0], 3, 1, 1, bias=False); self.bn1 = nn.BatchNorm2d(w[0])
        cin = w[0]
        for stage in range(4):
            blocks = []
            for b in range(2):
                blocks.append(Block(cin, w[stage], 2 if b == 0 and stage > 0 else 1)); cin = w[stage]
            setattr(self, "layer%d" % (stage + 1), nn.Sequential(*blocks))
        self.fc = nn.Linear(cin, classes)
    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        for s in range(1, 5):
            x = getattr(self, "layer%d" % s)(x)
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))

for name, model in (("convnet", ConvNet()), ("resnet", ResNet18(0.125, 5))):
    path = name + ".safetensors"
    with safe_open(path, "pt") as f:
        meta = f.metadata()
        keys = list(f.keys())
    check(meta.get("format") == "prunelab.model" and meta.get("version") == "1", name + ": format metadata")
    arch = json.loads(meta["architecture"])
    check(arch["kind"] == "Sequential" and len(arch["children"]) > 3, name + ": architecture JSON")
    state = load_file(path)
    check(all(t.dtype == torch.float32 for t in state.values()), name + ": float32 tensors")
    expected = {k for k in model.state_dict() if not k.endswith("num_batches_tracked")}
    check(set(state) == expected, name + ": tensor names differ from PyTorch's state_dict: %s" % sorted(set(state) ^ expected)[:6])
    missing, unexpected = model.load_state_dict(state, strict=False)
    check(all(k.endswith("num_batches_tracked") for k in missing) and not unexpected, name + ": load_state_dict")
    model.eval()
    io = load_file(name + "_io.safetensors")
    with torch.no_grad():
        y = model(io["x"])
    err = (y - io["y"]).abs().max().item()
    check(err < 1e-4, "%s: PyTorch logits differ from prunelab's by %g" % (name, err))
    print("%s: %d tensors, max |logit difference| %.2e" % (name, len(state), err))

# Python rewrites the ResNet checkpoint (same tensors and metadata, reversed order).
state = load_file("resnet.safetensors")
with safe_open("resnet.safetensors", "pt") as f:
    meta = f.metadata()
save_file(dict(reversed(list(state.items()))), "resnet_py.safetensors", metadata=meta)
if fails:
    print("FAIL:\n  " + "\n  ".join(fails))
    raise SystemExit(1)
PY

"$P" -e '
local a = models.load("resnet.safetensors")
local b = models.load("resnet_py.safetensors")
local pa, pb = a:parameters(), b:parameters()
for name, t in pairs(pa) do
  assert(t:equal(pb[name]), "parameter " .. name .. " differs after the Python round trip")
end
for name, t in pairs(a:buffers()) do assert(t:equal(b:buffers()[name]), name) end
print("resnet: reloaded from the Python-written file bit-exactly")
' || { echo "FAIL: prunelab could not reload the Python-written checkpoint"; exit 1; }
echo "nn_checkpoint: all passed"
