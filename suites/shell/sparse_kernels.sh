#!/usr/bin/env bash
# Sparse inference on every kernel build: the AVX-512 kernels (where the CPU has them), the
# AVX2 + FMA ones (PRUNELAB_NO_AVX512=1) and plain Swift (PRUNELAB_NO_AVX2=1) each give the
# dense logits (suites/lua/test_sparse_inference.lua).
# Usage: PRUNELAB=.build/release/prunelab bash suites/shell/sparse_kernels.sh
set -uo pipefail
P=${PRUNELAB:?set PRUNELAB to the prunelab binary}
cd "$(dirname "$0")/../.."
status=0
for build in default PRUNELAB_NO_AVX512=1 PRUNELAB_NO_AVX2=1; do
  if [[ $build == default ]]; then env=(); else env=("$build"); fi
  if ! out=$(env "${env[@]}" "$P" suites/lua/run.lua suites/lua/test_sparse_inference.lua 2>&1); then
    echo "FAIL ($build):"; echo "$out"; status=1
  else
    echo "ok ($build): $(echo "$out" | tail -1)"
  fi
done
exit $status
