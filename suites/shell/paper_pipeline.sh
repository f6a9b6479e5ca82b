#!/usr/bin/env bash
# examples/paper at its `tiny` preset: the whole pipeline (sweep → tables, figures, RESULTS.md).
# Checks every output is written, the CSV tables parse with the expected rows, accuracies and
# similarities lie in [0, 1], the baseline's similarity to itself is 1 on every layer, and that
# a sweep interrupted (SIGINT) and run again finishes only the missing jobs, with tables
# identical to an uninterrupted run's. Numbers themselves mean nothing at this scale.
# Usage: PRUNELAB=.build/release/prunelab bash suites/shell/paper_pipeline.sh
set -uo pipefail
P=${PRUNELAB:?set PRUNELAB to the prunelab binary}
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); printf 'FAIL %s\n' "$*"; }
export PRUNELAB=$P

# 1. A clean run.
PAPER_RESULTS=$tmp/a "$root/examples/paper/run" tiny --jobs 2 >"$tmp/a.out" 2>&1
status=$?
[ "$status" -eq 0 ] && ok || { bad "clean run: exit status $status"; tail -30 "$tmp/a.out"; }
out=$tmp/a/tiny
for f in table1.csv table1.md table3.csv table3.md similarity.csv similarity.md similarity_epochs.csv RESULTS.md; do
  [ -s "$out/$f" ] && ok || bad "missing $f"
done
if "$P" -e 'os.exit(plot and 0 or 1)' >/dev/null 2>&1; then
  for f in figure2_5_methods.png figure3_layer_epoch.png figure4_layer_sparsity.png training_curves.png; do
    [ "$(head -c 8 "$out/$f" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] && ok || bad "figure $f is not a PNG"
  done
fi
grep -q '^## Finding 1' "$out/RESULTS.md" && grep -q '^## Finding 2' "$out/RESULTS.md" && grep -q '^## Finding 3' "$out/RESULTS.md" \
  && grep -q 'Verdict: \*\*' "$out/RESULTS.md" && ok || bad "RESULTS.md lacks the three findings and verdicts"

python3 - "$out" <<'PY' && ok || bad "tables"
import csv, sys
d = sys.argv[1]
def rows(name):
    with open(f"{d}/{name}", newline="") as f:
        return list(csv.DictReader(f))
problems = []
t1 = rows("table1.csv")
keys = {(r["method"], round(float(r["sparsity"]), 4)) for r in t1}
want = {("baseline", 0.0), ("control", 0.0)} | {(m, s) for m in ("magnitude", "reinit", "random") for s in (0.5, 0.9)}
if keys != want: problems.append(f"table1 rows {sorted(keys)}")
for r in t1:
    a = float(r["accuracy_mean"])
    if not 0 <= a <= 1: problems.append(f"table1 accuracy {a}")
    if r["n"] != "1": problems.append(f"table1 n {r['n']}")
t3 = rows("table3.csv")
if {(r["method"], round(float(r["sparsity"]), 4)) for r in t3} != {("iterative", 0.6), ("iterative", 0.9), ("magnitude", 0.9)}:
    problems.append(f"table3 rows {[(r['method'], r['sparsity']) for r in t3]}")
for r in t3:
    if not 0 <= float(r["accuracy_mean"]) <= 1 or not 0 <= float(r["svcca_mean"]) <= 1 + 1e-9: problems.append(f"table3 row {r}")
sim = rows("similarity.csv")
layers = [r["layer"] for r in sim if r["method"] == "baseline"]
if len(layers) != 11: problems.append(f"{len(layers)} baseline layers: {layers}")
for r in sim:
    v = float(r["svcca_mean"])
    if not -1e-9 <= v <= 1 + 1e-9: problems.append(f"similarity {v} out of [0, 1]: {r}")
    if r["method"] == "baseline" and abs(v - 1) > 1e-6: problems.append(f"self-similarity {v} on {r['layer']}")
    if float(r["datapoints_per_neuron"]) < 5 and not r["flag"]: problems.append(f"unflagged layer {r}")
methods = {(r["method"], round(float(r["sparsity"]), 4)) for r in sim}
if methods != want | {("iterative", 0.6), ("iterative", 0.9)}: problems.append(f"similarity methods {sorted(methods)}")
ep = rows("similarity_epochs.csv")
if sorted({int(r["epoch"]) for r in ep}) != [0, 1] or len(ep) != 22: problems.append(f"similarity_epochs: {len(ep)} rows")
for r in ep:
    if not -1e-9 <= float(r["svcca_mean"]) <= 1 + 1e-9: problems.append(f"epoch similarity {r}")
print("\n".join(problems))
sys.exit(1 if problems else 0)
PY

# 2. Interrupted with Ctrl-C (SIGINT) after a few jobs, then run again.
spec=$root/examples/paper/study.lua
b=$tmp/b/tiny/sweep
mkdir -p "$tmp/b/tiny"
# --jobs 2 as in the clean run: 1 BLAS thread per worker (results are bitwise the same for the same thread count).
PAPER_PRESET=tiny "$P" sweep run "$spec" --out "$b" --jobs 2 >"$tmp/b1.out" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  n=$(find "$b/jobs" -name result.json 2>/dev/null | wc -l)
  [ "$n" -ge 3 ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
kill -INT "$pid" 2>/dev/null
wait "$pid"
done_before=$(find "$b/jobs" -name result.json | wc -l)
[ "$done_before" -ge 3 ] && [ "$done_before" -lt 9 ] && ok || bad "interrupted run finished $done_before of 9 jobs (expected 3–8)"
find "$b/jobs" -name result.json -exec sha256sum {} + | sort >"$tmp/before.sums"
PAPER_PRESET=tiny "$P" sweep run "$spec" --out "$b" --jobs 2 >"$tmp/b2.out" 2>&1 && ok || { bad "resumed run"; tail -20 "$tmp/b2.out"; }
[ "$(find "$b/jobs" -name result.json | wc -l)" -eq 9 ] && ok || bad "resumed sweep is not complete"
# The jobs finished before the interruption were left as they were.
while read -r sum file; do
  [ "$(sha256sum "$file" | cut -d' ' -f1)" = "$sum" ] || bad "finished job rerun: $file"
done <"$tmp/before.sums"
ok
"$P" "$root/examples/paper/report.lua" "$tmp/b/tiny" >/dev/null 2>&1 && ok || bad "report of the resumed sweep"
for f in table1.csv table3.csv similarity.csv similarity_epochs.csv; do
  cmp -s "$out/$f" "$tmp/b/tiny/$f" && ok || { bad "$f differs between the clean and the interrupted+resumed run"; diff "$out/$f" "$tmp/b/tiny/$f" | head -5; }
done

echo "paper_pipeline: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
