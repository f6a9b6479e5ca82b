"""Drives `prunelab kernel` with jupyter_client (messaging protocol 5.3) and checks its answers.

Usage: /usr/bin/python3 suites/interop/jupyter_kernel.py PRUNELAB_BINARY
Prints one line per failed check and "jupyter_kernel: N passed, M failed"; exits 1 on failure.
"""
import base64, io, os, signal, subprocess, sys, tempfile, time, uuid

import zmq
from jupyter_client import BlockingKernelClient
from jupyter_client.connect import write_connection_file
from jupyter_client.session import Session

P = sys.argv[1]
passed = failed = 0


def check(condition, what, detail=""):
    global passed, failed
    if condition:
        passed += 1
    else:
        failed += 1
        print("FAIL", what, detail)


tmp = tempfile.mkdtemp()
key = uuid.uuid4().hex.encode()
cf, cfg = write_connection_file(os.path.join(tmp, "kernel.json"), ip="127.0.0.1", key=key)
log_path = os.path.join(tmp, "kernel.log")
log = open(log_path, "w")
kernel = subprocess.Popen([P, "kernel", "-f", cf], stdout=log, stderr=log)

client = BlockingKernelClient(connection_file=cf)
client.load_connection_file()
client.start_channels()
try:
    client.wait_for_ready(timeout=60)
except RuntimeError as e:
    print("FAIL the kernel never became ready:", e)
    print(open(log_path).read())
    sys.exit(1)


def run(code, timeout=60, **kw):
    """Executes code; returns (reply content, [(msg_type, content)] of IOPub outputs)."""
    outputs = []
    reply = client.execute_interactive(code, timeout=timeout, output_hook=lambda m: outputs.append((m["msg_type"], m["content"])), **kw)
    return reply["content"], [o for o in outputs if o[0] in ("stream", "execute_result", "display_data", "error")]


# kernel_info
info = client.kernel_info(reply=True, timeout=10)["content"]
check(info["status"] == "ok" and info["protocol_version"] == "5.3", "kernel_info protocol", info)
check(info["language_info"]["name"] == "lua" and info["language_info"]["file_extension"] == ".lua", "kernel_info language", info)
check(info["implementation"] == "prunelab", "kernel_info implementation", info)

# execute: stream, result (a top-level local persists), silence, error
reply, out = run("local x = 41\nprint('hello', 1)\nx + 1")
check(reply["status"] == "ok", "execute status", reply)
check(("stream", {"name": "stdout", "text": "hello\t1\n"}) in out, "stream output", out)
results = [c for t, c in out if t == "execute_result"]
check(len(results) == 1 and results[0]["data"]["text/plain"] == "42" and results[0]["execution_count"] == reply["execution_count"],
      "execute_result 42", out)
reply, out = run("x + 1;")
check(reply["status"] == "ok" and out == [], "a trailing ; shows nothing", out)
reply, out = run("io.write('a', 2)\nio.stderr:write('warn\\n')")
check(("stream", {"name": "stdout", "text": "a2"}) in out and ("stream", {"name": "stderr", "text": "warn\n"}) in out, "io.write and io.stderr", out)
reply, out = run("local function f() error('boom') end\nf()")
check(reply["status"] == "error" and reply["ename"] == "LuaError" and "boom" in reply["evalue"], "error reply", reply)
errors = [c for t, c in out if t == "error"]
check(len(errors) == 1 and any("stack traceback:" in l for l in errors[0]["traceback"]) and any("in function 'f'" in l or "in local 'f'" in l or "f" in l for l in errors[0]["traceback"][2:]),
      "error message with traceback", errors)
reply, out = run("x")
check([c["data"]["text/plain"] for t, c in out if t == "execute_result"] == ["41"], "variables survive an error", out)

# a figure as display_data (fig:show()) and as the result; a table as HTML
reply, out = run("fig = plot.bar({'a', 'b', 'c'}, {1, 3, 2}, {title = 'bars'})\nfig:show();")
shown = [c for t, c in out if t == "display_data"]
check(reply["status"] == "ok" and len(shown) == 1, "fig:show() gives one display_data", (reply, [t for t, _ in out]))
if shown:
    from PIL import Image
    png = base64.b64decode(shown[0]["data"]["image/png"])
    image = Image.open(io.BytesIO(png))
    image.load()
    check(image.format == "PNG" and image.size[0] > 100 and image.size[1] > 100, "the PNG decodes", (image.format, image.size))
    check(shown[0]["data"]["image/svg+xml"].lstrip().startswith("<") and "<svg" in shown[0]["data"]["image/svg+xml"], "SVG alongside", "")
reply, out = run("fig")
results = [c for t, c in out if t == "execute_result"]
check(len(results) == 1 and "image/png" in results[0]["data"], "a figure as the cell's value", out)
reply, out = run("report.table({{layer = 'conv1', value = 0.5}, {layer = 'fc<1>', value = 0.25}})")
results = [c for t, c in out if t == "execute_result"]
check(len(results) == 1 and "<table" in results[0]["data"].get("text/html", "") and "fc&lt;1&gt;" in results[0]["data"]["text/html"]
      and "| layer" in results[0]["data"].get("text/markdown", ""), "a table as text/html and text/markdown", results)

# complete and inspect: the shell's answers
content = client.complete("x = tensor.ze", 13, reply=True, timeout=10)["content"]
check(content["status"] == "ok" and "tensor.zeros" in content["matches"] and all(m.startswith("tensor.ze") for m in content["matches"])
      and content["cursor_start"] == 4 and content["cursor_end"] == 13, "complete tensor.ze", content)
