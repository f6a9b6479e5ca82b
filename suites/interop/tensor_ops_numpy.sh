#!/usr/bin/env bash
# Known answers from NumPy for the tensor operations of issue 21: cat, stack, sort, topk, where,
# mask indexing and assignment, norm, softmax, log_softmax, cumsum, quantile, histc, histogram,
# svd and eigh. NumPy writes random and edge inputs (float32 and float64; ties, NaN-free) to
# in.npz; prunelab computes each operation on the inputs and on strided views of them (a
# transpose, a stepped slice) and writes out.npz; NumPy recomputes each and compares, to 1e-6
# for float32 results and 1e-12 for float64 (relative to max(1, |reference|)). Indices are
# 1-based in prunelab and compared with NumPy's + 1.
# Usage: PRUNELAB=.build/release/prunelab bash suites/interop/tensor_ops_numpy.sh
set -uo pipefail
P=${PRUNELAB:?set PRUNELAB to the prunelab binary}
P=$(cd "$(dirname "$P")" && pwd)/$(basename "$P")
PY=/usr/bin/python3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"

"$PY" - <<'PY' || { echo "FAIL: numpy could not write the inputs"; exit 1; }
import numpy as np
rng = np.random.default_rng(21)
a = {}
for t, dt in (("f32", np.float32), ("f64", np.float64)):
    a[t + "_x"] = rng.standard_normal((5, 6)).astype(dt)
    a[t + "_y"] = rng.standard_normal((3, 6)).astype(dt)
    a[t + "_ties"] = rng.integers(0, 3, (4, 7)).astype(dt)          # many equal values
    a[t + "_big"] = (rng.standard_normal((3, 5)) * 300).astype(dt)   # softmax overflow without the shift
    a[t + "_sym"] = (lambda m: (m + m.T) / 2)(rng.standard_normal((5, 5))).astype(dt)
    a[t + "_empty"] = np.zeros((0, 4), dt)
    a[t + "_cond"] = (rng.random((5, 6)) < 0.4).astype(dt)
np.savez("in.npz", **a)
PY

