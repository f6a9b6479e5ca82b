#!/usr/bin/env bash
# `prunelab sim` / `prunelab svcca` on the command line: answers, output forms, and every error
# case (exit status 2, exactly one line on stderr, nothing on stdout).
# Usage: PRUNELAB=.build/release/prunelab bash suites/shell/sim_cli.sh
set -uo pipefail
P=${PRUNELAB:?set PRUNELAB to the prunelab binary}
P=$(cd "$(dirname "$P")" && pwd)/$(basename "$P")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
passed=0 failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); printf 'FAIL %s\n' "$*"; }

# Fixtures, written by prunelab itself.
"$P" -e '
  local a = tensor.randn({16, 400}, {seed = 1, dtype = "float64"})
  local mix = tensor.randn({8, 16}, {seed = 2, dtype = "float64"})
  local b = mix:matmul(a) + tensor.randn({8, 400}, {seed = 3, dtype = "float64"}) * 0.5
  a:save("a.npy"); b:save("b.npy")
  a:t():contiguous():save("at.npy"); b:t():contiguous():save("bt.npy")
  tensor.save("ab.npz", {a = a, b = b})
  tensor.save("ab.safetensors", {a = a, b = b})
  b:save("single.npz")
  a:narrow(2, 1, 399):save("short.npy")
  tensor.randn({4, 5, 6}, {seed = 4}):save("cube.npy")
  tensor.zeros({0, 5}):save("empty.npy")
  tensor.zeros({1, 1}):save("one.npy")
  local n = a:clone(); n[1][3] = 0 / 0; n[2][5] = 0 / 0; n[4][4] = math.huge; n:save("nan.npy")
  tensor.randn({4, 3, 5, 5}, {seed = 5}):save("conv.npy")
  tensor.randn({10, 40}, {seed = 6}):save("few.npy"); tensor.randn({3, 40}, {seed = 7}):save("few2.npy")
  tensor.randn({1, 10001}, {seed = 8}):save("long.npy")
' || { echo "FAIL: could not write the fixtures"; exit 1; }
printf 'not a numpy file at all' > junk.npy

# ok NAME COMMAND...: exit 0, one line on stdout.
ok() {
  local name=$1; shift
  out=$("$@" 2>err.txt); status=$?
  if [ $status -eq 0 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ]; then pass; else fail "$name: status $status, stdout: $out, stderr: $(cat err.txt)"; fi
}

ok "svcca shorthand" "$P" svcca a.npy b.npy
svcca_line=$out
case "$svcca_line" in
  "svcca(variance=0.99) = "*"(k1 = "*", k2 = "*"; 16 and 8 neurons, 400 datapoints; 1 = identical)") pass ;;
  *) fail "svcca line: $svcca_line" ;;
esac
ok "sim defaults to svcca" "$P" sim a.npy b.npy
[ "$out" == "$svcca_line" ] && pass || fail "sim default differs from svcca: $out"
ok "npz keys" "$P" sim ab.npz:a ab.npz:b
[ "$out" == "$svcca_line" ] && pass || fail "npz keys: $out"
ok "safetensors keys" "$P" sim ab.safetensors:a ab.safetensors:b
[ "$out" == "$svcca_line" ] && pass || fail "safetensors keys: $out"
ok "single-array npz needs no key" "$P" sim a.npy single.npz
[ "$out" == "$svcca_line" ] && pass || fail "single npz: $out"
ok "--datapoints-first" "$P" sim at.npy bt.npy --datapoints-first
[ "$out" == "$svcca_line" ] && pass || fail "datapoints-first: $out"
ok "identical files" "$P" sim a.npy a.npy --measure cca
case "$out" in "cca = 1.000000 "*) pass ;; *) fail "identical cca: $out" ;; esac
for m in cca pwcca cka; do ok "--measure $m" "$P" sim a.npy b.npy --measure $m; done
case "$out" in "cka(linear) = "*) pass ;; *) fail "cka line: $out" ;; esac
ok "pwcca states its sign convention" "$P" sim a.npy b.npy --measure pwcca
case "$out" in
  "pwcca = "*"(kept 16 and 8 neurons; 16 and 8 neurons, 400 datapoints; signs fixed: largest |coefficient| of each direction positive; Google's compute_pwcca keeps LAPACK's and differs on uncentred data; 1 = identical)") pass ;;
  *) fail "pwcca line: $out" ;;
