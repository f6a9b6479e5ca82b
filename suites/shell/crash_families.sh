#!/usr/bin/env bash
# Process-level reproducers of the inputs that used to crash, hang or bloat prunelab (issue 16,
# part 3); the Lua-level ones are in suites/lua/misuse_crash_families.lua.
#  - each crash family from a script: exit status 1 and a message naming the function;
#  - the same inputs typed into the interactive shell: it answers with the error and keeps
#    its variables;
#  - every file reader given a FIFO (or a directory) errors at once instead of blocking;
#  - a save killed with SIGKILL mid-write leaves no temporary file, and the next save of the
#    path removes stale ones of dead processes;
#  - a script given 5,000 command-line words receives them all;
#  - 1,000 models created and dropped stay under 1 GB of peak RSS;
#  - a compressed .npz / .idx.gz is inflated straight into its buffer (peak RSS ≈ payload, not
#    twice it).
# Usage: PRUNELAB=.build/release/prunelab bash suites/shell/crash_families.sh
set -uo pipefail
P=${PRUNELAB:?set PRUNELAB to the prunelab binary}
P=$(cd "$(dirname "$P")" && pwd)/$(basename "$P")
dir=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$dir"' EXIT
cd "$dir"
passed=0 failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); printf 'FAIL %s\n' "$*"; }
# contains NAME TEXT FRAGMENT...: every fragment occurs in TEXT.
contains() {
  local name=$1 text=$2; shift 2
  for f in "$@"; do
    case $text in *"$f"*) ;; *) fail "$name: no '$f' in: $text"; return ;; esac
  done
  pass
}

# --- Each crash family from a script: exit 1, the message names the function. ---------------
# script NAME CODE FRAGMENT...
script() {
  local name=$1 code=$2; shift 2
  printf '%s\n' "$code" > "$name.lua"
  timeout 20 "$P" "$name.lua" > out.txt 2> err.txt; local status=$?
  [ $status -eq 1 ] || { fail "$name: exit status $status (expected 1), stderr: $(cat err.txt)"; return; }
  contains "$name" "$(cat err.txt)" "$@"
}
script mininteger_dim 'tensor.ones(2, 3):sum(math.mininteger)' \
  "tensor:sum: argument 2 (dim): expected a dimension in 1…2" "got -9223372036854775808"
script mininteger_index 'local t = tensor.ones(2, 3); return t[math.mininteger]' "tensor index: index -9223372036854775808 out of range"
script foreign_receiver 'getmetatable(tensor.ones(1)).__index("abc", "x")' \
  'tensor index: argument 1 (self): expected a tensor, got string "abc"'
script pool_padding 'nn.MaxPool2d(2, {padding = math.maxinteger})' "nn.MaxPool2d" "padding: expected at most half the kernel size"
script huge_input 'nn.Sequential{nn.Flatten(), nn.Linear(4, 2), input = {2^40, 2^40}}' "nn.Sequential" "model input"
script huge_mlp 'models.mlp{input = {2^31, 2^31, 4}, hidden = {2}, classes = 2}' "models.mlp" "mlp input"
script control_bytes 'tensor.zeros(2, {["\27]0;title\7"] = 1})' "tensor.zeros: unknown option '\\x1b]0;title\\x07'"
if grep -q $'\033' err.txt; then fail "control_bytes: a raw ESC reached stderr"; else pass; fi

mkfifo pipe.npy pipe.npz pipe.safetensors pipe.idx
mkdir -p cifar && mkfifo cifar/batches.meta.txt cifar/data_batch_1.bin

# --- The interactive shell answers each with an error and keeps its variables. ---------------
shell_out=$(printf '%s\n' 'x = 41' 't = tensor.ones(2, 3)' 't:sum(math.mininteger)' 't:select(1, math.mininteger)' \
  't:unsqueeze(math.mininteger)' 'getmetatable(t).__index("abc", "x")' 'nn.MaxPool2d(2, {padding = math.maxinteger})' \
  'models.mlp{input = {2^31, 2^31, 4}, hidden = {2}, classes = 2}' 'tensor.load("pipe.npy")' 'print("alive", x + 1, t:sum())' |
  timeout 20 "$P" -i 2>&1; echo "status $?")