content = client.complete("fig:sa", 6, reply=True, timeout=10)["content"]
check(content["matches"] == ["fig:save"], "complete a method", content)
shell_help = subprocess.run([P, "-e", "help(tensor.zeros)"], capture_output=True, text=True).stdout.rstrip("\n")
content = client.inspect("tensor.zeros(", 13, reply=True, timeout=10)["content"]
check(content["found"] and content["data"]["text/plain"].rstrip("\n") == shell_help and "tensor.zeros" in shell_help, "inspect = ?x", (content, shell_help))
content = client.inspect("nosuchname", 3, reply=True, timeout=10)["content"]
check(content["status"] == "ok" and not content["found"], "inspect of nothing", content)
for code, state in [("x = 1", "complete"), ("function f()", "incomplete"), ("x = = 1", "invalid"), ("local t = {", "incomplete")]:
    msg_id = client.is_complete(code)
    reply = client.get_shell_msg(timeout=10)
    content = reply["content"] if reply["parent_header"]["msg_id"] == msg_id else {}
    check(content["status"] == state, "is_complete " + code, content)

# input_request for io.read
msg_id = client.execute("answer = io.read()\nanswer .. '!'", allow_stdin=True)
request = client.get_stdin_msg(timeout=10)
check(request["msg_type"] == "input_request", "input_request", request)
client.input("typed")
reply = client.get_shell_msg(timeout=10)
results = []
while True:
    m = client.get_iopub_msg(timeout=10)
    if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "execute_result":
        results.append(m["content"]["data"]["text/plain"])
    if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
        break
check(reply["content"]["status"] == "ok" and results == ["typed!"], "io.read gets the input", (reply["content"], results))


def heartbeat_answers():
    context = zmq.Context.instance()
    s = context.socket(zmq.REQ)
    s.linger = 0
    s.connect("tcp://127.0.0.1:%d" % cfg["hb_port"])
    s.send(b"ping")
    ok = s.poll(3000) and s.recv() == b"ping"
    s.close()
    return bool(ok)


def drain_iopub():
    while True:
        try:
            client.get_iopub_msg(timeout=0.2)
        except Exception:
            return


# interrupt: SIGINT, then interrupt_request on control; the heartbeat answers while a cell runs
for how in ("SIGINT", "interrupt_request"):
    drain_iopub()
    msg_id = client.execute("while true do end")
    time.sleep(1.0)
    check(heartbeat_answers(), "heartbeat while a cell runs (" + how + ")")
    if how == "SIGINT":
        kernel.send_signal(signal.SIGINT)
    else:
        client.control_channel.send(client.session.msg("interrupt_request", {}))
        control = client.get_control_msg(timeout=10)
        check(control["msg_type"] == "interrupt_reply" and control["content"]["status"] == "ok", "interrupt_reply", control)
    reply = client.get_shell_msg(timeout=10)
    check(reply["parent_header"]["msg_id"] == msg_id and reply["content"]["status"] == "error"
          and "interrupted!" in reply["content"]["evalue"], "interrupted by " + how, reply["content"])
    drain_iopub()
    reply, out = run("x")
    check([c["data"]["text/plain"] for t, c in out if t == "execute_result"] == ["41"], "variables survive the interrupt (" + how + ")", out)

# unsigned and wrongly signed messages are dropped (and logged), never executed
context = zmq.Context.instance()
raw = context.socket(zmq.DEALER)
raw.linger = 0
raw.connect("tcp://127.0.0.1:%d" % cfg["shell_port"])
unsigned = Session(key=b"", username="test")
wrong = Session(key=b"not-the-key", username="test")
for session, name in ((unsigned, "unsigned_ran"), (wrong, "wrongly_signed_ran")):
    session.send(raw, "execute_request", {"code": name + " = true", "silent": False, "store_history": True,
                                          "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
check(raw.poll(1500) == 0, "no reply to unsigned or wrongly signed messages")
raw.close()
reply, out = run("tostring(unsigned_ran) .. ' ' .. tostring(wrongly_signed_ran)")
check([c["data"]["text/plain"] for t, c in out if t == "execute_result"] == ["nil nil"], "dropped messages never ran", out)
log.flush()
logged = open(log_path).read()
check(logged.count("dropped a message on the shell socket: missing or wrong HMAC signature") == 2, "both drops logged", logged)

# sockets bound only to the connection file's address (loopback)
listening = {}
for table in ("/proc/net/tcp", "/proc/net/tcp6"):
    try:
        lines = open(table).read().splitlines()[1:]
    except OSError:
        continue
    for line in lines:
        fields = line.split()
        address, port = fields[1].split(":")
        if fields[3] == "0A":
            listening.setdefault(int(port, 16), []).append(address)
ports = [cfg[c + "_port"] for c in ("shell", "iopub", "stdin", "control", "hb")]
check(all(listening.get(p) == ["0100007F"] for p in ports), "every socket listens on 127.0.0.1 only", {p: listening.get(p) for p in ports})

# shutdown
client.shutdown()
try:
    status = kernel.wait(timeout=15)
except subprocess.TimeoutExpired:
    kernel.kill()
    status = "timeout"
check(status == 0, "shutdown ends the kernel with status 0", status)
client.stop_channels()
if failed:
    print("--- kernel log\n" + open(log_path).read())
print("jupyter_kernel: %d passed, %d failed" % (passed, failed), flush=True)
os._exit(1 if failed else 0)   # (skips jupyter_client's noisy destructors at interpreter exit)
