#!/usr/bin/env bash
# Issue 21's command-line tools and help: prunelab compare (per-layer table, JSON, exit 2 with one
# line on mismatched architectures and bad files), prunelab sim over every shared key of two .npz
# files, "did you mean" for subcommands, options and help names, help("word") keyword search,
# ?undefined_name saying the name is nil, and help text wrapped to $COLUMNS.
# Usage: PRUNELAB=.build/release/prunelab bash suites/shell/cli_compare.sh
set -uo pipefail
P=${PRUNELAB:?set PRUNELAB to the prunelab binary}
P=$(cd "$(dirname "$P")" && pwd)/$(basename "$P")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
passed=0; failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | head -20; }
# expect NAME STATUS PATTERN COMMAND…: the command exits with STATUS and its output (stdout and
# stderr) matches the extended regular expression PATTERN.
expect() {
  local name=$1 status=$2 pattern=$3; shift 3
  local out code
  out=$("$@" 2>&1); code=$?
  if [ "$code" -ne "$status" ]; then bad "$name: exit $code, expected $status" "$out"
  elif ! printf '%s\n' "$out" | grep -Eq -- "$pattern"; then bad "$name: output does not match /$pattern/" "$out"
  else ok; fi
}

"$P" -e '
local m = models.mlp{input = {1, 28, 28}, hidden = {32}, classes = 10, seed = 1}
m:save("a.safetensors"); m:save("same.safetensors")
local ds = data.fashion_mnist().train:subset(1, 128):normalize(0.286, 0.353)
local p = m:clone(); train.sgd{batch = 32, epochs = 1}:fit(p, ds, {progress = false}); p:save("b.safetensors")
models.convnet{seed = 1}:save("conv.safetensors")
tensor.save("x.npz", {l1 = tensor.randn{6, 300, seed = 1}, l2 = tensor.randn{4, 300, seed = 2}, only_x = tensor.zeros(2)})
tensor.save("y.npz", {l1 = tensor.randn{6, 300, seed = 1} * 3 + 1, l2 = tensor.randn{4, 300, seed = 9}, only_y = tensor.zeros(2)})
tensor.save("z.npz", {other = tensor.zeros(2), more = tensor.zeros(2)})
' || { echo "FAIL: could not write the fixtures"; exit 1; }
printf 'garbage' > broken.safetensors

# A model against itself: every layer identical (SVCCA 1), one row per layer of the MLP.
out=$("$P" compare a.safetensors same.safetensors --probe fashion-mnist:test:500 2>/dev/null)
rows=$(printf '%s\n' "$out" | grep -cE '^(fc1|relu1|fc2) +1\.0000 ')
[ "$rows" -eq 3 ] && ok || bad "compare: a model against its copy gives 1.0000 on fc1, relu1, fc2" "$out"
printf '%s\n' "$out" | grep -q 'conv layers: flatten' && printf '%s\n' "$out" | grep -q '^svcca(variance=0.99) per layer on 500 probe samples' && ok || bad "compare: the table names measure, reduction and conv treatment" "$out"
expect "compare: a trained copy differs somewhere" 0 '^fc1 +0\.[0-9]{4} ' "$P" compare a.safetensors b.safetensors --probe fashion-mnist:test:500
expect "compare --json" 0 '^\{"measure":"svcca\(variance=0\.99\)","conv":"mean",.*"layers":\[\{"layer":"fc1","value":(1(\.0)?|0\.99999[0-9]*),' "$P" compare a.safetensors same.safetensors --probe fashion-mnist:test:500 --conv mean --json
expect "compare --measure cka" 0 '^cka\(linear\) per layer' "$P" compare a.safetensors same.safetensors --probe fashion-mnist:train:300 --measure cka
# Errors: exit 2 with one line.
for args in "a.safetensors conv.safetensors" "a.safetensors missing.safetensors" "a.safetensors broken.safetensors" "a.safetensors" "a.safetensors b.safetensors --probe mnist:test:5" "a.safetensors b.safetensors --probe fashion-mnist:test:0"; do
  # shellcheck disable=SC2086
  out=$("$P" compare $args 2>&1 >/dev/null); code=$?
  lines=$(printf '%s\n' "$out" | grep -c .)
  if [ "$code" -eq 2 ] && [ "$lines" -eq 1 ] && printf '%s' "$out" | grep -q '^prunelab compare: '; then ok; else bad "compare $args: exit $code with $lines lines" "$out"; fi
