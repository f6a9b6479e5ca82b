#!/usr/bin/env python3
"""Records CCA, SVCCA and PWCCA values from Google's published reference code.

Usage:
    python3 suites/interop/record_google_reference.py SVCCA_DIR OUTDIR [--commit HASH]

SVCCA_DIR is a copy of the public google/svcca repository (https://github.com/google/svcca);
`cca_core` and `pwcca` are imported from there. None of that code is in this repository: this
script only calls it. OUTDIR receives
  inputs.npz       the layer pairs (neurons x datapoints, float64), keys <case>_a and <case>_b;
  reference.json   what Google's code returned for them, with the NumPy version, the BLAS
                   NumPy uses, the reference's commit (--commit, or SVCCA_DIR's git HEAD) and
                   the SHA-256 of the two files imported.
suites/interop/google_reference.sh checks prunelab against reference.json without Google's code.

What is recorded (epsilon 1e-10 throughout, as SIMILARITY.md and Google's tutorial use):
- cca: `cca_core.get_cca_similarity(a, b, epsilon=1e-10)`. Its coefficients `cca_coef1` (rho)
  and their plain mean np.mean(cca_coef1), which is how SIMILARITY.md defines the CCA
  similarity (prunelab's r.value), and the reference's own `mean[0]`, the mean of the leading
  coefficients holding 98% of their sum (prunelab's r.threshold_mean).
- svcca: Google's tutorial procedure for a fixed number of dimensions k: centre each neuron,
  SVD of the centred layer, keep diag(s[:k]) . Vt[:k], then get_cca_similarity(epsilon=1e-10)
  and the mean of cca_coef1. Recorded for the k in SVCCA_DIMS (per case), with the relative
  gap s_k / s_(k+1) of each layer (a large gap makes the kept subspace, hence the value, well
  defined).
- pwcca: `pwcca.compute_pwcca(a, b, epsilon=1e-10)` in both argument orders, three ways:
    raw              the code as published: the signs of the singular vectors are whatever
                     this NumPy's LAPACK returns;
    largest_positive prunelab's sign convention: every canonical direction (column of u, the
                     coefficients `coef_x`; row of vh, `coef_y`) is multiplied by -1 if its
                     largest-magnitude coefficient is negative;
    flipped          every direction with the opposite sign (largest-magnitude coefficient
                     negative): as valid an SVD as the other two.
  The conventions are applied by handing `cca_core` a NumPy whose `linalg.svd` re-signs the
  vectors of the one SVD it takes of the whitened cross-covariance (`np.linalg.pinv` keeps the
  real NumPy's own SVD); the reference's files are not modified. Where the first layer keeps
  more neurons than the second, compute_pwcca takes the second layer's coefficients but the
  first layer's activations: it fails (different widths) or silently mixes the two layers
  (equal widths). That order is recorded as it comes out, marked `mixes_layers`; SIMILARITY.md
  defines PWCCA by the smaller side, so prunelab's value there is the other order's.
- reproducer: the pair from issue 16's text (seed 7, 40 and 44 neurons, 3000 datapoints) is
  too large to commit (2 MB), so it is not in inputs.npz; the test regenerates it from the same
  recipe (REPRODUCER below) and reference.json holds the SHA-256 of the arrays recorded here.
"""
import argparse
import contextlib
import datetime
import hashlib
import json
import os
import platform
import subprocess
import sys

import numpy as np

EPSILON = 1e-10

REPRODUCER = """\
r = np.random.default_rng(7)
z = r.standard_normal((12, 3000))
a = r.standard_normal((40, 12)) @ z + 0.3 * r.standard_normal((40, 3000))
b = r.standard_normal((44, 12)) @ z + 0.3 * r.standard_normal((44, 3000))
a += r.standard_normal((40, 1)) * 3
"""


def reproducer():
    """The issue's pair, exactly as its text builds it."""
    scope = {"np": np}
    exec(REPRODUCER, scope)
    return scope["a"], scope["b"]


