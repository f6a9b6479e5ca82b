#!/usr/bin/env bash
# Figures in the interactive shell, through tmux: with TERM=xterm-kitty, evaluating a figure
# sends the kitty graphics escape (ESC _G, read from the pane's raw output with pipe-pane, as
# tmux itself drops it); with a plain terminal it prints the saved PNG's path; misuse gives
# one error and the shell lives on.
# Usage: PRUNELAB=.build/release/prunelab bash suites/shell/plot_repl.sh
set -uo pipefail
name=plot_repl
timeout=${REPL_TIMEOUT:-15}
# shellcheck source=tmux_harness.bash
. "$(dirname "$0")/tmux_harness.bash"

prompts=0
run() {
  prompts=$(($(count_of '^>{1,2}( |$)') + 1))
  type_text "$1"; press Enter
  wait_count "prompt after: $1" '^>{1,2}( |$)' "$prompts" >/dev/null
}
# start_shell TERM [ENV…]: prunelab in a fresh tmux server, its raw output copied to $dir/raw.
start_shell() {
  tm kill-server 2>/dev/null
  sessions=$((sessions + 1))
  rm -f "$dir/raw"
  local term=$1; shift
  tm -f /dev/null new-session -d -s shell -x 160 -y 50 \
    "env -u KITTY_WINDOW_ID -u TERM_PROGRAM -u LC_TERMINAL -u PRUNELAB_IMAGES PRUNELAB_HISTORY=/dev/null PRUNELAB_FIGURE_DIR='$dir' TERM=$term $* '$P'; sleep 600"
  tm pipe-pane -o -t shell "cat >> '$dir/raw'"
  tm set-option -t shell history-limit 5000 >/dev/null
  wait_for "banner ($term)" '^prunelab [0-9.]+ '
  wait_for "first prompt ($term)" '^> ?$'
}

# kitty: the figure goes out as ESC _G a=T,f=100 … ESC \ chunks of base64 PNG.
start_shell xterm-kitty
run "fig = plot.heatmap(tensor.randn(4, 4, {seed = 1}), {title = 'kitty'})"
run "fig"
deadline=$((SECONDS + timeout))
while ((SECONDS < deadline)) && ! grep -q $'\e_Ga=T,f=100' "$dir/raw" 2>/dev/null; do sleep 0.1; done
grep -q $'\e_Ga=T,f=100' "$dir/raw" && pass || fail "kitty graphics escape in the raw output"
grep -q $'\e_Gm=0;' "$dir/raw" && pass || fail "the last kitty chunk (m=0)"
[ "$(count_of 'figure saved to')" -eq 0 ] && pass || fail "kitty: no file path printed"
run "1 + 1"
wait_for "the shell goes on after a figure" '^2$'

# A plain terminal: the figure is saved and its path printed.
start_shell xterm-256color
run "plot.line(nil, {1, 3, 2}, {title = 'plain'})"
wait_for "plain terminal prints the saved path" "^figure saved to $dir/prunelab-figure-[0-9]+-1\.png$"
png=$(ls "$dir"/prunelab-figure-*-1.png 2>/dev/null | head -1)
[ -n "$png" ] && [ "$(head -c 4 "$png" | od -An -c | tr -d ' ')" = "211PNG" ] && pass || fail "the saved file is a PNG ($png)"
! grep -q $'\e_G' "$dir/raw" && pass || fail "no kitty escape on a plain terminal"
run "plot.heatmap(tensor.ones(2, 2), {colormap = 'jet'})"
wait_for "misuse: one clear error" 'plot\.heatmap: colormap: expected one of "viridis", "magma", "coolwarm", got "jet"'
run "plot.heatmap(tensor.ones(2, 2) * (0/0))"
wait_for "all-NaN: one clear error" 'plot\.heatmap: matrix: expected at least one value that is not NaN'
run "plot.bar(nil, {1}):save('/nonexistent/x.png')"
wait_for "unwritable path: one clear error" 'figure:save: /nonexistent/x\.png: cannot create'
run "6 * 7"
wait_for "the shell lives after the errors" '^42$'

echo "plot_repl: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