contains "interactive shell" "$shell_out" "tensor:sum: argument 2 (dim)" "tensor:select" "tensor:unsqueeze" \
  "tensor index: argument 1 (self)" "nn.MaxPool2d" "models.mlp" "pipe.npy: is a FIFO (named pipe), not a regular file" \
  "alive	42	6.0" "status 0"

# --- FIFOs, directories and devices: every reader errors at once, none blocks. ----------------
"$P" -e 'tensor.ones(2, 3):save("good.npy")'
# reader NAME CODE FRAGMENT...: the Lua code fails within the timeout with the fragments.
reader() {
  local name=$1 code=$2; shift 2
  timeout 10 "$P" -e "$code" > out.txt 2> err.txt; local status=$?
  [ $status -eq 1 ] || { fail "$name: exit status $status (124 = blocked), stderr: $(cat err.txt)"; return; }
  contains "$name" "$(cat err.txt)" "$@"
}
reader npy_fifo 'tensor.load("pipe.npy")' "tensor.load: pipe.npy: is a FIFO (named pipe), not a regular file"
reader npz_fifo 'tensor.load("pipe.npz", "x")' "tensor.load" "pipe.npz: is a FIFO"
reader npz_keys 'tensor.keys("pipe.npz")' "tensor.keys" "pipe.npz: is a FIFO"
reader safetensors_fifo 'tensor.load_all("pipe.safetensors")' "tensor.load_all" "pipe.safetensors: is a FIFO"
reader checkpoint_fifo 'models.load("pipe.safetensors")' "models.load" "pipe.safetensors: is a FIFO"
reader idx_fifo 'data.idx("pipe.idx", "pipe.idx")' "data.idx" "pipe.idx: is a FIFO"
reader cifar_fifo 'data.cifar10("cifar")' "data.cifar10" "is a FIFO"
reader directory 'tensor.load("cifar")' "tensor.load" "cifar: is a directory, not a regular file"
reader device 'tensor.load("/dev/zero")' "tensor.load" "/dev/zero: is a character device, not a regular file"
timeout 10 "$P" sim pipe.npy good.npy > out.txt 2> err.txt; status=$?
if [ $status -ne 124 ] && [ $status -ne 0 ]; then contains "sim subcommand" "$(cat err.txt)" "pipe.npy: is a FIFO"; else fail "prunelab sim on a FIFO: status $status"; fi

# --- kill -9 during a save leaves no temporary file. -------------------------------------------
# The save of a 256 MB tensor is killed while its file is open for writing (seen in
# /proc/PID/fd); its data never had a name, so nothing is left.
landed=0
for attempt in $(seq 1 20); do
  "$P" -e 'local t = tensor.zeros(64, 1024, 1024); t:fill(1); t:save("big.npy")' &
  pid=$!
  hit=0
  for _ in $(seq 1 400); do
    if ls -l "/proc/$pid/fd" 2>/dev/null | grep -Eq "big\.npy\.tmp-|$dir/#[0-9]+ \(deleted\)"; then hit=1; break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.005
  done
  kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  if [ $hit -eq 1 ] && [ ! -e big.npy ]; then landed=1; break; fi
  rm -f big.npy big.npy.tmp-*