def latent_pair(rng, n1, n2, m, latent, noise):
    z = rng.standard_normal((latent, m))
    a = rng.standard_normal((n1, latent)) @ z + noise * rng.standard_normal((n1, m))
    b = rng.standard_normal((n2, latent)) @ z + noise * rng.standard_normal((n2, m))
    return a, b


def relu(x):
    return np.maximum(x, 0.0)


def build_inputs():
    """name -> (a, b, description, svcca dims). Every pair has at least 10 datapoints per
    neuron, so no coefficient is exactly 1 and the canonical directions are well defined."""
    cases = {}

    rng = np.random.default_rng(1601)
    a, b = latent_pair(rng, 10, 12, 250, 5, 0.4)
    a -= a.mean(axis=1, keepdims=True)
    b -= b.mean(axis=1, keepdims=True)
    cases["centred"] = (a, b, "centred rows (means ~1e-16): the sign convention cannot matter", (3, 5))

    rng = np.random.default_rng(1602)
    a, b = latent_pair(rng, 16, 20, 300, 6, 0.3)
    a = relu(a + rng.uniform(-0.5, 1.0, (16, 1)))
    b = relu(b + rng.uniform(-0.5, 1.0, (20, 1)))
    cases["relu"] = (a, b, "ReLU activations: non-negative, non-zero means", (3, 6))

    rng = np.random.default_rng(1603)
    a, b = latent_pair(rng, 12, 14, 250, 5, 0.3)
    a += rng.standard_normal((12, 1)) * 3
    b += rng.uniform(0.5, 2.0, (14, 1))
    cases["shifted"] = (a, b, "linear layers with shifted means (the issue's recipe, smaller)", (3, 5))

    rng = np.random.default_rng(1604)
    a, b = latent_pair(rng, 16, 16, 300, 6, 0.3)
    a = relu(a + 0.5)
    b = relu(b + 0.5)
    a[[2, 5, 9, 11, 14]] = 0.0
    b[[0, 7, 13]] = 0.0
    cases["dead"] = (a, b, "equal widths (16), ReLU, dead neurons (all-zero rows): the first keeps 11, the second 13", (3, 6))

    rng = np.random.default_rng(1607)
    a, b = latent_pair(rng, 12, 12, 250, 5, 0.3)
    a = relu(a + rng.uniform(-0.5, 1.0, (12, 1)))
    b = relu(b + rng.uniform(-0.5, 1.0, (12, 1)))
    cases["equal"] = (a, b, "equal widths (12), ReLU: a tie, so the first layer is the weighted side in each order", (3, 5))

    rng = np.random.default_rng(1605)
    a, b = latent_pair(rng, 24, 10, 250, 5, 0.3)
    a += rng.uniform(-2, 2, (24, 1))
    b += rng.uniform(-2, 2, (10, 1))
    cases["wide_first"] = (a, b, "first layer wider (24 vs 10), shifted means", (3, 5))

    rng = np.random.default_rng(1606)
    a, b = latent_pair(rng, 8, 18, 250, 4, 0.3)
    a = relu(a + 0.3)
    b = relu(b + 0.3)
    b[[4, 10]] = 0.0
    cases["narrow_first"] = (a, b, "first layer narrower (8 vs 18), ReLU, two dead neurons in the second", (2, 4))
    return cases


# ---- sign conventions, applied from outside the reference code ---------------------------

def oriented(vectors, axis, sign):
    """vectors with each column (axis 0) or row (axis 1) multiplied by +-1 so that its
    largest-magnitude entry (the first of equal ones) has sign `sign`."""
    mags = np.abs(vectors)
    idx = np.argmax(mags, axis=axis)
    if axis == 0:
        largest = vectors[idx, np.arange(vectors.shape[1])]
        return vectors * np.where(largest * sign < 0, -1.0, 1.0)[None, :]
    largest = vectors[np.arange(vectors.shape[0]), idx]
    return vectors * np.where(largest * sign < 0, -1.0, 1.0)[:, None]