esac
ok "pwcca --json names the signs" "$P" sim a.npy b.npy --measure pwcca --json
[[ "$out" == *'"measure":"pwcca","params":{"epsilon":1e-10,"signs":"largest-positive"}'* ]] && pass || fail "pwcca --json params: $out"
ok "--measure=cka --kernel rbf" "$P" sim a.npy b.npy --measure=cka --kernel rbf --sigma 0.5 --debiased
case "$out" in "cka(rbf, sigma=0.5, debiased) = "*) pass ;; *) fail "rbf line: $out" ;; esac
ok "--dims" "$P" svcca a.npy b.npy --dims 3
case "$out" in "svcca(dims=3) = "*"k1 = 3, k2 = 3"*) pass ;; *) fail "dims line: $out" ;; esac
ok "--energy and --epsilon" "$P" svcca a.npy b.npy --energy 0.9 --epsilon 1e-6
case "$out" in "svcca(energy=0.9, epsilon=1e-06) = "*) pass ;; *) fail "energy line: $out" ;; esac
ok "--conv mean" "$P" sim conv.npy conv.npy --measure cka --conv mean
case "$out" in "cka(linear) = 1.000000 (3 and 3 neurons, 4 datapoints"*) pass ;; *) fail "conv mean: $out" ;; esac
ok "--json" "$P" sim a.npy b.npy --json
json=$out
for key in '"value":' '"measure":"svcca(variance=0.99)"' '"params":{"variance":0.99,"epsilon":1e-10}' '"k1":' '"k2":' '"rho":['; do
  [[ "$json" == *"$key"* ]] && pass || fail "--json lacks $key: $json"
done
ok "--json for cka" "$P" sim a.npy b.npy --measure cka --json
[[ "$out" == *'"k1":null,"k2":null,"rho":null'* ]] && pass || fail "cka json: $out"
# The JSON value is the value printed in the line, to six decimals.
v_json=$(printf '%s' "$json" | sed 's/.*"value":\([^,]*\),.*/\1/')
v_line=$(printf '%s' "$svcca_line" | sed 's/.* = \([0-9.]*\) .*/\1/')
[ "$(printf '%.6f' "$v_json")" == "$v_line" ] && pass || fail "json value $v_json vs line $v_line"
# Warnings: on stderr, status 0.
out=$("$P" sim few.npy few2.npy 2>err.txt); status=$?
if [ $status -eq 0 ] && grep -q "^prunelab sim: warning: only 40 datapoints for 10 neurons" err.txt && [ "$(wc -l < err.txt)" -eq 1 ] && [ -n "$out" ]; then pass; else fail "warning: $status $(cat err.txt)"; fi
[[ "$("$P" sim --help)" == *"usage: prunelab sim A B"* ]] && pass || fail "sim --help"
[[ "$("$P" svcca --help)" == *"--datapoints-first"* ]] && pass || fail "svcca --help"
[[ "$("$P" help)" == *"svcca"* ]] && pass || fail "prunelab help lists svcca"

# bad NAME FRAGMENT COMMAND...: exit 2, exactly one line on stderr containing FRAGMENT, no stdout.
bad() {
  local name=$1 fragment=$2; shift 2
  out=$("$@" 2>err.txt); status=$?
  lines=$(wc -l < err.txt)
  if [ $status -eq 2 ] && [ "$lines" -eq 1 ] && [ -z "$out" ] && grep -qF -- "$fragment" err.txt; then pass
  else fail "$name: status $status, $lines stderr lines, stdout '$out', stderr: $(cat err.txt)"; fi
}