done
[ $landed -eq 1 ] && pass || fail "kill -9: never landed while the save was writing"
leftovers=$(ls | grep -c 'big\.npy\.tmp-')
[ "$leftovers" -eq 0 ] && pass || fail "kill -9 mid-save left $leftovers temporary file(s): $(ls)"
# Temporaries of dead processes (as an older prunelab, or another file system, leaves them) go
# at the next save of the same path; a live process's and other paths' stay.
sh -c 'exit 0' & dead=$!; wait $dead
sleep 60 & live=$!
head -c 1000 /dev/zero > "small.npy.tmp-$dead"
head -c 1000 /dev/zero > "small.npy.tmp-$live"
head -c 1000 /dev/zero > "other.npy.tmp-$dead"
"$P" -e 'tensor.arange(0, 5):save("small.npy"); assert(tensor.load("small.npy"):sum() == 10)' || fail "save after a killed save"
[ ! -e "small.npy.tmp-$dead" ] && pass || fail "the dead process's temporary file was not removed"
[ -e "small.npy.tmp-$live" ] && pass || fail "a live process's temporary file was removed"
[ -e "other.npy.tmp-$dead" ] && pass || fail "another path's temporary file was removed"
kill $live 2>/dev/null; wait $live 2>/dev/null
[ "$(ls | grep -c '\.tmp-')" -eq 2 ] && pass || fail "temporary files left: $(ls)"

# --- A script given more words than Lua's 20 guaranteed stack slots (found when the Lua suites
# grew past 45 files: the words were pushed without growing the stack, corrupting the heap). -----
printf 'local n = select("#", ...) local last = select(n, ...) print(n, last)\n' > many_words.lua
words=$(seq 1 5000)
out=$(timeout 20 "$P" many_words.lua $words 2>&1); status=$?
[ $status -eq 0 ] && [ "$out" == "$(printf '5000\t5000')" ] && pass || fail "script with 5000 words: status $status, output: ${out:0:300}"

# --- Peak memory. -------------------------------------------------------------------------------
# peak_kb CODE: the peak RSS (KB) of prunelab running CODE.
peak_kb() { /usr/bin/time -f %M "$P" -e "$1" 2>&1 >/dev/null | tail -1; }
baseline=$(peak_kb 'local t = tensor.ones(1)')
# 1,000 models of 4.5 MB each (parameters and gradients: 4.5 GB if none were collected; about
# 1.9 GB before models were accounted to the collector).
models_kb=$(peak_kb 'for i = 1, 1000 do local m = models.mlp{input = 256, hidden = {2048}, classes = 10, seed = i} end')
[ "$models_kb" -lt 1048576 ] && pass || fail "1,000 dropped models peaked at $models_kb KB (limit 1 GB)"
# A 256 MB payload in a 260 KB .npz (and stored): peak ≈ baseline + payload (twice before).
"$P" -e 'tensor.save("zeros.npz", {x = tensor.zeros(64, 1024, 1024)}, {compressed = true})
         tensor.save("stored.npz", {x = tensor.zeros(64, 1024, 1024)})'
[ "$(stat -c %s zeros.npz)" -lt 1048576 ] && pass || fail "zeros.npz is not compressed"
payload_kb=262144
for f in zeros.npz stored.npz; do
  kb=$(peak_kb "local x = tensor.load('$f', 'x'); assert(x:numel() == 67108864 and x:sum() == 0)")
  [ $((kb - baseline)) -lt $((payload_kb * 5 / 4)) ] && pass || fail "$f: peak $kb KB (baseline $baseline KB, payload $payload_kb KB)"
done
# A 128 MB IDX payload gzipped to under 1 MB.
n=131072
{ printf '\x00\x00\x08\x03\x00\x02\x00\x00\x00\x00\x00\x20\x00\x00\x00\x20'; head -c $((n * 1024)) /dev/zero; } | gzip -1 > images.gz
{ printf '\x00\x00\x08\x01\x00\x02\x00\x00'; head -c $n /dev/zero; } | gzip -1 > labels.gz
kb=$(peak_kb 'local d = data.idx("images.gz", "labels.gz", {classes = 2}); assert(#d == 131072)')
[ $((kb - baseline)) -lt $((131072 * 5 / 4)) ] && pass || fail "images.gz: peak $kb KB (baseline $baseline KB, payload 131072 KB)"

echo "crash_families: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
