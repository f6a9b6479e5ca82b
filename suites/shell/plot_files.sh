#!/usr/bin/env bash
# plot's files from outside: the SVG parses (xmllint) and holds its text as <text>, the PDF
# opens (pdfinfo) and renders (pdftoppm) with the heatmap's colour where PNG has it, the same
# figure saved by two processes is byte-identical, fig:show() in a script without a graphics
# terminal saves a PNG and prints its path (PRUNELAB_IMAGES forces the escape sequences), and
# misuse in a script gives one clean error.
# Usage: PRUNELAB=.build/release/prunelab bash suites/shell/plot_files.sh
set -uo pipefail
P=${PRUNELAB:?set PRUNELAB to the prunelab binary}
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }
for tool in xmllint pdfinfo pdftoppm; do
  command -v $tool >/dev/null || { echo "plot_files: $tool is missing (scripts/setup installs libxml2-utils, poppler-utils)"; exit 1; }
done

script='
local dir = ...
local m = tensor.ones(1, 1) * 0.5
local f = plot.heatmap(m, {vmin = 0, vmax = 1, annotate = false, colorbar = false, rows = {"conv1"}, cols = {"90%"},
                           title = "Layer similarity", xlabel = "sparsity", ylabel = "layer"})
for _, e in ipairs({"png", "svg", "pdf"}) do f:save(dir .. "/h." .. e) end'
for run in a b; do
  mkdir -p "$dir/$run"
done
printf '%s\n' "$script" > "$dir/make.lua"
for run in a b; do "$P" "$dir/make.lua" "$dir/$run" || bad "make.lua $run"; done
for e in png svg pdf; do
  if cmp -s "$dir/a/h.$e" "$dir/b/h.$e"; then ok; else bad "two processes give different $e bytes"; fi
done

# SVG: well-formed, with the title, labels and tick labels as text.
if xmllint --noout "$dir/a/h.svg" 2>"$dir/err"; then ok; else bad "xmllint: $(cat "$dir/err")"; fi
texts=$(xmllint --xpath '//*[local-name()="text"]/text()' "$dir/a/h.svg" 2>/dev/null | tr '\n' '|')
for t in "Layer similarity" sparsity layer conv1 "90%"; do
  case "|$texts" in *"$t"*) ok ;; *) bad "svg text '$t' missing (texts: $texts)" ;; esac
done

# PDF: opens, one page of 6.4 × 4.8 in; renders; the cell has viridis(0.5) = entry 128 in both files.
info=$(pdfinfo "$dir/a/h.pdf" 2>&1)
grep -q "^Pages: *1$" <<<"$info" && ok || bad "pdfinfo: $info"
grep -q "^Page size: *460.8 x 345.6 pts" <<<"$info" && ok || bad "pdf page size: $info"
pdftoppm -png -r 100 -singlefile "$dir/a/h.pdf" "$dir/pdf" && ok || bad "pdftoppm failed"
/usr/bin/python3 - "$dir/a/h.png" "$dir/pdf.png" <<'PY' && ok || bad "heatmap pixel colour"
import sys
from PIL import Image
want = (33, 145, 140)   # viridis entry 128: (0.127568, 0.566949, 0.550556)
for path, tol in ((sys.argv[1], 1), (sys.argv[2], 3)):
    im = Image.open(path).convert("RGB")
    got = im.getpixel((im.width // 2, im.height // 2))
    if max(abs(a - b) for a, b in zip(got, want)) > tol:
        sys.exit(f"{path}: centre pixel {got}, expected {want}")
PY

# fig:show() in a script: no graphics terminal → a saved PNG and its path.
out=$(PRUNELAB_FIGURE_DIR="$dir" "$P" -e 'plot.bar(nil, {1, 2}):show()' 2>&1)
path=${out#figure saved to }
[[ "$out" == "figure saved to $dir/"*.png && -s "$path" ]] && ok || bad "show without a terminal: $out"
out=$(PRUNELAB_IMAGES=kitty "$P" -e 'plot.bar(nil, {1, 2}):show()' | head -c 20 | od -c | head -1)
[[ "$out" == *"033   _   G   a   =   T"* ]] && ok || bad "kitty escape: $out"
out=$(PRUNELAB_IMAGES=iterm "$P" -e 'plot.bar(nil, {1, 2}):show()' | head -c 12 | od -c | head -1)
[[ "$out" == *"033   ]   1   3   3   7   ;   F   i   l   e"* ]] && ok || bad "iTerm2 escape: $out"
out=$(PRUNELAB_IMAGES=sixel "$P" -e 'plot.bar(nil, {1, 2}):show()' | head -c 3 | od -c | head -1)
[[ "$out" == *"033   P   q"* ]] && ok || bad "sixel escape: $out"

# Misuse in a script: one clean error, exit status 1.
for code in 'plot.heatmap({})' 'plot.heatmap(tensor.ones(2,2), {colormap = "jet"})' \
            'plot.heatmap(tensor.ones(2,2), {rows = {"a"}})' 'plot.bar(nil, {1}):save("/nonexistent/x.png")' \
            'plot.heatmap(tensor.ones(2,2) * (0/0))' 'plot.bar(nil, {1}):save("x.bmp")'; do
  "$P" -e "$code" >"$dir/out" 2>"$dir/err"; status=$?
  first=$(head -1 "$dir/err")
  if [[ $status -eq 1 && "$first" == "prunelab: (command line):1: "* && ( "$first" == *"plot."* || "$first" == *"figure:save"* ) ]]; then ok
  else bad "misuse '$code': status $status, '$first'"; fi
done

echo "plot_files: $passed passed, $failed failed"
((failed == 0))