bad "missing file" "prunelab sim: missing.npy: cannot open" "$P" sim missing.npy b.npy
bad "missing second file" "nope.npz" "$P" svcca a.npy nope.npz:a
bad "unknown npz key" "no array 'zz'" "$P" sim ab.npz:zz b.npy
bad "ambiguous npz" "ab.npz" "$P" sim ab.npz b.npy
bad "unknown safetensors key" "zz" "$P" sim a.npy ab.safetensors:zz
bad "not a .npy file" "junk.npy" "$P" sim junk.npy b.npy
bad "3-D input" "cube.npy: expected a 2-D tensor (neurons × datapoints) or a 4-D one (N×C×H×W), got shape 4×5×6" "$P" sim cube.npy b.npy
bad "different datapoints" "different numbers of datapoints: a.npy has 400 (shape 16×400), short.npy has 399" "$P" sim a.npy short.npy
bad "NaN and Inf" "nan.npy has 3 non-finite entries (2 NaN, 1 infinite)" "$P" sim nan.npy b.npy
bad "NaN and Inf, second input" "nan.npy has 3 non-finite entries" "$P" sim --measure cka b.npy nan.npy
bad "transposed" "at.npy has fewer datapoints (16) than neurons (400)" "$P" sim at.npy bt.npy
bad "transposed hint" "--datapoints-first" "$P" svcca at.npy bt.npy
bad "--datapoints-first on the wrong layout" "fewer datapoints" "$P" sim a.npy b.npy --datapoints-first
bad "empty" "empty.npy is empty (shape 0×5)" "$P" sim empty.npy empty.npy
bad "one datapoint" "at least 2 datapoints" "$P" sim one.npy one.npy
bad "rbf limit" "at most 10000 datapoints, got 10001" "$P" sim long.npy long.npy --measure cka --kernel rbf
bad "no inputs" "expected two inputs A and B, got 0" "$P" sim
bad "one input" "expected two inputs A and B, got 1" "$P" svcca a.npy
bad "three inputs" "expected two inputs A and B, got 3" "$P" sim a.npy b.npy a.npy
bad "unknown option" "unknown option --bogus" "$P" sim a.npy b.npy --bogus
bad "missing value" "--dims needs a value" "$P" svcca a.npy b.npy --dims
bad "non-numeric" "--variance expects a number, got 'lots'" "$P" svcca a.npy b.npy --variance lots
bad "dims 0" "--dims: expected an integer ≥ 1, got 0" "$P" svcca a.npy b.npy --dims 0
bad "dims not an integer" "--dims expects an integer" "$P" svcca a.npy b.npy --dims 2.5
bad "variance out of range" "--variance: expected a fraction in (0, 1], got 1.5" "$P" svcca a.npy b.npy --variance 1.5
bad "energy out of range" "--energy: expected a fraction in (0, 1]" "$P" svcca a.npy b.npy --energy 0
bad "negative epsilon" "--epsilon: expected a number in [0, 1)" "$P" sim a.npy b.npy --epsilon -1
bad "two rules" "give one of --dims, --variance, --energy" "$P" svcca a.npy b.npy --dims 3 --energy 0.5
bad "option twice" "--dims given twice" "$P" svcca a.npy b.npy --dims 3 --dims 4
bad "unknown measure" "--measure expects one of cca, svcca, pwcca, cka, got 'mi'" "$P" sim a.npy b.npy --measure mi
bad "measure in the shorthand" "--measure is fixed to svcca" "$P" svcca a.npy b.npy --measure cca
bad "svcca option for cka" "--dims does not apply to cka" "$P" sim a.npy b.npy --measure cka --dims 3
bad "cka option for cca" "--kernel does not apply to cca" "$P" sim a.npy b.npy --measure cca --kernel rbf
bad "sigma with linear" "--sigma applies to --kernel rbf" "$P" sim a.npy b.npy --measure cka --kernel linear --sigma 1
bad "zero sigma" "--sigma: expected a positive fraction" "$P" sim a.npy b.npy --measure cka --sigma 0
bad "bad kernel" "--kernel expects one of linear, rbf" "$P" sim a.npy b.npy --measure cka --kernel poly
bad "bad conv" "--conv expects one of flatten, mean" "$P" sim a.npy b.npy --conv max
bad "flag with a value" "unknown option --json=yes" "$P" sim a.npy b.npy --json=yes

echo "sim_cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
