#!/usr/bin/env bash
# Ctrl-C during long pruning-study calls (sim.layers streaming a probe, prune.iterative
# retraining) returns to the prompt with a clean message, and the models are intact: masks,
# sparsity, and a working forward pass. Drives the real shell through tmux, like test_repl.sh.
# Usage: PRUNELAB=.build/release/prunelab bash suites/shell/prune_interrupt.sh
set -uo pipefail
name=prune_interrupt
timeout=${REPL_TIMEOUT:-30}
# shellcheck source=tmux_harness.bash
. "$(dirname "$0")/tmux_harness.bash"

# interrupt NAME LINE WHERE: runs LINE, presses Ctrl-C once it has started, and expects the
# shell's "interrupted!" with a traceback through WHERE (the interrupted binding).
interrupt() {
  type_text "$2"; press Enter
  sleep 1.5
  press C-c
  wait_for "$1" "$3" && wait_for "$1: the message" '^interrupted!$'
}

tm -f /dev/null new-session -d -s shell -x 220 -y 50 "env PRUNELAB_HISTORY= TERM=xterm '$P'; sleep 600"
tm set-option -t shell history-limit 5000 >/dev/null
wait_for "first prompt" '^> ?$'

type_text "fm = data.fashion_mnist(); probe = fm.test:normalize(0.286, 0.353); m = models.convnet{seed = 1}; p = prune.magnitude(m:clone(), 0.9); print('ready', p:sparsity().total.zeros)"
press Enter
wait_for "set up" '^ready[[:space:]]+1243757$'

interrupt "Ctrl-C stops sim.layers between batches" "s = sim.layers(m, p, probe)" "in field 'layers'"
type_text "print('after', p:sparsity().total.zeros, p:masks()['conv1.weight']:sum(), #sim.layers(m, p, probe:subset(1, 400)))"
press Enter
wait_for "models intact, comparisons work again" '^after[[:space:]]+1243757[[:space:]]+160\.0[[:space:]]+11$'

type_text "t = train.sgd{lr = 0.05, batch = 32, epochs = 50, seed = 1}; q = m:clone()"
press Enter
interrupt "Ctrl-C stops prune.iterative's retraining" "prune.iterative(q, {0.5, 0.9}, t, fm.train:normalize(0.286, 0.353), {progress = false})" "in field 'iterative'"
type_text "x = fm.test:subset(1, 2):normalize(0.286, 0.353); print('forward', q:forward(tensor.zeros(2, 1, 28, 28)):shape()[2], q:sparsity()[2].zeros)"
press Enter
wait_for "pruned to the first target, masks and forward intact" '^forward[[:space:]]+10[[:space:]]+51200$'

press C-d
echo "prune_interrupt: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
