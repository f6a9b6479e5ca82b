#!/usr/bin/env bash
# prunelab's report tables and json module read back by Python: CSV through the csv module, JSON
# through json.loads (values equal, integers as int, NaN as null, keys in column order),
# Markdown with one cell per column on every row, LaTeX with booktabs rules; and JSON written
# by Python decoded by json.decode.
# Usage: PRUNELAB=.build/release/prunelab bash suites/interop/report_python.sh
set -uo pipefail
P=${PRUNELAB:?set PRUNELAB to the prunelab binary}
P=$(cd "$(dirname "$P")" && pwd)/$(basename "$P")
PY=/usr/bin/python3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"

# 1. prunelab writes a table in every format, and the values it holds (%.17g, exact) to values.txt.
cat > make.lua <<'LUA'
local rows = {}
local names = {"conv1", "bn|1", "relu, \"1\"", "fc_2 ✓", "x\ny"}
for i = 1, 5 do
  rows[i] = {layer = names[i], value = (i == 3) and 0 / 0 or math.sin(i) / i ^ 7, epochs = i * 1000000007, kept = i % 2 == 0}
end
rows[2].value = 1e-300
local t = report.table(rows, {columns = {"layer", "value", "epochs", "kept"}, title = "Tab & 100%"})
for _, ext in ipairs({"csv", "json", "md", "tex", "txt"}) do t:save("t." .. ext) end
local f = assert(io.open("values.txt", "w"))
for i = 1, #t do
  local r = t[i]
  f:write(string.format("%s\t%.17g\t%d\t%s\n", (r.layer:gsub("\n", "\\n")), r.value, r.epochs, tostring(r.kept)))
end
f:close()
io.open("nested.json", "w"):write(json.encode({a = {1, 2.5, "é\"\\\n"}, b = {c = json.null, d = {}}, e = -0.0, f = math.maxinteger}))
LUA
"$P" make.lua || { echo "FAIL: prunelab could not write the tables"; exit 1; }

# 2. Python reads them back.
"$PY" - <<'PY' || exit 1
import csv, json, math, re, sys
expected = []
for line in open("values.txt", encoding="utf-8"):
    layer, value, epochs, kept = line.rstrip("\n").split("\t")
    expected.append((layer.replace("\\n", "\n"), float(value), int(epochs), kept == "true"))
fail = []
def same(a, b):
    return (math.isnan(a) and math.isnan(b)) or a == b

with open("t.csv", newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f))
if rows[0] != ["layer", "value", "epochs", "kept"]: fail.append("csv header %r" % rows[0])
if len(rows) != 1 + len(expected): fail.append("csv has %d rows" % len(rows))
for got, want in zip(rows[1:], expected):
    if got[0] != want[0] or not same(float(got[1]), want[1]) or int(got[2]) != want[2] or got[3] != str(want[3]).lower():
        fail.append("csv row %r != %r" % (got, want))

records = json.load(open("t.json", encoding="utf-8"))
for got, want in zip(records, expected):
    if list(got) != ["layer", "value", "epochs", "kept"]: fail.append("json keys %r" % list(got))
    v = float("nan") if got["value"] is None else got["value"]
    if got["layer"] != want[0] or not same(v, want[1]) or got["epochs"] != want[2] or type(got["epochs"]) is not int or got["kept"] is not want[3]:
        fail.append("json record %r != %r" % (got, want))
if len(records) != len(expected): fail.append("json has %d records" % len(records))

md = open("t.md", encoding="utf-8").read().splitlines()
table = [l for l in md if l.startswith("|")]
def cells(line):
    return len(re.findall(r"(?<!\\)\|", line)) - 1
if len(table) != 2 + len(expected): fail.append("markdown has %d table lines" % len(table))
for l in table:
    if cells(l) != 4: fail.append("markdown row with %d cells: %r" % (cells(l), l))

tex = open("t.tex", encoding="utf-8").read()
for rule in ("\\toprule", "\\midrule", "\\bottomrule", "\\caption{Tab \\& 100\\%}", "fc\\_2 ✓", "bn|1"):
    if rule not in tex: fail.append("latex lacks %r" % rule)
body = tex.split("\\midrule\n")[1].split("\\bottomrule")[0].strip().split("\n")
if len(body) != len(expected) or any(l.count(" & ") != 3 for l in body): fail.append("latex body %r" % body)

nested = json.load(open("nested.json", encoding="utf-8"))
want = {"a": [1, 2.5, "é\"\\\n"], "b": {"c": None, "d": []}, "e": -0.0, "f": 2**63 - 1}
if nested != want or math.copysign(1, nested["e"]) != -1 or type(nested["a"][0]) is not int:
    fail.append("json.encode %r" % nested)

# 3. Python writes JSON for json.decode.
json.dump({"s": "tab\t☃ 😀", "n": [0, -7, 2**62, 0.1, 1e-320, None, True], "o": {"k": {}}}, open("py.json", "w"), ensure_ascii=True)
if fail:
    print("FAIL:\n  " + "\n  ".join(fail)); sys.exit(1)
PY

cat > read.lua <<'LUA'
local v = json.decode(io.open("py.json"):read("a"))
assert(v.s == "tab\t☃ 😀", v.s)
assert(math.type(v.n[3]) == "integer" and v.n[3] == 2^62 // 1, "2^62 stays an integer")
assert(math.type(v.n[4]) == "float" and v.n[4] == 0.1)
assert(v.n[5] == 1e-320 and v.n[6] == json.null and v.n[7] == true and #v.n == 7)
assert(next(v.o.k) == nil)
print("ok")
LUA
out=$("$P" read.lua 2>&1)
[ "$out" = "ok" ] || { echo "FAIL: json.decode of Python's JSON: $out"; exit 1; }
echo "report_python: ok"
