"""prunelab's similarity numbers against the NumPy implementation of the reference route
(sim_reference.py: Google's cca_core / pwcca semantics, the SVCCA tutorial, Kornblith's CKA).

Usage: python3 sim_reference_check.py PRUNELAB   (run in a scratch directory)
Writes small random layer pairs as .npy files, asks `prunelab sim A B --json` for every measure,
and compares value, rho, k1/k2, threshold_mean and weights. Prints failures; exits 1 on any.
"""
import json
import subprocess
import sys

import numpy as np

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import sim_reference as R  # noqa: E402

prunelab = sys.argv[1]
rng = np.random.default_rng(2024)
failures = []
checks = 0


def run(a_path, b_path, *options):
    out = subprocess.run([prunelab, "sim", a_path, b_path, "--json", *options], capture_output=True, text=True)
    if out.returncode != 0:
        failures.append(f"prunelab sim {a_path} {b_path} {' '.join(options)} failed: {out.stderr.strip()}")
        return None
    return json.loads(out.stdout)


def near(label, got, want, tol=1e-9):
    global checks
    checks += 1
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    if got.shape != want.shape or not np.all(np.abs(got - want) <= tol * np.maximum(1, np.abs(want))):
        failures.append(f"{label}: prunelab {got.tolist()} vs reference {want.tolist()}")


def layer_pair(n1, n2, m, latent, noise, dtype):
    z = rng.standard_normal((latent, m))
    a = rng.standard_normal((n1, latent)) @ z + noise * rng.standard_normal((n1, m)) + rng.uniform(-3, 3, (n1, 1))
    b = rng.standard_normal((n2, latent)) @ z + noise * rng.standard_normal((n2, m)) + rng.uniform(-3, 3, (n2, 1))
    return a.astype(dtype), b.astype(dtype)


cases = [
    # (n1, n2, m, latent, noise, dtype)
    (5, 3, 60, 2, 0.5, np.float64),
    (10, 12, 300, 6, 0.7, np.float64),
    (20, 7, 1000, 5, 1.0, np.float32),
    (8, 8, 120, 8, 0.3, np.float64),
    (16, 4, 70, 3, 0.2, np.float64),   # fewer than 5 datapoints per neuron: a warning
]
for index, (n1, n2, m, latent, noise, dtype) in enumerate(cases):
    a, b = layer_pair(n1, n2, m, latent, noise, dtype)
    pa, pb = f"a{index}.npy", f"b{index}.npy"
    np.save(pa, a)
    np.save(pb, b)
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    tag = f"case {index} ({n1}x{m} vs {n2}x{m}, {np.dtype(dtype).name})"

    ref = R.cca(a64, b64)
    for first, second, order in ((pa, pb, "a,b"), (pb, pa, "b,a")):
        got = run(first, second, "--measure", "cca")
        if got:
            near(f"{tag} cca value ({order})", got["value"], ref["mean"])
            near(f"{tag} cca rho ({order})", got["rho"], ref["rho"])
            near(f"{tag} cca threshold_mean ({order})", got["threshold_mean"], ref["threshold_mean"])

    for rule, value in (("variance", 0.99), ("energy", 0.9), ("dims", 4)):
        want, k1, k2, rho = R.svcca(a64, b64, rule, value)
        got = run(pa, pb, "--measure", "svcca", f"--{rule}", str(value))
        if got:
            near(f"{tag} svcca {rule}={value} value", got["value"], want)
            near(f"{tag} svcca {rule}={value} rho", got["rho"], rho)
            if (got["k1"], got["k2"]) != (k1, k2):
                failures.append(f"{tag} svcca {rule}={value}: k1, k2 = {got['k1']}, {got['k2']}, reference {k1}, {k2}")

    # The weighted side is the layer keeping fewer neurons, so the order does not matter,
    # except on a tie (case 3), where it is the first argument.
    values = []
    for first, second, order, (want, weights, _) in ((pa, pb, "a,b", R.pwcca(a64, b64)), (pb, pa, "b,a", R.pwcca(b64, a64))):
        got = run(first, second, "--measure", "pwcca")
        if got:
            near(f"{tag} pwcca value ({order})", got["value"], want)
            near(f"{tag} pwcca weights ({order})", got["weights"], weights)
            values.append(got["value"])
    if n1 != n2 and len(values) == 2:
        near(f"{tag} prunelab's pwcca is the same in either order", values[1], values[0], 1e-12)
    # On centred layers the sign convention does not matter: the reference code's own answer.
    ca, cb = a64 - a64.mean(axis=1, keepdims=True), b64 - b64.mean(axis=1, keepdims=True)
    np.save(f"ca{index}.npy", ca)
    np.save(f"cb{index}.npy", cb)
    got = run(f"ca{index}.npy", f"cb{index}.npy", "--measure", "pwcca")
    if got:
        near(f"{tag} pwcca of centred layers vs the unmodified reference", got["value"], R.pwcca(ca, cb, orient=False)[0])

    for options, want in ((("--measure", "cka"), R.cka_linear(a64, b64)),
                          (("--measure", "cka", "--debiased"), R.cka_linear(a64, b64, debiased=True)),
                          (("--measure", "cka", "--kernel", "rbf", "--sigma", "0.5"), R.cka_rbf(a64, b64, 0.5)),
                          (("--measure", "cka", "--sigma", "0.8", "--debiased"), R.cka_rbf(a64, b64, 0.8, debiased=True))):
        got = run(pa, pb, *options)
        if got:
            near(f"{tag} {' '.join(options[1:])}", got["value"], want)

# 4-D activations: N×C×H×W flattened to C × (N·H·W) as the SVCCA tutorial does for conv layers.
conv_a = rng.standard_normal((6, 5, 4, 3))
conv_b = conv_a[:, [1, 0, 3, 2, 4]] * 2 + 0.5 * rng.standard_normal((6, 5, 4, 3))
np.save("conv_a.npy", conv_a)
np.save("conv_b.npy", conv_b)
flat = lambda x: x.transpose(1, 0, 2, 3).reshape(x.shape[1], -1)
got = run("conv_a.npy", "conv_b.npy", "--measure", "cca")
if got:
    near("conv flatten cca", got["value"], R.cca(flat(conv_a), flat(conv_b))["mean"])
got = run("conv_a.npy", "conv_b.npy", "--measure", "cka", "--conv", "mean")
if got:
    near("conv mean cka", got["value"], R.cka_linear(conv_a.mean(axis=(2, 3)).T, conv_b.mean(axis=(2, 3)).T))

for f in failures:
    print("FAIL", f)
print(f"{checks - len([f for f in failures if 'failed' not in f])} of {checks} comparisons agree with the NumPy reference")
sys.exit(1 if failures else 0)
