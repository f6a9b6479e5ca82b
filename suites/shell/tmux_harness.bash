# Shared by the tmux-driven shell tests (test_repl.sh, prune_interrupt.sh); sourced, not run
# (scripts/test runs suites/shell/*.sh only). Before sourcing, set `name` (the test's name in
# messages and socket names) and `timeout` (seconds wait_for waits).
#
# Gives: $P (the prunelab binary, absolute), $dir (a scratch directory removed at exit), tm
# (tmux on this test's own server; bump $sessions for a fresh one), pass/fail counters
# $passed/$failed, screen, type_text, press, wait_for, count_of and wait_count.
P=${PRUNELAB:?set PRUNELAB to the prunelab binary}
P=$(cd "$(dirname "$P")" && pwd)/$(basename "$P")
command -v tmux >/dev/null || { echo "$name: tmux is not installed (scripts/setup installs it)"; exit 1; }
dir=$(mktemp -d)
sessions=0
tm() { tmux -L "prunelab-$name-$$-$sessions" "$@"; }
trap 'tm kill-server 2>/dev/null; rm -rf "$dir"' EXIT
passed=0 failed=0

pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); printf 'FAIL %s\n--- screen\n%s\n---\n' "$1" "$(screen)"; }
screen() { tm capture-pane -p -J -S - -t shell 2>/dev/null; }
type_text() { tm send-keys -t shell -l -- "$1"; }
press() { tm send-keys -t shell "$@"; }

# wait_for NAME EXTENDED-REGEX: passes when a screen line matches, fails after the timeout.
wait_for() {
  local deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    if screen | grep -qE -- "$2"; then pass; return 0; fi
    sleep 0.1
  done
  fail "$1 (waited ${timeout}s for /$2/)"
  return 1
}
# count_of REGEX: the number of screen lines matching.
count_of() { screen | grep -cE -- "$1"; }
# wait_count NAME REGEX N: waits until N lines match.
wait_count() {
  local deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    if (($(count_of "$2") >= $3)); then pass; return 0; fi
    sleep 0.1
  done
  fail "$1 (waited ${timeout}s for $3 lines matching /$2/, saw $(count_of "$2"))"
  return 1
}