done
expect "compare: mismatched architectures named" 2 'mismatched architectures' "$P" compare a.safetensors conv.safetensors

# sim over every shared key: l1 is an affine copy (1), l2 independent noise (< 1); unshared keys skipped.
out=$("$P" sim x.npz y.npz 2>/dev/null); code=$?
if [ "$code" -eq 0 ] && printf '%s\n' "$out" | grep -Eq '^l1 +1\.0000 ' && printf '%s\n' "$out" | grep -Eq '^l2 +0\.[0-9]{4} ' \
   && ! printf '%s\n' "$out" | grep -q only_ && printf '%s\n' "$out" | grep -q 'for each of the 2 shared keys'; then ok; else bad "sim x.npz y.npz: a row per shared key" "$out"; fi
expect "sim --json over keys" 0 '^\{"measure":"svcca\(variance=0\.99\)","conv":"flatten","results":\[\{"key":"l1",' "$P" sim x.npz y.npz --json
expect "sim: no shared key" 2 'share no key' "$P" sim x.npz z.npz
expect "sim: one key still works" 0 '^svcca\(variance=0\.99\) = 1\.000000' "$P" sim x.npz:l1 y.npz:l1

# Did you mean: subcommands, options, help names.
expect "mistyped subcommand" 2 "^prunelab: 'svca' is neither a subcommand nor a file \(did you mean 'svcca'\?\)" "$P" svca a.npy b.npy
expect "mistyped compare" 2 "did you mean 'compare'" "$P" compre a b
expect "mistyped option of sim" 2 "unknown option --dim \(did you mean '--dims'\?\)" "$P" sim x.npz y.npz --dim 3
expect "mistyped option of prunelab" 1 "unrecognized option '--hlp' \(did you mean '--help'\?\)" "$P" --hlp
expect "prunelab help with a typo" 1 "no subcommand 'comapre' \(did you mean 'compare'\?\)" "$P" help comapre
expect "a script name is not a typo" 1 "cannot open svcca.lua|svcca\.lua" "$P" svcca.lua

# Help: keyword search, nil names, wrapping.
expect "help(\"svcca\") searches" 0 "^help: nothing is called 'svcca'; [0-9]+ entries mention 'svcca':" "$P" -e 'help("svcca")'
expect "help(\"svcca\") lists sim.svcca first" 0 "^  sim\.svcca " "$P" -e 'help("svcca")'
expect "help(\"topk\") finds the method" 0 "tensor\.topk|tensor:topk" "$P" -e 'help("topk")'
expect "?undefined_name says nil" 0 "^undefined_name is nil: nothing is called that\.$" "$P" -e 'help(undefined_name, "undefined_name")'
expect "?tensr suggests tensor" 0 "^tensr is nil: nothing is called that \(did you mean 'tensor'\?\)" "$P" -e 'help(tensr, "tensr")'
expect "help with nothing found" 0 "no documentation mentions 'qqzzx'" "$P" -e 'help("qqzzx")'
out=$(COLUMNS=50 "$P" -e 'help(tensor.quantile)')
longest=$(printf '%s\n' "$out" | awk '{ if (length($0) > m) m = length($0) } END { print m }')
[ "$longest" -le 50 ] && [ "$(printf '%s\n' "$out" | grep -c .)" -ge 6 ] && ok || bad "help wrapped to COLUMNS=50 (longest line $longest)" "$out"
out=$(COLUMNS=200 "$P" -e 'help(tensor.quantile)')
[ "$(printf '%s\n' "$out" | grep -c .)" -le 3 ] && ok || bad "help at COLUMNS=200 stays on few lines" "$out"

echo "cli_compare: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