"$P" -e '
local out = {}
local function put(name, t) out[name] = t end
for _, dt in ipairs{"f32", "f64"} do
  local function get(k) return tensor.load("in.npz", dt .. "_" .. k) end
  local x, y, ties, big, sym, empty, cond = get("x"), get("y"), get("ties"), get("big"), get("sym"), get("empty"), get("cond")
  local xt = x:t()                        -- a transposed view (6×5)
  local xs = x:slice(2, 1, 6, 2)          -- a stepped view (5×3)
  local p = dt .. "_"
  put(p .. "cat1", tensor.cat({x, y}, 1)); put(p .. "cat2", tensor.cat({xt, xt}, -1))
  put(p .. "cat_empty", tensor.cat({empty, x:narrow(2, 1, 4)}, 1))
  put(p .. "stack1", tensor.stack({x, x * 2}, 1)); put(p .. "stack3", tensor.stack({xs, xs}, 3))
  for _, src in ipairs{{"x", x}, {"xt", xt}, {"ties", ties}} do
    local name, s = src[1], src[2]
    local v, i = s:sort(2); put(p .. "sort_" .. name, v); put(p .. "sorti_" .. name, i)
    v, i = s:sort(1, true); put(p .. "sortd_" .. name, v); put(p .. "sortdi_" .. name, i)
    v, i = s:topk(3); put(p .. "topk_" .. name, v); put(p .. "topki_" .. name, i)
    v, i = s:topk(2, 1, {largest = false}); put(p .. "bottomk_" .. name, v); put(p .. "bottomki_" .. name, i)
  end
  put(p .. "where", tensor.where(cond, x, y:narrow(1, 1, 1)))
  put(p .. "where_num", tensor.where(cond:t(), 0, xt))
  put(p .. "masked", x[cond]); put(p .. "masked_t", xt[cond:t()])
  local m = x:clone(); m[m:lt(0)] = 0; put(p .. "assign0", m)
  local mt = x:clone(); local view = mt:t(); view[cond:t()] = tensor.arange(1, cond:sum() + 1):double(); put(p .. "assignv", mt)
  out[p .. "norms"] = tensor.from({x:norm(), x:norm(1), x:norm(math.huge), x:norm("fro"), x:norm(3), x:norm(0), xs:norm(), empty:norm()}, {dtype = "float64"})
  put(p .. "norm2_dim1", x:norm(2, 1)); put(p .. "norm1_dim2", xt:norm(1, 2)); put(p .. "norminf_dim2", xs:norm(math.huge, 2))
  put(p .. "softmax", big:softmax(2)); put(p .. "softmax_t", xt:softmax(1)); put(p .. "log_softmax", big:log_softmax(2))
  put(p .. "log_softmax_t", xs:log_softmax(1)); put(p .. "softmax_empty", empty:softmax(1))
  put(p .. "cumsum1", x:cumsum(1)); put(p .. "cumsum_t", xt:cumsum(2)); put(p .. "cumsum_empty", empty:cumsum(1))
  out[p .. "quant_all"] = tensor.from({x:quantile(0), x:quantile(0.3), x:quantile(0.5), x:quantile(1), ties:quantile(0.37)}, {dtype = "float64"})
  put(p .. "quant_many", x:quantile({0.1, 0.25, 0.9}, 2)); put(p .. "quant_t", xt:quantile(0.7, 1))
  put(p .. "quant_keep", xs:quantile(0.5, 2, {keepdim = true}))
  put(p .. "histc", x:histc(7)); put(p .. "histc_range", xt:histc(4, -1, 1))
  local c, e = tensor.histogram(x, 7); put(p .. "hist_counts", c); put(p .. "hist_edges", e)
  c, e = tensor.histogram(xs, 5, {range = {-1, 2}}); put(p .. "hist_rcounts", c); put(p .. "hist_redges", e)
  c, e = tensor.histogram(empty, 3); put(p .. "hist_ecounts", c); put(p .. "hist_eedges", e)
  local u, s, vh = tensor.svd(x); put(p .. "svd_u", u); put(p .. "svd_s", s); put(p .. "svd_vh", vh)
  u, s, vh = tensor.svd(xt); put(p .. "svdt_u", u); put(p .. "svdt_s", s); put(p .. "svdt_vh", vh)
  local w, v = tensor.eigh(sym); put(p .. "eigh_w", w); put(p .. "eigh_v", v)
end
tensor.save("out.npz", out)
' || { echo "FAIL: prunelab could not compute the operations"; exit 1; }

"$PY" - <<'PY'
import numpy as np, sys
a = np.load("in.npz"); o = np.load("out.npz")
fails = []; checked = 0
def cmp(name, got, want, exact=False):
    global checked
    checked += 1
    want = np.asarray(want)
    if got.shape != want.shape:
        fails.append(f"{name}: shape {got.shape}, NumPy {want.shape}"); return
    tol = 0 if exact else (1e-6 if got.dtype == np.float32 else 1e-12)
    err = np.abs(got.astype(np.float64) - want.astype(np.float64)) / np.maximum(1, np.abs(want.astype(np.float64)))
    if err.size and not (err.max() <= tol):
        fails.append(f"{name}: max relative difference {err.max():.3g} > {tol}")
def dtype_is(name, dt):
    if o[name].dtype != dt: fails.append(f"{name}: dtype {o[name].dtype}, expected {dt}")
def signfix(u, vh=None):
    u = u.astype(np.float64).copy()
    vh = None if vh is None else vh.astype(np.float64).copy()
    for j in range(u.shape[1]):
        k = np.argmax(np.abs(u[:, j]))
        if u[k, j] < 0:
            u[:, j] *= -1
            if vh is not None: vh[j] *= -1
    return u, vh