class _Namespace:
    """Forwards every attribute to `real` except those given."""

    def __init__(self, real, **overrides):
        self._real = real
        self.__dict__.update(overrides)

    def __getattr__(self, name):
        return getattr(self._real, name)


@contextlib.contextmanager
def signs(cca_core, rule):
    """rule None: the reference as published; +1: largest-magnitude coefficient of every
    canonical direction positive (prunelab); -1: negative. Counts the SVDs re-signed."""
    calls = []
    if rule is None:
        yield calls
        return

    def svd(x, *args, **kwargs):
        u, s, vh = np.linalg.svd(x, *args, **kwargs)
        calls.append(x.shape)
        return oriented(u, 0, rule), s, oriented(vh, 1, rule)

    saved = cca_core.np
    cca_core.np = _Namespace(np, linalg=_Namespace(np.linalg, svd=svd))
    try:
        yield calls
    finally:
        cca_core.np = saved


# ---- the measures through Google's code --------------------------------------------------

def floats(x):
    return [float(v) for v in np.asarray(x, dtype=np.float64).ravel()]


def cca_record(cca_core, a, b):
    r = cca_core.get_cca_similarity(a, b, epsilon=EPSILON, verbose=False)
    rho = np.asarray(r["cca_coef1"])
    return {
        "value": float(np.mean(rho)),
        "reference_summary_mean": float(r["mean"][0]),
        "rho": floats(rho),
        "kept": [int(np.sum(r["x_idxs"])), int(np.sum(r["y_idxs"]))],
    }


def svcca_record(cca_core, a, b, k):
    reduced, gaps = [], []
    for x in (a, b):
        centred = x - np.mean(x, axis=1, keepdims=True)
        _, s, vh = np.linalg.svd(centred, full_matrices=False)
        reduced.append(np.dot(s[:k] * np.eye(k), vh[:k]))
        gaps.append(float(s[k - 1] / s[k]) if k < len(s) and s[k] > 0 else None)
    r = cca_core.get_cca_similarity(reduced[0], reduced[1], epsilon=EPSILON, verbose=False)
    rho = np.asarray(r["cca_coef1"])
    return {"dims": k, "value": float(np.mean(rho)), "rho": floats(rho), "k1": k, "k2": k,
            "singular_value_gap": gaps}


def pwcca_record(cca_core, pwcca, a, b):
    out = {}
    for name, rule in (("raw", None), ("largest_positive", 1.0), ("flipped", -1.0)):
        with signs(cca_core, rule) as calls:
            try:
                value, weights, rho = pwcca.compute_pwcca(a, b, epsilon=EPSILON)
                out[name] = {"value": float(value), "weights": floats(weights), "rho": floats(rho)}
            except Exception as e:  # the reference fails when the first layer keeps more neurons
                out[name] = {"error": f"{type(e).__name__}: {e}"}
        if rule is not None and len(calls) != 1:
            raise SystemExit(f"expected exactly one re-signed SVD per compute_pwcca call, got {calls}")
    return out


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def array_sha256(x):
    return hashlib.sha256(np.ascontiguousarray(x, dtype="<f8").tobytes()).hexdigest()


