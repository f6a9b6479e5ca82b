#!/usr/bin/env bash
# Types into the real interactive shell through tmux and checks what the screen shows:
# multi-line input, auto-print, completion, errors, Ctrl-C (running code and at the prompt),
# history in $PRUNELAB_HISTORY and Ctrl-D. Waits for expected output (with a timeout) rather
# than sleeping, so a slow machine only makes it slower.
# Usage: PRUNELAB=.build/release/prunelab bash suites/shell/test_repl.sh
set -uo pipefail
name=test_repl
timeout=${REPL_TIMEOUT:-15}
# shellcheck source=tmux_harness.bash
. "$(dirname "$0")/tmux_harness.bash"   # each shell gets its own tmux server: start_shell bumps $sessions

# run LINE: types LINE and Enter, then waits until the next prompt appears below it.
prompts=0
run() {
  prompts=$(($(count_of '^>{1,2}( |$)') + 1))
  type_text "$1"; press Enter
  wait_count "prompt after: $1" '^>{1,2}( |$)' "$prompts" >/dev/null
}
# start_shell HISTORY-FILE: runs prunelab in a fresh tmux server; its exit status goes to $dir/status.
start_shell() {
  tm kill-server 2>/dev/null
  sessions=$((sessions + 1))
  rm -f "$dir/status"
  tm -f /dev/null new-session -d -s shell -x 200 -y 50 \
    "env PRUNELAB_HISTORY='$1' TERM=xterm '$P'; echo \$? > '$dir/status'; sleep 600"
  tm set-option -t shell history-limit 5000 >/dev/null
  wait_for "banner" '^prunelab [0-9.]+ \(Lua 5\.4, OpenBLAS [A-Za-z0-9]+ kernels\) · help\(\) for help'
  wait_for "first prompt" '^> ?$'
}
# exit_status: presses Ctrl-D and waits for the status file.
exit_status() {
  press C-d
  local deadline=$((SECONDS + timeout))
  while [ ! -s "$dir/status" ] && ((SECONDS < deadline)); do sleep 0.1; done
  cat "$dir/status" 2>/dev/null || echo "no exit"
}

history="$dir/history"
start_shell "$history"

# A multi-line function definition continues with '>>'.
type_text "function twice(a)"; press Enter
wait_for "continuation prompt" '^>> ?$'
type_text "  return a * 2"; press Enter
type_text "end"; press Enter
wait_for "continued lines" '^>> end$'
run "twice(21)"
wait_for "auto-printed call" '^42$'
run "{1, 2, k = 'v'}"
wait_for "table preview" '^\{1, 2, k = "v"\}$'
run "x = 7; s = 'kept'"
run "s .. x"
wait_for "auto-printed expression" '^kept7$'
run "x; "   # (a trailing space: tmux reads a final ";" as its command separator)
[ "$(count_of '^7$')" -eq 0 ] && pass || fail "a trailing ; shows nothing"

# Completion: a global, a module function, a method of an object.
type_text "tens"; press Tab
wait_for "completes a global" '^> tensor$'
type_text ".ey"; press Tab
wait_for "completes a module function" '^> tensor\.eye$'
type_text "(3):numel()"; press Enter
wait_for "the completed line runs" '^9$'
run "t = tensor.zeros(3)"
type_text "t:nu"; press Tab
wait_for "completes a method" '^> t:numel$'
type_text "()"; press Enter
wait_for "the completed method runs" '^3$'

# help and ?x.
run "?tensor.zeros"
wait_for "?x shows help" '^tensor\.zeros\(d1, d2'

# An error leaves the session alive.
run "error('boom')"
wait_for "error message" '^stdin:1: boom$'
wait_for "error traceback" "in function 'error'"
run "twice(x)"
wait_for "session alive after the error" '^14$'

# Ctrl-C interrupts running code; every variable survives.
type_text "while true do end"; press Enter
wait_for "loop started" '^> while true do end$'
for attempt in 1 2 3 4 5; do
  sleep 0.3
  press C-c
  deadline=$((SECONDS + 3))
  while ((SECONDS < deadline)) && ! screen | grep -q 'interrupted!'; do sleep 0.1; done
  screen | grep -q 'interrupted!' && break
done
wait_for "Ctrl-C interrupts the loop" 'interrupted!'
run "s .. twice(x) .. t:numel()"
wait_for "variables intact after Ctrl-C" '^kept143$'

# Ctrl-C at the prompt drops the line (and an unfinished chunk) without leaving.
type_text "this line is dropped"
wait_for "typed line" '^> this line is dropped$'
press C-c
wait_count "fresh prompt after Ctrl-C" '^> ?$' 1
type_text "if true then"; press Enter
wait_for "unfinished chunk" '^>> ?$'
press C-c
run "x + 1"
wait_for "Ctrl-C at '>>' drops the chunk" '^8$'
[ "$(count_of 'unexpected symbol|dropped.*expected')" -eq 0 ] && pass || fail "a dropped line never runs"

# Ctrl-D exits with status 0; the history holds the chunks.
status=$(exit_status)
[ "$status" = "0" ] && pass || fail "Ctrl-D exits with status 0 (got $status)"
if grep -qx "function twice(a)" "$history" && grep -qx "  return a \* 2" "$history" \
   && grep -qx "x = 7; s = 'kept'" "$history" && ! grep -q "dropped" "$history"; then pass
else failed=$((failed + 1)); printf 'FAIL history file\n%s\n' "$(cat "$history" 2>&1)"; fi

# The history comes back in the next session: Up recalls the last chunk.
start_shell "$history"
press Up
wait_for "history recalled" '^> x \+ 1$'
press Enter
wait_for "recalled line runs" 'attempt to perform arithmetic on a nil value'
[ "$(exit_status)" = "0" ] && pass || fail "second session exits 0"

# An unwritable history file is reported once and is not fatal.
start_shell "$dir/no/such/dir/history"
run "1 + 1"
wait_for "works without history" '^2$'
wait_for "history failure reported" 'cannot write history'
[ "$(exit_status)" = "0" ] && pass || fail "exits 0 without history"

echo "test_repl: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
