#!/usr/bin/env bash
# examples/paper_quick.lua at its CI scale: the tables' structure and well-defined properties
# (accuracies in [0, 1], the baseline against its own clone is 1 on every layer, every
# sparsity reached exactly, similarities in [0, 1]). Numbers themselves are not checked: at
# this scale the ordering of the sparsities is noise.
# Usage: PRUNELAB=.build/release/prunelab bash suites/shell/paper_quick.sh
set -uo pipefail
P=${PRUNELAB:?set PRUNELAB to the prunelab binary}
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); printf 'FAIL %s\n' "$*"; }

"$P" "$root/examples/paper_quick.lua" --train 256 --test 128 --probe 400 --epochs 1 --retrain 1 >"$out" 2>"$err"
status=$?
[ "$status" -eq 0 ] && ok || { bad "exit status $status"; cat "$err"; }
grep -q '16/16 Rand. 90%' "$err" && ok || bad "progress lines on stderr"

# Table 1: header, then Mag., Re-Init., Rand. with 6 percentages in [0, 100] and one Ref value.
awk '
  /^Table 1/ { table = 1; next }
  table == 1 && /^Sparsity/ { header = $0; next }
  table == 1 && /^(Mag\.|Re-Init\.|Rand\.) / {
    rows++
    if (NF != 7) { print "Table 1 row has " NF " fields: " $0; bad = 1 }
    for (i = 2; i <= 7; i++) { v = $i; sub("%", "", v); if (v + 0 < 0 || v + 0 > 100 || $i !~ /%$/) { print "bad accuracy " $i; bad = 1 } }
    if (ref == "") ref = $2; else if ($2 != ref) { print "Ref differs: " $2 " vs " ref; bad = 1 }
    if (rows == 3) table = 0
  }
  END {
    if (header !~ /Ref \(0%\) +30% +45% +60% +75% +90%$/) { print "Table 1 header: " header; bad = 1 }
    if (rows != 3) { print "Table 1 has " rows " rows"; bad = 1 }
    exit bad
  }' "$out" && ok || bad "Table 1"

# Sparsity reached: exactly the targets over the pruned weights, for every method.
awk '
  /^Sparsity reached/ { table = 1; next }
  table == 1 && /^(Mag\.|Re-Init\.|Rand\.) / {
    rows++
    if ($0 !~ / 0\.0% +30\.0% +45\.0% +60\.0% +75\.0% +90\.0%$/) { print "sparsities: " $0; bad = 1 }
    if (rows == 3) table = 0
  }
  END { if (rows != 3) { print "sparsity table has " rows " rows"; bad = 1 }; exit bad }' "$out" && ok || bad "sparsity reached"

# Three SVCCA tables: 11 ConvNet layers and the mean; Ref = 1.000 (baseline vs its clone); values in [0, 1].
awk '
  /^SVCCA similarity to the baseline/ { tables++; inside = 1; rows = 0; next }
  inside && /^Layer/ { next }
  inside && NF == 7 {
    rows++; names[tables] = names[tables] " " $1
    if ($2 != "1.000") { print "Ref column not 1 for " $1 ": " $2; bad = 1 }
    for (i = 3; i <= 7; i++) if ($i + 0 < 0 || $i + 0 > 1.0000001) { print "similarity out of range: " $0; bad = 1 }
    if ($1 == "mean") { inside = 0; count[tables] = rows }
  }
  END {
    if (tables != 3) { print tables " SVCCA tables"; bad = 1 }
    for (t = 1; t <= tables; t++) {
      if (count[t] != 12) { print "table " t " has " count[t] " rows"; bad = 1 }
      if (names[t] != " conv1 relu1 pool1 conv2 relu2 pool2 fc1 relu3 fc2 relu4 fc3 mean") { print "layers: " names[t]; bad = 1 }
    }
    exit bad
  }' "$out" && ok || bad "SVCCA tables"

# Bad arguments: a usage message and status 2.
"$P" "$root/examples/paper_quick.lua" --train -5 >/dev/null 2>"$err"
[ $? -eq 2 ] && grep -q 'usage:' "$err" && ok || bad "--train -5"
"$P" "$root/examples/paper_quick.lua" --bogus 1 >/dev/null 2>"$err"
[ $? -eq 2 ] && grep -q "unknown option --bogus" "$err" && ok || bad "--bogus"
"$P" "$root/examples/paper_quick.lua" --help >"$out" 2>&1
[ $? -eq 0 ] && grep -q 'usage:' "$out" && ok || bad "--help"

printf '%d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
