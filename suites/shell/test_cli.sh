#!/usr/bin/env bash
# The command-line forms of prunelab, checked against known output and exit statuses.
# Usage: PRUNELAB=.build/release/prunelab bash suites/shell/test_cli.sh
set -uo pipefail
P=${PRUNELAB:?set PRUNELAB to the prunelab binary}
P=$(cd "$(dirname "$P")" && pwd)/$(basename "$P")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
passed=0 failed=0

# check NAME EXPECTED ACTUAL
check() {
  if [ "$2" == "$3" ]; then passed=$((passed + 1))
  else failed=$((failed + 1)); printf 'FAIL %s\n--- expected\n%s\n--- got\n%s\n' "$1" "$2" "$3"; fi
}
# contains NAME FRAGMENT TEXT
contains() {
  if [[ "$3" == *"$2"* ]]; then passed=$((passed + 1))
  else failed=$((failed + 1)); printf 'FAIL %s: %q not found in\n%s\n' "$1" "$2" "$3"; fi
}

cat > args.lua <<'LUA'
print("...", select("#", ...), ...)
print(arg[-1], arg[0], arg[1], arg[2], #arg)
LUA

check "script with arguments" \
  "$(printf '...\t2\tone\ttwo\n%s\targs.lua\tone\ttwo\t2' "$P")" "$("$P" args.lua one two)"
check "options before the script get negative indices" \
  "$(printf 'x=1 -e %s\n...\t1\tx\nx=1\targs.lua\tx\tnil\t1' "$P")" \
  "$(printf 'print(arg[-1], arg[-2], arg[-3])\n' > neg.lua; "$P" -e x=1 neg.lua | tr '\t' ' '; "$P" -e x=1 args.lua x)"
check "-e runs in order" "3" "$("$P" -e 'x = 1' -e 'x = x + 2' -e 'print(x)')"
check "-e attached" "ok" "$("$P" "-eprint('ok')")"
check "-l requires into a global" "$(printf 'table\ntable')" \
  "$(printf 'return {answer = 42}' > mymod.lua; "$P" -l mymod -e 'print(type(mymod))' -l m=mymod -e 'print(type(m)); assert(m.answer == 42)')"
kernels=$("$P" -e 'io.write(sys.blas().core)')
check "-v" "prunelab 0.1.0 (Lua 5.4, OpenBLAS $kernels kernels)" "$("$P" -v)"
contains "--help lists options and subcommands" "-e code" "$("$P" --help)"
contains "--help lists options and subcommands" "  help " "$("$P" -h)"
contains "--help lists options and subcommands" "show the usage of prunelab" "$("$P" -h)"
check "-- stops options" "$(printf '...\t1\t-v\n--\targs.lua\t-v\tnil\t1')" "$("$P" -- args.lua -v)"
check "- runs stdin with arguments" "$(printf 'stdin\t-\ta\tb')" "$(echo 'print("stdin", arg[0], ...)' | "$P" - a b)"
check "no arguments and piped stdin runs it as a script" "$(printf 'piped\t2')" "$(echo 'print("piped", 1 + 1)' | "$P")"
check "a #! first line is skipped" "shebang" "$(printf '#!/usr/bin/env prunelab\nprint("shebang")\n' > sb.lua; "$P" sb.lua)"

# -i with piped input: the shell reads stdin, prompts on stdout (as lua does without readline).
out=$(printf 'x = 20\nfunction f(a)\n  return a + x\nend\nf(22)\n{1, 2, k = "v"}\nerror("bad")\nx\n' | "$P" -i -e 'y = 1' 2>&1)
check "-i with piped input" "$(cat <<TXT
prunelab 0.1.0 (Lua 5.4, OpenBLAS $kernels kernels) · help() for help, ?x documents x, Ctrl-D exits
> > >> >> > 42
> {1, 2, k = "v"}
> stdin:1: bad
stack traceback:
	[C]: in function 'error'
	stdin:1: in main chunk
> 20
> 
TXT
)" "$out"

# Errors: message and traceback on stderr, exit status 1.
printf 'local function inner() error("deep failure") end\ninner()\n' > fails.lua
err=$("$P" fails.lua 2>&1 >/dev/null); status=$?
check "runtime error exits 1" 1 "$status"
contains "runtime error message" "prunelab: fails.lua:1: deep failure" "$err"
contains "runtime error traceback" "stack traceback:" "$err"
contains "traceback names the function" "in local 'inner'" "$err"
out=$("$P" -e 'print(' 2>&1); status=$?
check "syntax error exits 1" 1 "$status"
check "syntax error message" "prunelab: (command line):1: unexpected symbol near <eof>" "$out"
out=$("$P" missing.lua 2>&1); status=$?
check "missing script exits 1" 1 "$status"
check "missing script message" "prunelab: cannot open missing.lua: No such file or directory" "$out"
out=$("$P" -e 'print("before")' -e 'error("stop")' -e 'print("never")' 2>/dev/null); status=$?
check "an -e error stops the rest" "before 1" "$out $status"
out=$("$P" -x 2>&1); status=$?
check "unknown option exits 1" 1 "$status"
check "unknown option message" "prunelab: unrecognized option '-x'" "$(echo "$out" | head -1)"
contains "unknown option shows usage" "usage: prunelab [options] [script [args]]" "$out"
out=$("$P" -e 2>&1); status=$?
check "-e without code" "1 prunelab: '-e' needs argument" "$status $(echo "$out" | head -1)"
check "a script that calls os.exit keeps its status" 3 "$("$P" -e 'os.exit(3)'; echo $?)"

# Subcommands take precedence over a script file of the same name.
printf 'print("the file ran")\n' > help
out=$("$P" help); status=$?
check "help subcommand exits 0" 0 "$status"
contains "help subcommand, not the file" "Subcommands (prunelab help <subcommand> for its usage):" "$out"
check "help of a subcommand" "usage: prunelab help [subcommand]" "$("$P" help help | head -1)"
check "--help of a subcommand" "usage: prunelab help [subcommand]" "$("$P" help --help | head -1)"
out=$("$P" help nope 2>&1); status=$?
check "help of an unknown subcommand" "1 prunelab help: no subcommand 'nope'" "$status $(echo "$out" | head -1)"
check "a file named like a subcommand runs with ./" "the file ran" "$("$P" ./help)"

echo "test_cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
