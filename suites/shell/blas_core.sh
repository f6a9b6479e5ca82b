#!/usr/bin/env bash
# OpenBLAS kernel choice (PRUNELAB_BLAS_CORE, Engine/Support/BLASCore.swift): switching cores at
# start-up must compute exactly what a process that OpenBLAS itself started on that core
# computes (same bits for dgemm, sgemm, CCA and SVCCA, which use dsyrk, dgemm, dsyevd/dsyevr and
# dpotrf), must restore OPENBLAS_CORETYPE for child processes, and must refuse cores this CPU
# cannot run. `auto` must respect an OPENBLAS_CORETYPE set in the environment (sys.blas() says
# the environment chose it); without one, on a CPU with AVX-512 it must pick an AVX-512 core, and
# elsewhere keep OpenBLAS's choice.
# Usage: PRUNELAB=.build/release/prunelab bash suites/shell/blas_core.sh
set -uo pipefail
P=${PRUNELAB:?set PRUNELAB to the prunelab binary}
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); printf 'FAIL %s\n' "$*"; }
expect_eq() { [ "$2" == "$3" ] && ok || bad "$1: got '$2', expected '$3'"; }

# Bits of a few BLAS/LAPACK-backed results, then the core and the child-visible OPENBLAS_CORETYPE.
signature='
local a = tensor.randn(300, 300, {seed = 1, dtype = "float64"})
local b = tensor.randn(257, 129, {seed = 2})
local x, y = tensor.randn(200, 3000, {seed = 3}), tensor.randn(150, 3000, {seed = 4})
io.write(string.format("%a %a %a %a|%s|%s", a:matmul(a):sum(), b:matmul(b:t()):sum(),
  sim.cca(x, y).value, sim.svcca(x, y).value, sys.blas().core, tostring(os.getenv("OPENBLAS_CORETYPE"))))'
bits() { cut -d'|' -f1 <<<"$1"; }
core() { cut -d'|' -f2 <<<"$1"; }
childenv() { cut -d'|' -f3 <<<"$1"; }

flags=$(grep -m1 '^flags' /proc/cpuinfo)
has() { for f in "$@"; do [[ " $flags " == *" $f "* ]] || return 1; done; }
avx512=(avx512f avx512cd avx512bw avx512dq avx512vl)

# OpenBLAS's own start on Haswell kernels (every x86-64 machine this project targets has AVX2).
haswell=$(OPENBLAS_CORETYPE=Haswell PRUNELAB_BLAS_CORE=openblas "$P" -e "$signature")
expect_eq "openblas keeps OPENBLAS_CORETYPE" "$(core "$haswell")" "Haswell"

if has "${avx512[@]}"; then
  targets=(SkylakeX)
  has "${avx512[@]}" avx512_bf16 && targets+=(Cooperlake)
  best=${targets[-1]}
  for target in "${targets[@]}"; do
    native=$(OPENBLAS_CORETYPE=$target PRUNELAB_BLAS_CORE=openblas "$P" -e "$signature")
    switched=$(OPENBLAS_CORETYPE=Haswell PRUNELAB_BLAS_CORE=$target "$P" -e "$signature")
    expect_eq "native start on $target" "$(core "$native")" "$target"
    expect_eq "switch Haswell → $target: core" "$(core "$switched")" "$target"
    expect_eq "switch Haswell → $target: same bits as OpenBLAS started on $target" "$(bits "$switched")" "$(bits "$native")"
    [ "$(bits "$switched")" != "$(bits "$haswell")" ] && ok || bad "$target kernels gave Haswell's bits: the switch did not take effect"
    expect_eq "OPENBLAS_CORETYPE restored for child processes" "$(childenv "$switched")" "Haswell"
  done
  auto=$(env -u OPENBLAS_CORETYPE "$P" -e "$signature")
  expect_eq "auto without OPENBLAS_CORETYPE picks the best AVX-512 core" "$(core "$auto")" "$best"
  respected=$(OPENBLAS_CORETYPE=Haswell "$P" -e "$signature")
  expect_eq "auto respects OPENBLAS_CORETYPE=Haswell" "$(core "$respected")" "Haswell"
  expect_eq "auto respects OPENBLAS_CORETYPE=Haswell: OpenBLAS's bits" "$(bits "$respected")" "$(bits "$haswell")"
  unset_env=$(env -u OPENBLAS_CORETYPE PRUNELAB_BLAS_CORE=$best "$P" -e "$signature")
  expect_eq "OPENBLAS_CORETYPE stays unset for child processes" "$(childenv "$unset_env")" "nil"
  off=$(OPENBLAS_CORETYPE=Haswell PRUNELAB_NO_AVX512=1 "$P" -e "$signature")
  expect_eq "PRUNELAB_NO_AVX512=1 keeps OpenBLAS's choice" "$(core "$off")" "Haswell"
else
  auto=$(OPENBLAS_CORETYPE=Haswell "$P" -e "$signature")
  expect_eq "auto without AVX-512 keeps OpenBLAS's choice" "$(core "$auto")" "Haswell"
  expect_eq "auto without AVX-512: same bits" "$(bits "$auto")" "$(bits "$haswell")"
  refused=$(OPENBLAS_CORETYPE=Haswell PRUNELAB_BLAS_CORE=SkylakeX "$P" -e "$signature" 2>&1)
  [[ "$refused" == *"needs avx512"*"which this CPU lacks"* ]] && ok || bad "SkylakeX on a CPU without AVX-512: $refused"
fi

# Who chose: sys.blas() says the environment did when OPENBLAS_CORETYPE is set.
who=$(OPENBLAS_CORETYPE=Haswell "$P" -e 'local b = sys.blas(); io.write(b.core, "|", b.chosen_by, "|", b.reason)')
expect_eq "sys.blas with OPENBLAS_CORETYPE=Haswell" "$who" "Haswell|environment|OPENBLAS_CORETYPE=Haswell in the environment"
who=$(OPENBLAS_CORETYPE=Haswell PRUNELAB_BLAS_CORE=openblas "$P" -e 'io.write(sys.blas().chosen_by)')
expect_eq "sys.blas with PRUNELAB_BLAS_CORE=openblas" "$who" "openblas"

# A name OpenBLAS does not have: a one-line warning, OpenBLAS's choice kept, the script still runs.
err=$(OPENBLAS_CORETYPE=Haswell PRUNELAB_BLAS_CORE=Pentium9 "$P" -e 'io.write(sys.blas().core)' 2>&1 >/dev/null)
out=$(OPENBLAS_CORETYPE=Haswell PRUNELAB_BLAS_CORE=Pentium9 "$P" -e 'io.write(sys.blas().core)' 2>/dev/null)
[[ "$err" == "prunelab: PRUNELAB_BLAS_CORE=Pentium9 names no x86-64 core of OpenBLAS"* ]] && ok || bad "unknown core warning: $err"
expect_eq "unknown core keeps OpenBLAS's choice" "$out" "Haswell"

# prunelab -v names the kernels in use.
v=$(OPENBLAS_CORETYPE=Haswell PRUNELAB_BLAS_CORE=openblas "$P" -v)
expect_eq "prunelab -v" "$v" "prunelab $(cut -d' ' -f2 <<<"$v") (Lua 5.4, OpenBLAS Haswell kernels)"

printf '%d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
