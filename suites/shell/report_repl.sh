#!/usr/bin/env bash
# Tables and labelled grids in the interactive shell (through tmux): evaluating a report table
# or a similarity grid prints it aligned with its names; a bad call prints one error and the
# shell goes on.
# Usage: PRUNELAB=.build/release/prunelab bash suites/shell/report_repl.sh
set -uo pipefail
name=report_repl
timeout=${REPL_TIMEOUT:-15}
# shellcheck source=tmux_harness.bash
. "$(dirname "$0")/tmux_harness.bash"

prompts=0
run() {
  prompts=$(($(count_of '^>{1,2}( |$)') + 1))
  type_text "$1"; press Enter
  wait_count "prompt after: $1" '^>{1,2}( |$)' "$prompts" >/dev/null
}

sessions=$((sessions + 1))
tm -f /dev/null new-session -d -s shell -x 120 -y 50 "env PRUNELAB_HISTORY=/dev/null TERM=xterm '$P'; sleep 600"
wait_for "first prompt" '^> ?$'

run "report.table({{layer = 'conv1', value = 0.5, k = 3}, {layer = 'fc', value = 0/0, k = 12}})"
wait_for "header" '^layer   k  value$'
wait_for "aligned row" '^conv1   3    0\.5$'
wait_for "NaN row" '^fc     12    NaN$'
run "x = tensor.randn(3, 40, {seed = 1, dtype = 'float64'})"
run "sim.matrix({conv1 = x}, {conv1 = x, fc = x * 2}, {measure = 'cka'})"
wait_for "grid title" '^cka\(linear\) similarity: 1 layer × 2 layers \(1 = identical\)$'
wait_for "grid names" '^layer +conv1 +fc$'
wait_for "grid row" '^conv1 +1\.0 +1\.0$'
wait_for "the names, each value on a line of its own" '^\{"conv1", "fc"\}$'
run "report.table({})"
wait_for "one clear error" 'report\.table: argument 1 \(data\): expected a non-empty array of rows or table of columns, got an empty table'
run "report.table({{a = 1}}):save('/nonexistent-prunelab/x.csv')"
wait_for "unwritable path" '/nonexistent-prunelab/x\.csv: cannot create'
run "1 + 1"
wait_for "the shell goes on" '^2$'

echo "report_repl: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
