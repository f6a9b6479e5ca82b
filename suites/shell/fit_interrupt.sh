#!/usr/bin/env bash
# Ctrl-C during t:fit in the shell (issue 21): training stops between batches, fit says where
# and returns the finished epochs' history marked interrupted = true (the assignment happens),
# the model is marked (m.interrupted, m.provenance.training.epochs_done), the shell lives, and
# training the model again clears the mark. Drives the real shell through tmux.
# Usage: PRUNELAB=.build/release/prunelab bash suites/shell/fit_interrupt.sh
set -uo pipefail
name=fit_interrupt
timeout=${REPL_TIMEOUT:-30}
# shellcheck source=tmux_harness.bash
. "$(dirname "$0")/tmux_harness.bash"

tm -f /dev/null new-session -d -s shell -x 220 -y 50 "env PRUNELAB_HISTORY= TERM=xterm '$P'; sleep 600"
tm set-option -t shell history-limit 5000 >/dev/null
wait_for "first prompt" '^> ?$'

type_text "ds = data.fashion_mnist().train:subset(1, 256):normalize(0.286, 0.353); m = models.mlp{input = {1, 28, 28}, hidden = {32}, classes = 10, seed = 1}; t = train.adam{batch = 32, epochs = 100000}; print('ready')"
press Enter
wait_for "set up" '^ready$'

type_text "h = t:fit(m, ds, {progress = false}); print('returned', #h > 0, h.interrupted, #h == #h, m.interrupted)"
press Enter
sleep 2
press C-c
wait_for "fit says where it stopped and what it returns" 'trainer:fit: interrupted at epoch [0-9]+, batch [0-9]+ of 8: .* returning the [0-9]+ finished epochs? \(hist.interrupted = true, m.interrupted = true\)'
wait_for "the history comes back marked, the model too" '^returned[[:space:]]+true[[:space:]]+true[[:space:]]+true[[:space:]]+true$'

type_text "print('record', #h == m.provenance.training.epochs_done, m.provenance.training.epochs, h[#h].loss == m.provenance.metrics.loss)"
press Enter
wait_for "the model's record agrees with the history" '^record[[:space:]]+true[[:space:]]+100000[[:space:]]+true$'

type_text "h2 = t:fit(m, ds, {epochs = 2, progress = false}); print('again', #h2, h2.interrupted, m.interrupted)"
press Enter
wait_for "training again finishes and clears the mark" '^again[[:space:]]+2[[:space:]]+nil[[:space:]]+false$'

press C-d
echo "fit_interrupt: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
