#!/usr/bin/env bash
# prunelab's Jupyter kernel against Python's jupyter_client (Debian python3-jupyter-client):
# kernel_info; execute with stream, result, error, figures (display_data whose PNG decodes) and
# tables (text/html); complete and inspect answering as the shell does; is_complete; io.read
# through input_request; interrupts (SIGINT and interrupt_request) stopping `while true do end`
# with variables kept, the heartbeat answering meanwhile; unsigned and wrongly signed
# messages dropped and logged; sockets on loopback only; shutdown; the installed kernelspec
# started, restarted (variables gone) and shut down by a KernelManager.
# Then `jupyter nbconvert --to notebook --execute` runs examples/notebooks/paper_quick.ipynb on
# the kernel installed into a temporary prefix, and nbformat validates the result.
# Usage: PRUNELAB=.build/release/prunelab bash suites/interop/jupyter_kernel.sh
set -uo pipefail
P=${PRUNELAB:?set PRUNELAB to the prunelab binary}
P=$(cd "$(dirname "$P")" && pwd)/$(basename "$P")
root=$(cd "$(dirname "$0")/../.." && pwd)
PY=/usr/bin/python3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export JUPYTER_RUNTIME_DIR="$dir/runtime" JUPYTER_CONFIG_DIR="$dir/config" JUPYTER_DATA_DIR="$dir/data" IPYTHONDIR="$dir/ipython"
export PRUNELAB_FIGURE_DIR="$dir"
status=0

"$PY" "$root/suites/interop/jupyter_kernel.py" "$P" || status=1

# Bad invocations and connection files: clear messages, no kernel.
"$P" kernel -f "$dir/missing.json" 2>"$dir/err"; [ $? -eq 1 ] && grep -q "missing.json" "$dir/err" || { echo "FAIL missing connection file: $(cat "$dir/err")"; status=1; }
echo '{"shell_port": 0, "key": "k"}' > "$dir/bad.json"
"$P" kernel -f "$dir/bad.json" 2>"$dir/err"; [ $? -eq 1 ] && grep -q "shell_port: expected a port number" "$dir/err" || { echo "FAIL bad port: $(cat "$dir/err")"; status=1; }
"$P" kernel install --bogus 2>"$dir/err"; [ $? -eq 2 ] && grep -q "expected --user or --prefix DIR, got --bogus" "$dir/err" || { echo "FAIL install usage: $(cat "$dir/err")"; status=1; }

# nbconvert --execute on the kernel installed into a temporary prefix.
"$P" kernel install --prefix "$dir/prefix" >/dev/null || { echo "FAIL kernel install"; exit 1; }
"$PY" - "$dir/prefix/share/jupyter/kernels/prunelab/kernel.json" "$P" <<'PY' || status=1
import json, os, sys
spec = json.load(open(sys.argv[1]))
ok = (spec["display_name"] == "prunelab (Lua 5.4)" and spec["language"] == "lua"
      and os.path.isabs(spec["argv"][0]) and os.path.realpath(spec["argv"][0]) == os.path.realpath(sys.argv[2])
      and spec["argv"][1:] == ["kernel", "-f", "{connection_file}"])
print("kernelspec:", "ok" if ok else "FAIL " + json.dumps(spec))
sys.exit(0 if ok else 1)
PY
export JUPYTER_PATH="$dir/prefix/share/jupyter"

# A KernelManager starts the installed kernel, restarts it (a fresh session) and shuts it down.
"$PY" - <<'PY' || status=1
from jupyter_client.manager import KernelManager
km = KernelManager(kernel_name="prunelab")
km.start_kernel()
kc = km.client()
kc.start_channels()
kc.wait_for_ready(timeout=60)
def value(code):
    out = []
    kc.execute_interactive(code, timeout=60, output_hook=lambda m: out.append(m["content"]["data"]["text/plain"]) if m["msg_type"] == "execute_result" else None)
    return out
before = value("kept = 'yes'\nkept")
km.restart_kernel(now=False)
kc.wait_for_ready(timeout=60)
after = value("tostring(kept)")
kc.stop_channels()
km.shutdown_kernel(now=False)
ok = before == ["yes"] and after == ["nil"] and not km.is_alive()
print("KernelManager start, restart, shutdown:", "ok" if ok else "FAIL %s %s alive=%s" % (before, after, km.is_alive()), flush=True)
import os
os._exit(0 if ok else 1)   # (skips jupyter_client's noisy destructors at interpreter exit)
PY
if ! jupyter nbconvert --to notebook --execute --ExecutePreprocessor.timeout=300 --ExecutePreprocessor.kernel_name=prunelab \
     --output-dir "$dir" --output executed.ipynb "$root/examples/notebooks/paper_quick.ipynb" >"$dir/nbconvert.log" 2>&1; then
  echo "FAIL jupyter nbconvert --execute paper_quick.ipynb"; cat "$dir/nbconvert.log"; status=1
fi
"$PY" - "$dir/executed.ipynb" <<'PY' || status=1
import sys, nbformat
nb = nbformat.read(sys.argv[1], as_version=4)
nbformat.validate(nb)
code = [c for c in nb.cells if c.cell_type == "code"]
problems = [i for i, c in enumerate(code) if not c.outputs or any(o.output_type == "error" for o in c.outputs)]
kinds = {o.output_type for c in code for o in c.outputs}
mimes = {m for c in code for o in c.outputs for m in o.get("data", {})}
ok = not problems and {"stream", "execute_result"} <= kinds and {"image/png", "text/html"} <= mimes
print("nbconvert --execute paper_quick.ipynb:", "ok" if ok else "FAIL cells without outputs or with errors: %s, kinds %s, mimes %s" % (problems, kinds, mimes))
sys.exit(0 if ok else 1)
PY
exit $status
