#!/usr/bin/env bash
# `prunelab sweep` on the local backend: a 3 × 2 × 3 grid with a baseline stage (examples/sweep_demo.lua)
# on 2 workers; kill -9 of a worker in the middle of a job, then resume: only the missing job runs and
# `collect` equals a clean run's; Ctrl-C; a failing job; the summary against SciPy; every misuse
# (exit 2, one line on stderr).
# Usage: PRUNELAB=.build/release/prunelab bash suites/shell/sweep_local.sh
set -uo pipefail
P=${PRUNELAB:?set PRUNELAB to the prunelab binary}
P=$(cd "$(dirname "$P")" && pwd)/$(basename "$P")
root=$(cd "$(dirname "$0")/../.." && pwd)
spec="$root/examples/sweep_demo.lua"
dir=$(mktemp -d)
bg=""
trap '[ -n "$bg" ] && kill "$bg" 2>/dev/null; rm -rf "$dir"' EXIT
cd "$dir"
passed=0 failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); printf 'FAIL %s\n' "$*"; }
check() { local name=$1; shift; if "$@"; then pass; else fail "$name"; fi; }
count_results() { find "$1/jobs" -name result.json | wc -l; }
# wait_for PATTERN: up to 30 s for a file matching the glob PATTERN.
wait_for() { local f; for _ in $(seq 300); do for f in $1; do [ -e "$f" ] && return 0; done; sleep 0.1; done; return 1; }

# 1. A clean run: 9 baseline + 18 main jobs, all done.
"$P" sweep run "$spec" --out clean --jobs 2 >out.txt 2>err.txt; status=$?
check "clean run exits 0 (got $status: $(tail -3 err.txt))" [ $status -eq 0 ]
check "clean run: 27 results" [ "$(count_results clean)" -eq 27 ]
check "clean run: 2 workers × 1 BLAS thread" grep -q "2 workers × 1 BLAS thread" err.txt
"$P" sweep collect clean --format csv >clean.csv 2>err.txt
check "collect: header" [ "$(head -1 clean.csv)" = "method,width,cka_mean,cka_std,cka_ci95,cka_n,svcca_mean,svcca_std,svcca_ci95,svcca_n" ]
check "collect: 6 groups (2 methods × 3 widths), n = 3" [ "$(tail -n +2 clean.csv | awk -F, '$6 == 3 && $10 == 3' | wc -l)" -eq 6 ]

# 2. The summary against SciPy: mean, sample std, Student-t 95% half-width, from the result files.
"$P" sweep collect clean --format json >clean.json
python3 - clean <<'PY' || fail "summary differs from SciPy's"
import json, glob, sys, math
from collections import defaultdict
import scipy.stats
d = sys.argv[1]
groups = defaultdict(lambda: defaultdict(list))
for f in glob.glob(d + "/jobs/main/*/result.json"):
    r = json.load(open(f))
    key = (r["parameters"]["method"], r["parameters"]["width"])
    for k, v in r["results"].items(): groups[key][k].append(v)
rows = json.load(open("clean.json"))
assert len(rows) == len(groups) == 6, (len(rows), len(groups))
for row in rows:
    g = groups[(row["method"], row["width"])]
    for m in ("svcca", "cka"):
        v = g[m]; n = len(v); mean = sum(v) / n
        std = math.sqrt(sum((x - mean) ** 2 for x in v) / (n - 1))
        half = scipy.stats.t.ppf(0.975, n - 1) * std / math.sqrt(n)
        for got, want in ((row[m + "_mean"], mean), (row[m + "_std"], std), (row[m + "_ci95"], half)):
            assert abs(got - want) <= 1e-12 * max(1, abs(want)), (row, m, got, want)
        assert row[m + "_n"] == n == 3
PY
pass
"$P" sweep collect clean --stage baseline --format csv >base.csv
check "collect --stage baseline: 3 widths" [ "$(tail -n +2 base.csv | wc -l)" -eq 3 ]
"$P" sweep collect clean --format markdown >clean.md
check "markdown: header and separator" grep -q '^| method' clean.md
check "markdown: 6 rows" [ "$(grep -c '^| \(magnitude\|random\)' clean.md)" -eq 6 ]