for t, dt in (("f32", np.float32), ("f64", np.float64)):
    p = t + "_"
    x, y, ties, big, sym, empty, cond = (a[p + k] for k in ("x", "y", "ties", "big", "sym", "empty", "cond"))
    x64 = x.astype(np.float64)
    xt, xs = x.T, x[:, ::2]
    g = lambda k: o[p + k]
    cmp(p + "cat1", g("cat1"), np.concatenate([x, y], 0), exact=True)
    cmp(p + "cat2", g("cat2"), np.concatenate([xt, xt], 1), exact=True)
    cmp(p + "cat_empty", g("cat_empty"), np.concatenate([empty, x[:, :4]], 0), exact=True)
    cmp(p + "stack1", g("stack1"), np.stack([x, x * 2], 0), exact=True)
    cmp(p + "stack3", g("stack3"), np.stack([xs, xs], 2), exact=True)
    dtype_is(p + "cat1", dt)
    for name, s in (("x", x), ("xt", xt), ("ties", ties)):
        i = np.argsort(s, axis=1, kind="stable"); cmp(p + "sort_" + name, g("sort_" + name), np.take_along_axis(s, i, 1), exact=True)
        cmp(p + "sorti_" + name, g("sorti_" + name), i + 1, exact=True)
        i = np.argsort(-s, axis=0, kind="stable"); cmp(p + "sortd_" + name, g("sortd_" + name), np.take_along_axis(s, i, 0), exact=True)
        cmp(p + "sortdi_" + name, g("sortdi_" + name), i + 1, exact=True)
        i = np.argsort(-s, axis=1, kind="stable")[:, :3]; cmp(p + "topk_" + name, g("topk_" + name), np.take_along_axis(s, i, 1), exact=True)
        cmp(p + "topki_" + name, g("topki_" + name), i + 1, exact=True)
        i = np.argsort(s, axis=0, kind="stable")[:2]; cmp(p + "bottomk_" + name, g("bottomk_" + name), np.take_along_axis(s, i, 0), exact=True)
        cmp(p + "bottomki_" + name, g("bottomki_" + name), i + 1, exact=True)
    cmp(p + "where", g("where"), np.where(cond != 0, x, y[:1]), exact=True)
    cmp(p + "where_num", g("where_num"), np.where(cond.T != 0, 0, xt), exact=True)
    cmp(p + "masked", g("masked"), x[cond != 0], exact=True)
    cmp(p + "masked_t", g("masked_t"), xt[cond.T != 0], exact=True)
    m = x.copy(); m[m < 0] = 0; cmp(p + "assign0", g("assign0"), m, exact=True)
    m = x.copy(); v = m.T; v[cond.T != 0] = np.arange(1, cond.sum() + 1); cmp(p + "assignv", g("assignv"), m, exact=True)
    flat = x64.ravel()
    cmp(p + "norms", g("norms").astype(dt), np.array([np.linalg.norm(flat), np.linalg.norm(flat, 1), np.linalg.norm(flat, np.inf), np.linalg.norm(x64, "fro"),
                                          np.linalg.norm(flat, 3), np.linalg.norm(flat, 0), np.linalg.norm(xs.astype(np.float64).ravel()), 0.0]))
    cmp(p + "norm2_dim1", g("norm2_dim1"), np.linalg.norm(x64, 2, axis=0))
    cmp(p + "norm1_dim2", g("norm1_dim2"), np.linalg.norm(xt.astype(np.float64), 1, axis=1))
    cmp(p + "norminf_dim2", g("norminf_dim2"), np.linalg.norm(xs.astype(np.float64), np.inf, axis=1))
    def softmax(v, ax):
        v = v.astype(np.float64); e = np.exp(v - v.max(axis=ax, keepdims=True)); return e / e.sum(axis=ax, keepdims=True)
    def logsoftmax(v, ax):
        v = v.astype(np.float64); m = v.max(axis=ax, keepdims=True); return v - m - np.log(np.exp(v - m).sum(axis=ax, keepdims=True))
    cmp(p + "softmax", g("softmax"), softmax(big, 1)); cmp(p + "softmax_t", g("softmax_t"), softmax(xt, 0))
    cmp(p + "log_softmax", g("log_softmax"), logsoftmax(big, 1)); cmp(p + "log_softmax_t", g("log_softmax_t"), logsoftmax(xs, 0))
    if not np.all(np.isfinite(g("log_softmax"))): fails.append(p + "log_softmax: not finite")
    cmp(p + "softmax_empty", g("softmax_empty"), empty)
    cmp(p + "cumsum1", g("cumsum1"), np.cumsum(x64, 0)); cmp(p + "cumsum_t", g("cumsum_t"), np.cumsum(xt.astype(np.float64), 1))
    cmp(p + "cumsum_empty", g("cumsum_empty"), empty)
    q = lambda v, *r, **k: np.quantile(v.astype(np.float64), *r, **k)
    cmp(p + "quant_all", g("quant_all").astype(dt), np.array([q(x, 0), q(x, 0.3), q(x, 0.5), q(x, 1), q(ties, 0.37)]))
    cmp(p + "quant_many", g("quant_many"), q(x, [0.1, 0.25, 0.9], axis=1))
    cmp(p + "quant_t", g("quant_t"), q(xt, 0.7, axis=0)); cmp(p + "quant_keep", g("quant_keep"), q(xs, 0.5, axis=1, keepdims=True))
    # torch.histc semantics, written with NumPy: bins over [min, max] of the data.
    def histc(v, bins, lo, hi):
        v = v.astype(np.float64).ravel()
        if lo == 0 and hi == 0: lo, hi = v.min(), v.max()
        v = v[(v >= lo) & (v <= hi)]
        return np.bincount(np.minimum(((v - lo) / (hi - lo) * bins).astype(int), bins - 1), minlength=bins)
    cmp(p + "histc", g("histc"), histc(x, 7, 0, 0), exact=True); cmp(p + "histc_range", g("histc_range"), histc(xt, 4, -1, 1), exact=True)
    c, e = np.histogram(x, 7); cmp(p + "hist_counts", g("hist_counts"), c, exact=True); cmp(p + "hist_edges", g("hist_edges"), e, exact=True)
    c, e = np.histogram(xs, 5, range=(-1, 2)); cmp(p + "hist_rcounts", g("hist_rcounts"), c, exact=True); cmp(p + "hist_redges", g("hist_redges"), e, exact=True)
    c, e = np.histogram(empty, 3); cmp(p + "hist_ecounts", g("hist_ecounts"), c, exact=True); cmp(p + "hist_eedges", g("hist_eedges"), e.astype(dt), exact=True)
    for name, m in (("svd", x), ("svdt", xt)):
        u, s, vh = np.linalg.svd(m.astype(np.float64), full_matrices=False)
        u, vh = signfix(u, vh)
        cmp(p + name + "_s", g(name + "_s"), s); cmp(p + name + "_u", g(name + "_u"), u); cmp(p + name + "_vh", g(name + "_vh"), vh)
        back = (g(name + "_u").astype(np.float64) * g(name + "_s").astype(np.float64)) @ g(name + "_vh").astype(np.float64)
        cmp(p + name + "_reconstruction", back.astype(dt), m)
    w, v = np.linalg.eigh(sym.astype(np.float64)); v, _ = signfix(v)
    cmp(p + "eigh_w", g("eigh_w"), w); cmp(p + "eigh_v", g("eigh_v"), v)
if fails:
    print("FAIL: tensor operations against NumPy:"); [print("  " + f) for f in fails]; sys.exit(1)
print(f"ok: {checked} tensor-operation results match NumPy (1e-6 float32, 1e-12 float64; sorts, indices, masks and histograms exactly)")
PY
