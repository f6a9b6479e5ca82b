#!/usr/bin/env bash
# `prunelab sweep run --backend slurm` on a one-node Slurm started here (munged, slurmctld, slurmd on
# loopback, scratch directories, unused ports): the sweep of examples/sweep_demo.lua as job arrays,
# one array task cancelled with scancel, resume, and `collect` equal to the local backend's; a
# four-stage sweep whose later stages wait only for the stage they read. Installs
# slurm-wlm and munge if missing (as scripts/setup does); stops every daemon it started, also on failure.
# Needs root (the daemons run as root without cgroups: proctrack/linuxproc, task/none).
# Usage: PRUNELAB=.build/release/prunelab bash suites/shell/sweep_slurm.sh
set -uo pipefail
P=${PRUNELAB:?set PRUNELAB to the prunelab binary}
P=$(cd "$(dirname "$P")" && pwd)/$(basename "$P")
root=$(cd "$(dirname "$0")/../.." && pwd)
spec="$root/examples/sweep_demo.lua"
if [ "$(id -u)" -ne 0 ]; then echo "sweep_slurm: needs root to start slurmctld/slurmd; skipped"; exit 0; fi

missing=()
for p in slurm-wlm munge; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "sweep_slurm: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || { echo "FAIL: cannot install ${missing[*]}"; exit 1; }
fi