# 3. sweep.load from Lua: 27 rows, no id twice, parameters and results as fields.
"$P" -e '
  local rows = sweep.load(arg[1]); assert(#rows == 27, #rows)
  local seen = {}
  for _, r in ipairs(rows) do assert(not seen[r.id]); seen[r.id] = true end
  local main = sweep.load(arg[1], {stage = "main"}); assert(#main == 18)
  assert(type(main[1].svcca) == "number" and main[1].width and main[1].seed and main[1].method)
  local s = sweep.summary(arg[1]); assert(#s == 6 and s[1].svcca_n == 3)
  local st = sweep.status(arg[1]); assert(st.done == 27 and st.total == 27 and st.missing == 0)
' clean 2>err.txt; check "sweep.load/summary/status from Lua ($(cat err.txt))" [ $? -eq 0 ]

# 4. kill -9 of a worker in the middle of a job, then resume.
held="main/method=random,width=16,seed=2"
SWEEP_DEMO_HOLD="$held" "$P" sweep run "$spec" --out killed --jobs 2 >out.txt 2>err.txt &
bg=$!
wait_for killed/jobs/main/method=random,width=16,seed=2-*/started || fail "held job never started"
jobdir=$(echo killed/jobs/main/method=random,width=16,seed=2-*)
# A second runner on the same directory is refused while the first holds it.
"$P" sweep run "$spec" --out killed >out2.txt 2>err2.txt; status=$?
check "second runner refused (got $status: $(cat err2.txt))" [ $status -eq 2 ] && check "second runner: one line" [ "$(wc -l <err2.txt)" -eq 1 ]
wait_for "$jobdir/running.json" || fail "no running.json"
pid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pid"])' "$jobdir/running.json")
kill -9 "$pid"
wait "$bg"; status=$?; bg=""
check "run with a killed worker exits 1 (got $status)" [ $status -eq 1 ]
check "killed worker reported" grep -q "killed by signal 9" err.txt
check "26 results after the kill" [ "$(count_results killed)" -eq 26 ]
"$P" sweep status killed >status.txt; status=$?
check "status: 1 missing, exit 1" [ $status -eq 1 ] && check "status counts" grep -q "27 jobs: 26 done, 0 failed, 0 running, 1 missing" status.txt
cp "$(echo killed/jobs/main/method=magnitude,width=8,seed=1-*/result.json)" kept.json
"$P" sweep run "$spec" --out killed --jobs 2 >out.txt 2>err.txt; status=$?
check "resume exits 0 (got $status)" [ $status -eq 0 ]
check "resume runs only the missing job" grep -q "1 of 27 jobs to run" err.txt
check "finished results untouched" cmp -s kept.json "$(echo killed/jobs/main/method=magnitude,width=8,seed=1-*/result.json)"
"$P" sweep collect killed --format csv >killed.csv
check "collect after kill + resume equals the clean run's" cmp -s clean.csv killed.csv
"$P" sweep run "$spec" --out killed >out.txt 2>err.txt; status=$?
check "a finished sweep runs nothing" [ $status -eq 0 ] && check "0 to run" grep -q "0 of 27 jobs to run" err.txt

# 5. Ctrl-C: workers stop, results stay, a new run finishes.
SWEEP_DEMO_HOLD="baseline/width=32,seed=3" "$P" sweep run "$spec" --out interrupted --jobs 2 >out.txt 2>err.txt &
bg=$!
wait_for interrupted/jobs/baseline/width=32,seed=3-*/started || fail "held job never started (Ctrl-C)"
kill -INT "$bg"
wait "$bg"; status=$?; bg=""
check "Ctrl-C exits 130 (got $status)" [ $status -eq 130 ]
check "Ctrl-C message" grep -q "interrupted" err.txt
check "no worker left" [ -z "$(pgrep -f "sweep worker --out $dir/interrupted" || true)" ]
check "no running mark left" [ -z "$(find interrupted -name running.json)" ]
before=$(count_results interrupted)
"$P" sweep run "$spec" --out interrupted --jobs 2 >out.txt 2>err.txt; status=$?
check "run after Ctrl-C finishes (exit $status)" [ $status -eq 0 ]
check "run after Ctrl-C ran only what was missing" grep -q "$((27 - before)) of 27 jobs to run" err.txt
"$P" sweep collect interrupted --format csv >int.csv
check "collect after Ctrl-C + resume equals the clean run's" cmp -s clean.csv int.csv

# 6. A job that raises an error: the others complete, it is listed with its log; kept failed until --retry-failed.
SWEEP_DEMO_FAIL="main/method=magnitude,width=32,seed=1" "$P" sweep run "$spec" --out failing --jobs 2 >out.txt 2>err.txt; status=$?
check "failing job: exit 1 (got $status)" [ $status -eq 1 ]
check "failing job: 26 results" [ "$(count_results failing)" -eq 26 ]
check "failing job named with its error" grep -q "job main/method=magnitude,width=32,seed=1-.* failed: .*deliberate failure" err.txt
check "failing job: log tail shown" grep -q "| .*deliberate failure" err.txt
"$P" sweep status failing >status.txt
check "status lists the failure" grep -q "failed: main/method=magnitude,width=32,seed=1" status.txt
"$P" sweep run "$spec" --out failing >out.txt 2>err.txt; status=$?
check "failed job not rerun without --retry-failed (exit $status)" [ $status -eq 1 ] && check "0 to run" grep -q "0 of 27 jobs to run" err.txt
"$P" sweep run "$spec" --out failing --retry-failed >out.txt 2>err.txt; status=$?
check "--retry-failed reruns it (exit $status)" [ $status -eq 0 ] && check "1 to run" grep -q "1 of 27 jobs to run" err.txt
"$P" sweep collect failing --format csv >fail.csv
check "collect after retry equals the clean run's" cmp -s clean.csv fail.csv
# A failed baseline: its two dependants do not run.
SWEEP_DEMO_FAIL="baseline/width=8,seed=1" "$P" sweep run "$spec" --out failbase --jobs 2 >out.txt 2>err.txt; status=$?
check "failed baseline: exit 1" [ $status -eq 1 ]
check "failed baseline: 2 dependants not run" grep -q "2 jobs not run: an input" err.txt
check "failed baseline: 24 results" [ "$(count_results failbase)" -eq 24 ]
# A stage that names what it reads: c reads only a, so b's failure does not stop it; d (the default
# rule) reads a, b and c, so it does not run.
cat >reads.lua <<'LUA'
return {
  grid = {seed = {1, 2}},
  stages = {
    {name = "a", keys = {"seed"}, run = function(job) return {v = job.seed} end},
    {name = "b", keys = {"seed"}, run = function(job) error("b fails") end},
    {name = "c", keys = {"seed"}, reads = {"a"}, run = function(job)
      local ok = pcall(job.input, job, "b")
      local names = {}
      for k in pairs(job.inputs) do names[#names + 1] = k end
      return {v = 10 * job.seed, inputs = table.concat(names, ","), reads_b = ok} end},
    {name = "d", keys = {"seed"}, run = function(job) return {v = 0} end},
  },
}
LUA
"$P" sweep run reads.lua --out reads --jobs 2 >out.txt 2>err.txt; status=$?
check "reads: exit 1 (b fails; got $status)" [ $status -eq 1 ]
check "reads: a and c ran (4 results)" [ "$(find reads/jobs/a reads/jobs/c -name result.json | wc -l)" -eq 4 ]
check "reads: d did not run" [ "$(find reads/jobs -path '*/d/*' -name result.json | wc -l)" -eq 0 ]
check "reads: c's inputs are a's only" grep -q '"inputs": *"a"' reads/jobs/c/seed=1-*/result.json
check "reads: job:input('b') refused in c" grep -q '"reads_b": *false' reads/jobs/c/seed=1-*/result.json
check "reads: d's 2 jobs not run" grep -q "2 jobs not run: an input" err.txt

# Costs: recorded in the manifest, and status scales finished durations by them. The results'
# seconds are then set by hand (base 20 s for cost 2: 10 s a unit) and main's results removed:
# 2 short jobs (cost 1) and 2 long ones (cost 5) are 2 × 10 + 2 × 50 = 120 s of jobs, the longest
# chain 50 s (without costs: 4 × 20 = 80 s, and 20 s).
cat >costs.lua <<'LUA'
return {
  grid = {method = {"short", "long"}, n = {1, 2}, seed = {1}},
  stages = {{name = "base", keys = {"seed"}, cost = 2, run = function(job) return {x = 1} end}},
  cost = function(p) return p.method == "short" and 1 or 5 end,
  run = function(job) return {x = 2} end,
}
LUA
"$P" sweep run costs.lua --out costs --jobs 1 >out.txt 2>err.txt; status=$?
check "costs: exit 0 (got $status)" [ $status -eq 0 ]
check "costs: recorded in the manifest" python3 -c "
import json, sys
stages = json.load(open('costs/sweep.json'))['stages']
sys.exit(0 if [s.get('costs') for s in stages] == [[2.0], [1.0, 1.0, 5.0, 5.0]] else 1)"
python3 - <<'PY'
import glob, json, os
for f in glob.glob('costs/jobs/*/*/result.json'):
    if '/base/' in f:
        r = json.load(open(f)); r['seconds'] = 20; json.dump(r, open(f, 'w'))
    else:
        os.remove(f)
PY
"$P" sweep status costs >out.txt 2>&1
check "costs: status scales by cost ($(tail -1 out.txt))" grep -q "about 2 min 0 s of jobs, at least 50.0 s with a worker for every job" out.txt

# 7. Misuse: exit 2, exactly one line on stderr, nothing written where nothing should be.
misuse() {
  local name=$1 fragment=$2; shift 2
  "$@" >out.txt 2>err.txt; status=$?
  if [ $status -eq 2 ] && [ "$(wc -l <err.txt)" -eq 1 ] && grep -q -- "$fragment" err.txt; then pass
  else fail "$name: status $status, stderr: $(cat err.txt)"; fi
}
printf 'return {gird = {seed = {1}}, run = function(job) return {} end}\n' >unknown.lua
misuse "unknown spec key" "unknown key 'gird'" "$P" sweep run unknown.lua --out u
printf 'return {grid = {}, run = function(job) return {} end}\n' >empty.lua
misuse "empty grid" "empty grid" "$P" sweep run empty.lua --out e
printf 'return {grid = {seed = {}}, run = function(job) return {} end}\n' >emptyaxis.lua
misuse "empty axis" "parameter 'seed': expected at least one value" "$P" sweep run emptyaxis.lua --out e
printf 'return {grid = {seed = {1, 2}}, run = "go"}\n' >notfn.lua
misuse "run not a function" "run: expected a function" "$P" sweep run notfn.lua --out n
printf 'return {grid = {seed = {1}}, stages = {{name = "a", keys = {"sed"}, run = function() end}}}\n' >badkeys.lua
misuse "stage keys not in the grid" "expected names of grid parameters" "$P" sweep run badkeys.lua --out b
printf 'return {grid = {seed = {1}}, stages = {{name = "a", keys = {"seed"}, run = function() end}, {name = "b", reads = {"z"}, run = function() end}}}\n' >badreads.lua
misuse "reads: not an earlier stage" "reads: expected names of earlier stages (a), got 'z'" "$P" sweep run badreads.lua --out b
printf 'return {grid = {x = {1}, seed = {1}}, stages = {{name = "a", run = function() end}, {name = "b", keys = {"seed"}, reads = {"a"}, run = function() end}}}\n' >widereads.lua
misuse "reads: a stage with more keys" "stage 'a' depends on (x, seed), not all among this stage's keys (seed)" "$P" sweep run widereads.lua --out b
printf 'return {grid = {seed = {1}}, stages = {{name = "a", run = function() end}, {name = "b", reads = "a", run = function() end}}}\n' >strreads.lua
misuse "reads: not a list" "reads" "$P" sweep run strreads.lua --out b
printf 'return {grid = {seed = {1}}, stages = {{name = "a", cost = "ten", run = function() end}}}\n' >badcost.lua
misuse "cost: not a number" "stages\[1\].cost: expected a number > 0" "$P" sweep run badcost.lua --out b
printf 'return {grid = {seed = {1, 2}}, cost = function(p) return p.seed - 1 end, run = function() end}\n' >zerocost.lua
misuse "cost: a function returning 0" "cost: for job main/seed=1-.*: expected the function to return a number > 0, got number 0" "$P" sweep run zerocost.lua --out b
printf 'return 42\n' >notable.lua
misuse "spec not a table" "expected the file to return a table" "$P" sweep run notable.lua --out n
misuse "missing spec" "nonexistent.lua" "$P" sweep run nonexistent.lua --out n
check "no output directory for a bad spec" [ ! -e u ] && [ ! -e e ] && [ ! -e n ]
: >afile
misuse "unwritable output directory" "output directory" "$P" sweep run "$spec" --out afile/sub
cp "$spec" changed.lua
"$P" sweep run changed.lua --out changed >/dev/null 2>&1
echo "-- edited" >>changed.lua
misuse "changed spec refused" "use --force" "$P" sweep run changed.lua --out changed
"$P" sweep run changed.lua --out changed --force >out.txt 2>err.txt; status=$?
check "--force accepts the changed spec and keeps results (exit $status)" [ $status -eq 0 ] && check "--force: 0 to run" grep -q "0 of 27 jobs to run" err.txt
misuse "sbatch missing" "needs Slurm's sbatch" env PATH=/nonexistent "$P" sweep run "$spec" --out s --backend slurm
misuse "unknown option" "unknown option --jbos" "$P" sweep run "$spec" --jbos 2
misuse "slurm option on the local backend" "--partition applies to --backend slurm" "$P" sweep run "$spec" --partition x
misuse "bad --jobs" "--jobs expects an integer" "$P" sweep run "$spec" --jobs 0
misuse "collect: not a sweep" "not a sweep directory" "$P" sweep collect afile
misuse "collect: bad format" "--format expects" "$P" sweep collect clean --format xml
misuse "collect: bad stage" "stage: expected one of baseline, main" "$P" sweep collect clean --stage nope
misuse "no action" "expected run, status or collect" "$P" sweep
misuse "unknown action" "unknown action 'go'" "$P" sweep go
"$P" -e 'local ok, e = pcall(sweep.load, "nonexistent"); assert(not ok and e:find("sweep.load: argument 1 %(dir%): expected a sweep directory"), e)
         local ok2, e2 = pcall(sweep.load, arg[1], {stge = "x"}); assert(not ok2 and e2:find("unknown option .stge."), e2)' clean 2>err.txt
check "sweep.load misuse from Lua ($(cat err.txt))" [ $? -eq 0 ]

echo "sweep_local: $passed passed, $failed failed"
[ $failed -eq 0 ]
