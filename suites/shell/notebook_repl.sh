#!/usr/bin/env bash
# The shell's evaluation rule and its notebook commands, typed through tmux: a top-level
# `local x = 41` persists so that `x + 1` shows 42; `:save` writes the session as a cell
# script, and `prunelab notebook run` of that file reproduces the values the session showed;
# `:run` runs a cell script in the session.
# Usage: PRUNELAB=.build/release/prunelab bash suites/shell/notebook_repl.sh
set -uo pipefail
name=notebook_repl
timeout=${REPL_TIMEOUT:-15}
# shellcheck source=tmux_harness.bash
. "$(dirname "$0")/tmux_harness.bash"

prompts=0
run() {
  prompts=$(($(count_of '^>{1,2}( |$)') + 1))
  type_text "$1"; press Enter
  wait_count "prompt after: $1" '^>{1,2}( |$)' "$prompts" >/dev/null
}

tm -f /dev/null new-session -d -s shell -x 200 -y 50 "env PRUNELAB_HISTORY= TERM=xterm '$P'; sleep 600"
wait_for "first prompt" '^> ?$'

run "local x = 41"
run "x + 1"
wait_for "a top-level local persists" '^42$'
run "local function greet(who) return 'hello ' .. who end"
run "greet('notebook')"
wait_for "a top-level local function persists" '^hello notebook$'
run "local t <const> = {x, x * 2}"
run "t[2] - 1"
wait_for "a <const> local persists" '^81$'
run "print('printed', x)"
wait_for "print" '^printed +41$'
run "x = = 1"
wait_for "an error" "unexpected symbol near '='"
run "x * 2; "
run ":save $dir/session.lua"
wait_for ":save reports" "^saved 8 cells to $dir/session.lua$"
run ":frob"
wait_for "unknown command" "^unknown command ':frob'"

# :run a cell script: each cell's values show as if typed.
printf -- '-- %%%%\nlocal y = 5\ny * 3\n-- %%%%\ny + x\n' > "$dir/cells.lua"
run ":run $dir/cells.lua"
wait_for ":run shows the first cell's value" '^15$'
wait_for ":run shows the second cell's value (the locals persist)" '^46$'
press C-d

# The saved session as a notebook: the same values.
"$P" notebook run "$dir/session.lua" -o "$dir/session.ipynb" 2>"$dir/run.err" && pass || fail "notebook run of the saved session: $(cat "$dir/run.err")"
/usr/bin/python3 - "$dir/session.ipynb" <<'PY' && pass || fail "the notebook reproduces the session's outputs"
import sys, nbformat
nb = nbformat.read(sys.argv[1], as_version=4)
nbformat.validate(nb)
sources = [c.source for c in nb.cells]
assert sources == ["local x = 41", "x + 1", "local function greet(who) return 'hello ' .. who end", "greet('notebook')",
                   "local t <const> = {x, x * 2}", "t[2] - 1", "print('printed', x)", "x * 2;"], sources
def shown(c):
    return [o.get("text") or o.data["text/plain"] for o in c.outputs]
assert [shown(c) for c in nb.cells] == [[], ["42"], [], ["hello notebook"], [], ["81"], ["printed\t41\n"], []], [shown(c) for c in nb.cells]
PY

# prunelab -i script.lua: the shell after the script sees its top-level locals.
printf '#!/usr/bin/env prunelab\nlocal secret = 7\nlocal function twice(v) return 2 * v end\nlocal n <const> = ...\n' > "$dir/script.lua"
out=$(printf 'twice(secret) * 3, n\n' | "$P" -i "$dir/script.lua" 5 2>&1)
case "$out" in *"> 42	5"*) pass ;; *) fail "-i keeps the script's top-level locals: $out" ;; esac
out=$(printf 'error("x")\n' > "$dir/bad.lua"; "$P" -i "$dir/bad.lua" </dev/null 2>&1)
case "$out" in *"bad.lua:1: x"*) pass ;; *) fail "-i reports the script's errors with its name and line: $out" ;; esac

echo "$name: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