scratch=$(mktemp -d /tmp/sweep-slurm.XXXXXX)
chmod 755 "$scratch"
export SLURM_CONF="$scratch/slurm.conf"
stop() {
  # Cancel what is still queued, then stop the daemons by the pids they wrote.
  scancel --me >/dev/null 2>&1 || true
  for name in slurmd slurmctld; do
    [ -s "$scratch/$name.pid" ] && kill "$(cat "$scratch/$name.pid")" 2>/dev/null
  done
  sleep 0.5
  [ -s "$scratch/munge/munged.pid" ] && kill "$(cat "$scratch/munge/munged.pid")" 2>/dev/null
  for name in slurmd slurmctld; do
    [ -s "$scratch/$name.pid" ] && kill -9 "$(cat "$scratch/$name.pid")" 2>/dev/null
  done
  rm -rf "$scratch"
}
trap stop EXIT
passed=0 failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); printf 'FAIL %s\n' "$*"; }
check() { local name=$1; shift; if "$@"; then pass; else fail "$name"; fi; }
die() { echo "FAIL: $*"; for f in "$scratch"/*.log "$scratch"/munge/*.log; do [ -e "$f" ] && { echo "== $f"; tail -20 "$f"; }; done; exit 1; }

# munged, as the munge user, on a socket of our own.
[ -e /etc/munge/munge.key ] || { /usr/sbin/mungekey -c && chown munge:munge /etc/munge/munge.key; } || die "no munge key"
mkdir -p "$scratch/munge" && chown munge:munge "$scratch/munge" && chmod 700 "$scratch/munge"
socket="$scratch/munge/munge.socket"
runuser -u munge -- /usr/sbin/munged --force --socket="$socket" --pid-file="$scratch/munge/munged.pid" \
  --log-file="$scratch/munge/munged.log" --seed-file="$scratch/munge/munged.seed" || die "munged did not start"

# slurm.conf: one node on loopback, unused ports, state in the scratch directory.
read -r port1 port2 < <(python3 -c '
import socket
s1, s2 = socket.socket(), socket.socket(); s1.bind(("127.0.0.1", 0)); s2.bind(("127.0.0.1", 0))
print(s1.getsockname()[1], s2.getsockname()[1])')
host=$(hostname -s)
mkdir -p "$scratch/state" "$scratch/spool"
cat >"$SLURM_CONF" <<CONF
ClusterName=sweeptest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port1
SlurmdPort=$port2
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$scratch/state
SlurmdSpoolDir=$scratch/spool
SlurmctldPidFile=$scratch/slurmctld.pid
SlurmdPidFile=$scratch/slurmd.pid
SlurmctldLogFile=$scratch/slurmctld.log
SlurmdLogFile=$scratch/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/builtin
SchedulerParameters=sched_min_interval=100000
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
/usr/sbin/slurmctld -c -f "$SLURM_CONF" || die "slurmctld did not start"
/usr/sbin/slurmd -f "$SLURM_CONF" || die "slurmd did not start"
for _ in $(seq 100); do sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed)' && break; sleep 0.2; done
sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed)' || die "the node did not become idle: $(sinfo 2>&1)"

cd "$scratch"
# The reference: the same sweep on the local backend.
"$P" sweep run "$spec" --out local --jobs 2 >/dev/null 2>err.txt || die "local run failed: $(tail -3 err.txt)"
"$P" sweep collect local --format csv >local.csv

# Submit without waiting: one array per stage, the second after the first.
"$P" sweep run "$spec" --out slurm --backend slurm --array-max 2 --no-wait >out.txt 2>err.txt; status=$?
check "submit exits 0 (got $status: $(cat err.txt))" [ $status -eq 0 ]
base=$(sed -n 's/^submitted stage baseline: 9 tasks as Slurm array \([0-9]*\)$/\1/p' out.txt)
main=$(sed -n 's/^submitted stage main: 18 tasks as Slurm array \([0-9]*\)$/\1/p' out.txt)
check "two arrays submitted ($(cat out.txt))" [ -n "$base" ] && [ -n "$main" ]
check "main depends on baseline" grep -q "Dependency=afterany:${base}" <(scontrol show job "$main" 2>&1)
# Running again while the arrays are queued submits nothing twice.
"$P" sweep run "$spec" --out slurm --backend slurm --no-wait >out2.txt 2>err2.txt; status=$?
check "rerun while queued exits 0 (got $status)" [ $status -eq 0 ]
check "rerun while queued submits nothing ($(cat err2.txt))" grep -q " still queued, 0 to submit" err2.txt
# status reads the queue.
"$P" sweep status slurm >status.txt
check "status shows the queued main array ($(cat status.txt))" grep -q "^slurm: array $main (stage main): .*pending" status.txt
# Cancel the last baseline task while it waits (at most 2 tasks run at once).
scancel "${base}_8" || fail "scancel ${base}_8"
for _ in $(seq 450); do [ -z "$(squeue --me -h 2>/dev/null)" ] && break; sleep 0.2; done
check "queue drained" [ -z "$(squeue --me -h)" ]
"$P" sweep status slurm >status.txt; status=$?
# The cancelled baseline and the two main jobs that read it have no result.
check "status after scancel: 3 missing ($(head -1 status.txt))" grep -q "27 jobs: 24 done, 0 failed, 0 running, 3 missing" status.txt
check "status exits 1 with jobs missing" [ $status -eq 1 ]
check "a main job found its input missing" grep -rqs "input 'baseline' (job baseline/width=32,seed=3-" slurm/jobs/main

# Resume: only the missing jobs are submitted, waited for, done.
"$P" sweep run "$spec" --out slurm --backend slurm --array-max 2 >out.txt 2>err.txt; status=$?
check "resume exits 0 (got $status: $(tail -3 err.txt))" [ $status -eq 0 ]
check "resume submits 1 baseline task" grep -q "^submitted stage baseline: 1 task as Slurm array" out.txt
check "resume submits 2 main tasks" grep -q "^submitted stage main: 2 tasks as Slurm array" out.txt
check "resume: 24 done before" grep -q "24 done, 0 still queued, 3 to submit" err.txt
"$P" sweep collect slurm --format csv >slurm.csv
check "collect (Slurm) equals collect (local)" cmp -s local.csv slurm.csv
check "27 results, none twice" [ "$(find slurm/jobs -name result.json | wc -l)" -eq 27 ]
"$P" sweep run "$spec" --out slurm --backend slurm --no-wait >out.txt 2>err.txt; status=$?
check "nothing left to submit" [ $status -eq 0 ] && check "0 to submit" grep -q "0 to submit" err.txt

# A stage waits for the stages it reads only (as on the local backend): c reads a (its keys are
# among c's), not b, so c's array depends on a's alone and runs beside b's; d would read a, b and
# c but names only a (reads).
cat >three.lua <<'LUA'
return {
  grid = {x = {1, 2}, seed = {1, 2}},
  stages = {
    {name = "a", keys = {"seed"}, run = function(job)
      local t = sys.clock() while sys.clock() - t < 2 do end  -- still queued when scontrol looks
      return {v = job.seed} end},
    {name = "b", run = function(job) return {v = job.x} end},
    {name = "c", keys = {"seed"}, run = function(job) return {v = 10 * job.seed} end},
    {name = "d", reads = {"a"}, run = function(job) return {v = 100 * job.seed} end},
  },
}
LUA
"$P" sweep run three.lua --out three --backend slurm --no-wait >out.txt 2>err.txt; status=$?
check "four stages: submit exits 0 (got $status: $(cat err.txt))" [ $status -eq 0 ]
a=$(sed -n 's/^submitted stage a: 2 tasks as Slurm array \([0-9]*\)$/\1/p' out.txt)
b=$(sed -n 's/^submitted stage b: 4 tasks as Slurm array \([0-9]*\)$/\1/p' out.txt)
c=$(sed -n 's/^submitted stage c: 2 tasks as Slurm array \([0-9]*\)$/\1/p' out.txt)
d=$(sed -n 's/^submitted stage d: 4 tasks as Slurm array \([0-9]*\)$/\1/p' out.txt)
check "four arrays submitted ($(cat out.txt))" [ -n "$a" ] && [ -n "$b" ] && [ -n "$c" ] && [ -n "$d" ]
dep_b=$(scontrol show job "$b" 2>&1 | grep -o 'Dependency=[^ ]*' | head -1)
dep_c=$(scontrol show job "$c" 2>&1 | grep -o 'Dependency=[^ ]*' | head -1)
dep_d=$(scontrol show job "$d" 2>&1 | grep -o 'Dependency=[^ ]*' | head -1)
check "b after a ($dep_b)" grep -q "^Dependency=afterany:${a}_" <<<"$dep_b"
check "c after a only, not after b ($dep_c)" bash -c '[[ $1 == Dependency=afterany:${2}_* && $1 != *"$3"* ]]' _ "$dep_c" "$a" "$b"
check "d (reads a) after a only ($dep_d)" bash -c '[[ $1 == Dependency=afterany:${2}_* && $1 != *"$3"* && $1 != *"$4"* ]]' _ "$dep_d" "$a" "$b" "$c"
for _ in $(seq 450); do [ -z "$(squeue --me -h 2>/dev/null)" ] && break; sleep 0.2; done
"$P" sweep status three >status.txt
check "four stages: all 12 done ($(head -1 status.txt))" grep -q "12 jobs: 12 done, 0 failed" status.txt

echo "sweep_slurm: $passed passed, $failed failed"
[ $failed -eq 0 ]
