#!/usr/bin/env bash
# prunelab on processors this machine is not: qemu-x86_64 (user-mode emulation, from scripts/setup)
# runs the same binary on an emulated CPU whose CPUID lacks the host's wider instructions.
# prunelab's kernel choice (Engine/Support/CPUFeatures.swift) and OpenBLAS's both read CPUID, so
# this is what an AMD EPYC Zen 3 (EPYC-Milan: AVX2 + FMA, no AVX-512), a Sandy Bridge (AVX, no
# AVX2) and a Nehalem (SSE4.2 only) would choose and compute. Checks:
# - each emulated CPU gets the kernels it can execute (sys.blas().kernels, .core, .reason);
# - on the emulated Zen 3, every probed result (dgemm, sgemm, CCA, SVCCA, a ConvNet forward)
#   has the same bits as the host running with PRUNELAB_NO_AVX512=1 PRUNELAB_BLAS_CORE=Zen, the
#   emulation scripts/test uses for its narrower-build sections;
# - the Winograd convolution (forced with PRUNELAB_WINOGRAD=1) gives the same bits, forward and
#   input gradient, on the emulated Zen 3 (its AVX2 kernel), on the host with
#   PRUNELAB_NO_AVX512=1 and on the host as it is (the AVX-512 kernel where the CPU has it);
# - issue 16's AVX2 failure (test_sim_layers.lua's batch-size test on a Zen 3) passes there.
# Usage: PRUNELAB=.build/release/prunelab bash suites/shell/emulated_cpu.sh
set -uo pipefail
P=${PRUNELAB:?set PRUNELAB to the prunelab binary}
cd "$(dirname "$0")/../.."
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); printf 'FAIL %s\n' "$*"; }
expect_eq() { [ "$2" == "$3" ] && ok || bad "$1: got '$2', expected '$3'"; }

if ! command -v qemu-x86_64 >/dev/null; then
  echo "FAIL emulated_cpu: qemu-x86_64 not found (scripts/setup installs the Debian package qemu-user)"
  exit 1
fi
# TCG lists every CPUID feature of the model it cannot emulate on stderr; keep the rest.
on() { local cpu=$1; shift; qemu-x86_64 -cpu "$cpu" "$P" "$@" 2> >(grep -v "TCG doesn't support" >&2); }

probe='
local a = tensor.randn(300, 300, {seed = 1, dtype = "float64"})
local b = tensor.randn(257, 129, {seed = 2})
local x, y = tensor.randn(200, 3000, {seed = 3}), tensor.randn(150, 3000, {seed = 4})
local out = models.convnet({seed = 5}):forward(tensor.randn(8, 1, 28, 28, {seed = 6}))
local B = sys.blas()
io.write(string.format("%a %a %a %a %a|%s|%s|%s", a:matmul(a):sum(), b:matmul(b:t()):sum(),
  sim.cca(x, y).value, sim.svcca(x, y).value, out:sum(), B.kernels, B.core, B.reason))'
field() { cut -d'|' -f"$1" <<<"$2"; }

zen3=$(on EPYC-Milan -e "$probe")
expect_eq "Zen 3: prunelab's kernels" "$(field 2 "$zen3")" "avx2"
expect_eq "Zen 3: OpenBLAS core" "$(field 3 "$zen3")" "Zen"
expect_eq "Zen 3: why" "$(field 4 "$zen3")" "no AVX-512 on this CPU"
host_as_zen3=$(PRUNELAB_NO_AVX512=1 PRUNELAB_BLAS_CORE=Zen "$P" -e "$probe")
expect_eq "Zen 3 emulated by qemu vs by PRUNELAB_NO_AVX512=1 PRUNELAB_BLAS_CORE=Zen: same bits" \
  "$(field 1 "$zen3")" "$(field 1 "$host_as_zen3")"

# One 3×3 convolution on the Winograd route (no BLAS involved): every output and input-gradient
# value in hexadecimal, then the routes taken.
winograd_probe='
local m = nn.Sequential{nn.Conv2d(5, 7, 3, {padding = 1, seed = 7})}
m:train()
local y = m:forward(tensor.randn(3, 5, 10, 6, {seed = 8}))
local dx = m:backward(tensor.randn(3, 7, 10, 6, {seed = 9}))
local parts = {}
for _, t in ipairs{y, dx} do
  for _, v in ipairs(t:reshape(t:numel()):totable()) do parts[#parts + 1] = string.format("%a", v) end
end
local r = m:conv_routes(3)[1]
io.write(table.concat(parts, " "), "|", r.forward, "/", r.input_gradient, "|", sys.blas().kernels)'
wzen3=$(PRUNELAB_WINOGRAD=1 on EPYC-Milan -e "$winograd_probe")
expect_eq "Zen 3: the probe's routes" "$(field 2 "$wzen3")|$(field 3 "$wzen3")" "winograd/winograd|avx2"
whost2=$(PRUNELAB_WINOGRAD=1 PRUNELAB_NO_AVX512=1 "$P" -e "$winograd_probe")
expect_eq "Winograd: emulated Zen 3 vs PRUNELAB_NO_AVX512=1: same bits" "$(field 1 "$wzen3")" "$(field 1 "$whost2")"
whost=$(PRUNELAB_WINOGRAD=1 "$P" -e "$winograd_probe")
expect_eq "Winograd: emulated Zen 3 vs this host's $(field 3 "$whost") kernel: same bits" "$(field 1 "$wzen3")" "$(field 1 "$whost")"

sandy=$(on SandyBridge -e "$probe")
expect_eq "Sandy Bridge: prunelab's kernels" "$(field 2 "$sandy")" "baseline"
expect_eq "Sandy Bridge: OpenBLAS core" "$(field 3 "$sandy")" "Sandybridge"
nehalem=$(on Nehalem -e "$probe")
expect_eq "Nehalem: prunelab's kernels" "$(field 2 "$nehalem")" "baseline"
expect_eq "Nehalem: OpenBLAS core" "$(field 3 "$nehalem")" "Nehalem"
# The same values within float rounding on every CPU (OpenBLAS blocks its sums by core and by the
# cache sizes CPUID reports, so the last bits may differ; the relative spread stays tiny).
spread=$(python3 -c '
import sys
rows = [[float.fromhex(v) for v in r.split("|")[0].split()] for r in sys.argv[1:]]
print(max(abs(a - b) / max(abs(a), abs(b), 1e-300) for col in zip(*rows) for a in col for b in col))' \
  "$zen3" "$sandy" "$nehalem")
python3 -c "import sys; sys.exit(0 if $spread < 1e-6 else 1)" && ok || bad "values across CPUs: relative spread $spread, expected < 1e-6"

# Issue 16's reproducer: the batch-size test that failed on a Zen 3.
if on EPYC-Milan suites/lua/run.lua suites/lua/test_sim_layers.lua >/tmp/emulated_cpu.$$ 2>&1; then ok
else bad "test_sim_layers.lua on an emulated Zen 3:"; tail -n 20 /tmp/emulated_cpu.$$; fi
rm -f /tmp/emulated_cpu.$$

echo "emulated_cpu: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
