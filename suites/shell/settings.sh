#!/usr/bin/env bash
# sys.settings (Engine/Support/Settings.swift): the environment is read once at start; values say
# where they came from; a value that does not parse is shown as ignored and the default applies.
set -u
P=${PRUNELAB:?set PRUNELAB to the prunelab binary}
fails=0
ok() { :; }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
expect_eq() { [[ "$2" == "$3" ]] && ok || bad "$1: expected '$3', got '$2'"; }

row='local r = sys.settings(arg[1]); io.write(r.value, "|", r.from, "|", r.problem or "-")'
expect_eq "set and valid" "$(PRUNELAB_CONV=flat "$P" -e "arg = {[1] = 'PRUNELAB_CONV'}; $row")" "flat|environment|-"
expect_eq "unset" "$(env -u PRUNELAB_CONV "$P" -e "arg = {[1] = 'PRUNELAB_CONV'}; $row")" "unset (routes chosen by measurement)|default|-"
expect_eq "not a number" "$(PRUNELAB_CONV_CHUNK=abc "$P" -e "arg = {[1] = 'PRUNELAB_CONV_CHUNK'}; $row")" \
  "abc|environment|not a positive integer: the default applies"
expect_eq "COLUMNS" "$(COLUMNS=77 "$P" -e "arg = {[1] = 'COLUMNS'}; $row")" "77|environment|-"
expect_eq "not understood" "$(PRUNELAB_WINOGRAD=maybe "$P" -e "arg = {[1] = 'PRUNELAB_WINOGRAD'}; $row")" \
  "maybe|environment|expected 0, off, 1 or on: the default applies"
# The table prints with its title.
out=$("$P" -e 'print(sys.settings())')
[[ "$out" == *"settings (read from the environment when prunelab started)"* && "$out" == *PRUNELAB_BLAS_CORE* ]] && ok || bad "printed table: $out"

# Only Engine's Settings reads the environment (issue 22): no getenv anywhere else in Sources.
root=$(cd "$(dirname "$0")/../.." && pwd)
others=$(grep -rln 'getenv' "$root/Sources" | grep -v '/Sources/Engine/Support/Settings.swift$')
expect_eq "getenv outside Settings.swift" "$others" ""

if (( fails > 0 )); then echo "settings.sh: $fails failure(s)"; exit 1; fi
echo "settings.sh: ok"
