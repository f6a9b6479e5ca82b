#!/usr/bin/env bash
# examples/paper's pipeline on VGG-16 and ResNet-34 (width 0.125, Fashion-MNIST padded to
# 32×32) at the `tiny` setting: the sweep and report run end to end, every table is written and
# parses, accuracies and similarities lie in [0, 1], the baseline's similarity to itself is 1 on
# every layer, and the job ids carry the model (preset tiny-vgg16, tiny-resnet34).
# Usage: PRUNELAB=.build/release/prunelab bash suites/shell/paper_models.sh
set -uo pipefail
P=${PRUNELAB:?set PRUNELAB to the prunelab binary}
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); printf 'FAIL %s\n' "$*"; }
export PRUNELAB=$P

for model in vgg16 resnet34; do
  PAPER_MODEL=$model PAPER_RESULTS=$tmp "$root/examples/paper/run" tiny --jobs 2 >"$tmp/$model.out" 2>&1
  status=$?
  [ "$status" -eq 0 ] && ok || { bad "$model: exit status $status"; tail -20 "$tmp/$model.out"; continue; }
  out=$tmp/tiny-$model
  for f in table1.csv table3.csv similarity.csv similarity_epochs.csv RESULTS.md; do
    [ -s "$out/$f" ] && ok || bad "$model: missing $f"
  done
  ls "$out/sweep/jobs/baseline" | grep -q "^preset=tiny-$model,seed=1-" && ok || bad "$model: job ids without the model"
  python3 - "$out" "$model" <<'PY' && ok || bad "$model: tables"
import csv, sys
d, model = sys.argv[1], sys.argv[2]
def rows(name):
    with open(f"{d}/{name}", newline="") as f:
        return list(csv.DictReader(f))
problems = []
t1 = rows("table1.csv")
if len(t1) != 8: problems.append(f"table1 has {len(t1)} rows")
for r in t1:
    if not 0 <= float(r["accuracy_mean"]) <= 1: problems.append(f"accuracy {r}")
sim = rows("similarity.csv")
base = [r for r in sim if r["method"] == "baseline"]
if len(base) < 20: problems.append(f"only {len(base)} {model} layers")
for r in sim:
    v = float(r["svcca_mean"])
    if not -1e-9 <= v <= 1 + 1e-9: problems.append(f"similarity {r}")
    if r["method"] == "baseline" and abs(v - 1) > 1e-6: problems.append(f"self-similarity {v} on {r['layer']}")
print("\n".join(problems[:10]))
sys.exit(1 if problems else 0)
PY
done
echo "paper_models: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
