"""NumPy side of scripts/bench_similarity: a timing server, so that prunelab and NumPy (possibly
on different OpenBLAS kernels, set by the environment this process starts in) can be timed
alternately, one run each, under the same machine load.

Reads commands on stdin, answers each with one JSON line:
  core                    {"core": OpenBLAS's kernel set in this process}
  load A.npy B.npy        load the float32 layer pair and keep float64 copies (not timed)
  run OP                  time one run of OP: covariance, cca, svcca, pwcca, cka (the reference
                          route of suites/interop/sim_reference.py) or floor (the BLAS floor of the
                          covariance: dsyrk, dsyrk, dgemm on the float64 data, one call each)
  quit
"""
import ctypes
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "suites", "interop"))
import sim_reference as R  # noqa: E402

_blas = ctypes.CDLL("libopenblas.so.0")   # the OpenBLAS that prunelab links, and Debian's NumPy uses
_int, _dbl, _ptr = ctypes.c_int, ctypes.c_double, ctypes.c_void_p
_blas.cblas_dsyrk.argtypes = [_int] * 5 + [_dbl, _ptr, _int, _dbl, _ptr, _int]
_blas.cblas_dgemm.argtypes = [_int] * 6 + [_dbl, _ptr, _int, _ptr, _int, _dbl, _ptr, _int]
_blas.openblas_get_corename.restype = ctypes.c_char_p


def blas_floor(a, b):
    """Sxx, Syy (dsyrk, lower triangle) and Sxy (dgemm) of row-major float64 layers, one call each
    over all datapoints: a row-major n×m array is a column-major m×n matrix with ld m."""
    (n1, m), n2 = a.shape, b.shape[0]
    cxx, cyy, cxy = np.empty((n1, n1)), np.empty((n2, n2)), np.empty((n2, n1))
    P = lambda x: x.ctypes.data
    col, low, notrans, trans = 102, 122, 111, 112
    _blas.cblas_dsyrk(col, low, trans, n1, m, 1.0, P(a), m, 0.0, P(cxx), n1)
    _blas.cblas_dsyrk(col, low, trans, n2, m, 1.0, P(b), m, 0.0, P(cyy), n2)
    _blas.cblas_dgemm(col, trans, notrans, n1, n2, m, 1.0, P(a), m, P(b), m, 0.0, P(cxy), n1)
    return 0.0


a = b = None
ops = {
    "covariance": lambda: (np.cov(a, b), 0.0)[1],
    "floor": lambda: blas_floor(a, b),
    "cca": lambda: R.cca(a, b)["mean"],
    "svcca": lambda: R.svcca(a, b, "variance", 0.99)[0],
    "pwcca": lambda: R.pwcca(a, b)[0],
    "cka": lambda: R.cka_linear(a, b),
}

for line in sys.stdin:
    words = line.split()
    if not words:
        continue
    if words[0] == "core":
        answer = {"core": _blas.openblas_get_corename().decode()}
    elif words[0] == "load":
        a = b = None
        a, b = np.load(words[1]).astype(np.float64), np.load(words[2]).astype(np.float64)
        answer = {"ok": True}
    elif words[0] == "run":
        t0 = time.perf_counter()
        value = float(ops[words[1]]())
        answer = {"op": words[1], "seconds": time.perf_counter() - t0, "value": value}
    elif words[0] == "quit":
        break
    else:
        answer = {"error": "unknown command " + words[0]}
    print(json.dumps(answer), flush=True)