def blas_description():
    try:
        config = np.show_config(mode="dicts")
        blas = config["Build Dependencies"]["blas"]
        return f"{blas.get('name')} {blas.get('version')}"
    except Exception:
        return "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("svcca_dir", help="a copy of github.com/google/svcca (cca_core.py, pwcca.py)")
    parser.add_argument("outdir")
    parser.add_argument("--commit", help="the reference repository's commit (default: git HEAD of svcca_dir)")
    args = parser.parse_args()

    svcca_dir = os.path.abspath(args.svcca_dir)
    sys.path.insert(0, svcca_dir)
    import cca_core  # noqa: E402  (Google's code, from the directory given)
    import pwcca  # noqa: E402
    if os.path.dirname(os.path.abspath(cca_core.__file__)) != svcca_dir:
        raise SystemExit(f"cca_core was imported from {cca_core.__file__}, not from {svcca_dir}")
    if pwcca.cca_core is not cca_core:
        raise SystemExit("pwcca does not use the cca_core module imported here")

    commit = args.commit
    if not commit:
        git = subprocess.run(["git", "-C", svcca_dir, "rev-parse", "HEAD"], capture_output=True, text=True)
        commit = git.stdout.strip() if git.returncode == 0 else None
    if not commit:
        raise SystemExit(f"{svcca_dir} is not a git checkout: pass --commit HASH")

    os.makedirs(args.outdir, exist_ok=True)
    cases = build_inputs()
    arrays = {}
    for name, (a, b, _, _) in cases.items():
        arrays[f"{name}_a"], arrays[f"{name}_b"] = a, b
    np.savez_compressed(os.path.join(args.outdir, "inputs.npz"), **arrays)

    ra, rb = reproducer()
    everything = {name: (a, b, description, dims, f"inputs.npz:{name}_a", f"inputs.npz:{name}_b")
                  for name, (a, b, description, dims) in cases.items()}
    everything["reproducer"] = (ra, rb, "issue 16's reproducer (regenerated by the test, see 'reproducer')",
                                (6, 12), "a.npy", "b.npy")

    recorded = {}
    for name, (a, b, description, dims, path_a, path_b) in everything.items():
        cca = cca_record(cca_core, a, b)
        kept = cca["kept"]
        entry = {
            "description": description,
            "a": path_a, "b": path_b,
            "neurons": [int(a.shape[0]), int(b.shape[0])],
            "datapoints": int(a.shape[1]),
            "kept": kept,
            "cca": cca,
            "cca_swapped": cca_record(cca_core, b, a),
            "svcca": [svcca_record(cca_core, a, b, k) for k in dims],
            "pwcca": {},
        }
        for order, (x, y, kx, ky) in (("a,b", (a, b, kept[0], kept[1])), ("b,a", (b, a, kept[1], kept[0]))):
            record = pwcca_record(cca_core, pwcca, x, y)
            record["mixes_layers"] = bool(kx > ky)
            entry["pwcca"][order] = record
        recorded[name] = entry

    result = {
        "recorded_by": "suites/interop/record_google_reference.py",
        "recorded_at": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "reference": {
            "repository": "https://github.com/google/svcca",
            "commit": commit,
            "sha256": {f: sha256(os.path.join(svcca_dir, f)) for f in ("cca_core.py", "pwcca.py")},
        },
        "numpy": np.__version__,
        "blas": blas_description(),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "epsilon": EPSILON,
        "svcca_procedure": "centre each neuron; U, s, Vt = np.linalg.svd(centred, full_matrices=False); "
                           "reduced = diag(s[:k]) . Vt[:k]; get_cca_similarity(reduced_a, reduced_b, epsilon=1e-10); "
                           "value = mean(cca_coef1) (Google's tutorial)",
        "pwcca_conventions": {
            "raw": "compute_pwcca as published: singular-vector signs as this NumPy's LAPACK returns them",
            "largest_positive": "each canonical direction's largest-magnitude coefficient positive (prunelab)",
            "flipped": "each canonical direction's largest-magnitude coefficient negative",
        },
        "reproducer": {
            "recipe": REPRODUCER,
            "sha256_a": array_sha256(ra),
            "sha256_b": array_sha256(rb),
        },
        "cases": recorded,
    }
    with open(os.path.join(args.outdir, "reference.json"), "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")

    for name, entry in recorded.items():
        p = entry["pwcca"]["a,b"]
        raw = p["raw"].get("value", p["raw"].get("error"))
        print(f"{name:13s} cca {entry['cca']['value']:.12f}  pwcca raw {raw}  "
              f"largest+ {p['largest_positive'].get('value')}  flipped {p['flipped'].get('value')}")


if __name__ == "__main__":
    main()
