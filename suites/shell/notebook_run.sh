#!/usr/bin/env bash
# `prunelab notebook run|convert`: the example cell scripts become .ipynb files that nbformat
# validates (with the outputs the cells produce: printed text, values, a figure, a table) and
# self-contained HTML with its images inline; a failing cell shows its traceback and stops the
# run (or not, with --continue-on-error); .ipynb → .lua → .ipynb keeps the cells; a cell script
# still runs as a plain script.
# Usage: PRUNELAB=.build/release/prunelab bash suites/shell/notebook_run.sh
set -uo pipefail
P=${PRUNELAB:?set PRUNELAB to the prunelab binary}
P=$(cd "$(dirname "$P")" && pwd)/$(basename "$P")
root=$(cd "$(dirname "$0")/../.." && pwd)
PY=/usr/bin/python3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); printf 'FAIL %s\n' "$*"; }
export PRUNELAB_FIGURE_DIR="$dir"

# 1. The examples, to .ipynb (validated), .html and .md.
for script in "$root"/examples/notebooks/*.lua; do
  name=$(basename "$script" .lua)
  if "$P" notebook run "$script" -o "$dir/$name.ipynb" 2>"$dir/$name.err"; then ok; else bad "notebook run $name"; cat "$dir/$name.err"; fi
  # (the run's outputs carried over by convert, which runs nothing; similarity.lua also runs straight to HTML)
  "$P" notebook convert "$dir/$name.ipynb" -o "$dir/$name.html" && ok || bad "notebook convert $name to HTML"
  "$P" notebook convert "$dir/$name.ipynb" -o "$dir/$name.md" && ok || bad "notebook convert $name to Markdown"
  "$PY" - "$dir/$name.ipynb" <<'PY' && ok || bad "$name.ipynb: nbformat validation and outputs"
import sys, nbformat
nb = nbformat.read(sys.argv[1], as_version=4)
nbformat.validate(nb)
assert nb.metadata.kernelspec.name == "prunelab" and nb.metadata.language_info.name == "lua"
code = [c for c in nb.cells if c.cell_type == "code"]
assert code and all(c.execution_count == i + 1 for i, c in enumerate(code)), [c.execution_count for c in code]
assert all(c.outputs for c in code), "a code cell without outputs"
assert not any(o.output_type == "error" for c in code for o in c.outputs)
mimes = {m for c in code for o in c.outputs for m in o.get("data", {})}
assert {"image/png", "image/svg+xml", "text/html", "text/markdown"} <= mimes, mimes
PY
  grep -q 'src="data:image/png;base64,iVBORw0KGgo' "$dir/$name.html" && ok || bad "$name.html: the figure inline as a PNG data URI"
  grep -qE '(src|href)="(https?:)?//' "$dir/$name.html" && bad "$name.html: refers to an outside resource" || ok
  grep -q '<table class="prunelab-table">' "$dir/$name.html" && ok || bad "$name.html: the table as HTML"
  grep -q '](data:image/png;base64,' "$dir/$name.md" && ok || bad "$name.md: the figure as a data URI"
done

"$P" notebook run "$root/examples/notebooks/similarity.lua" -o "$dir/direct.html" 2>/dev/null && ok || bad "notebook run to HTML"
grep -q 'src="data:image/png;base64,iVBORw0KGgo' "$dir/direct.html" && ok || bad "direct.html: the figure inline"

# 2. What a known cell gives: print, the last expression, a silenced one, a kept local.
cat > "$dir/known.lua" <<'LUA'
-- %% [markdown]
-- # Known <answers> & more
-- %%
local x = 41
print("a", 1)
io.write("b")
x + 1
-- %%
x * 2;
-- %%
io.stderr:write("to stderr\n")
x, "s"
LUA
"$P" notebook run "$dir/known.lua" -o "$dir/known.ipynb" && ok || bad "known.lua runs"
"$PY" - "$dir/known.ipynb" <<'PY' && ok || bad "known.ipynb outputs"
import sys, nbformat
nb = nbformat.read(sys.argv[1], as_version=4)
nbformat.validate(nb)
md, c1, c2, c3 = nb.cells
assert md.cell_type == "markdown" and md.source == "# Known <answers> & more", md.source
o = c1.outputs
assert [x.output_type for x in o] == ["stream", "execute_result"], o
assert o[0].name == "stdout" and o[0].text == "a\t1\nb" and o[1].data["text/plain"] == "42" and o[1].execution_count == 1, o
assert c2.outputs == [], c2.outputs
assert [(x.output_type, x.get("name")) for x in c3.outputs] == [("stream", "stderr"), ("execute_result", None)], c3.outputs
assert c3.outputs[0].text == "to stderr\n" and c3.outputs[1].data["text/plain"] == "41\ts", c3.outputs
PY

# 3. A failing cell: its traceback, the run stops (exit 1), or goes on with --continue-on-error.
cat > "$dir/fails.lua" <<'LUA'
-- %%
local function inner() error("boom <here>") end
local function outer() inner() end
-- %%
outer()
-- %%
after = true
"after ran"
LUA
"$P" notebook run "$dir/fails.lua" -o "$dir/fails.ipynb" 2>"$dir/fails.err"
[ $? -eq 1 ] && ok || bad "a failing cell makes the exit status 1"
grep -q "1 cell failed" "$dir/fails.err" && ok || bad "the failure is reported on stderr"
"$PY" - "$dir/fails.ipynb" stop <<'PY' && ok || bad "fails.ipynb: traceback and stop"
import sys, nbformat
nb = nbformat.read(sys.argv[1], as_version=4)
nbformat.validate(nb)
err = nb.cells[1].outputs[-1]
assert err.output_type == "error" and err.ename == "LuaError" and err.evalue == "In[1]:1: boom <here>", err
tb = "\n".join(err.traceback)
assert "stack traceback:" in tb and "inner" in tb and "outer" in tb, tb
if sys.argv[2] == "stop":
    assert nb.cells[2].outputs == [] and nb.cells[2].execution_count is None
else:
    assert nb.cells[2].outputs[0].data["text/plain"] == "after ran" and nb.cells[2].execution_count == 3
PY
"$P" notebook run "$dir/fails.lua" -o "$dir/fails2.ipynb" --continue-on-error 2>/dev/null
[ $? -eq 1 ] && ok || bad "--continue-on-error still exits 1"
"$PY" - "$dir/fails2.ipynb" continue <<'PY' && ok || bad "--continue-on-error runs the later cells"
import sys, nbformat
nb = nbformat.read(sys.argv[1], as_version=4)
assert nb.cells[2].outputs[0].data["text/plain"] == "after ran" and nb.cells[2].execution_count == 3
PY
"$P" notebook run "$dir/fails.lua" -o "$dir/fails.html" 2>/dev/null
grep -q 'boom &lt;here&gt;' "$dir/fails.html" && grep -q 'stack traceback:' "$dir/fails.html" && ok || bad "the HTML shows the escaped traceback"

# 4. convert: .ipynb → .lua → .ipynb keeps the cells; the script still runs as a script.
"$P" notebook convert "$dir/known.ipynb" -o "$dir/back.lua" && ok || bad "convert to .lua"
cmp -s <(sed -n '1,$p' "$dir/back.lua") <(printf -- '-- %%%% [markdown]\n-- # Known <answers> & more\n\n-- %%%%\nlocal x = 41\nprint("a", 1)\nio.write("b")\nx + 1\n\n-- %%%%\nx * 2;\n\n-- %%%%\nio.stderr:write("to stderr\\n")\nx, "s"\n') \
  && ok || { bad "the converted script"; cat "$dir/back.lua"; }
"$P" notebook convert "$dir/back.lua" -o "$dir/back.ipynb" && ok || bad "convert back to .ipynb"
"$PY" - "$dir/known.ipynb" "$dir/back.ipynb" <<'PY' && ok || bad "round trip keeps sources"
import sys, nbformat
a, b = (nbformat.read(p, as_version=4) for p in sys.argv[1:])
nbformat.validate(b)
assert [(c.cell_type, c.source) for c in a.cells] == [(c.cell_type, c.source) for c in b.cells]
PY
for script in "$root"/examples/notebooks/*.lua; do
  out=$("$P" "$script" 2>&1) && ok || bad "a cell script runs as a plain script: $out"
done

# 5. Usage errors.
"$P" notebook run "$dir/known.lua" -o "$dir/x.txt" 2>"$dir/usage.err"; [ $? -eq 2 ] && grep -q "expected a name ending in .ipynb" "$dir/usage.err" && ok || bad "bad output extension"
"$P" notebook frob 2>/dev/null; [ $? -eq 2 ] && ok || bad "unknown verb"
"$P" notebook run "$dir/missing.lua" -o "$dir/m.ipynb" 2>"$dir/missing.err"; [ $? -eq 1 ] && grep -q "missing.lua" "$dir/missing.err" && ok || bad "missing input"

echo "notebook_run: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
