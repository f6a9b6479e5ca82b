"""NumPy implementations of the similarity measures, following the *published reference route*:

- CCA as Google's svcca `cca_core.get_cca_similarity` computes it (np.cov of the stacked layers,
  rescaling by the largest variance, dropping neurons below epsilon, epsilon*I, np.linalg.pinv,
  then a matrix square root through np.linalg.eigh, then np.linalg.svd);
- SVCCA as the SVCCA tutorial does it (wide SVD of each centred layer, reduced layer
  diag(s[:k]) V[:k], then the CCA above with epsilon 1e-10), with the k rules of SIMILARITY.md;
- PWCCA as `pwcca.compute_pwcca` (QR of the directions, |<q_i, A_j>| weights), with the weighted
  side chosen by the smaller kept count, as SIMILARITY.md defines it;
- CKA as Kornblith et al.'s published notebook (feature-space linear CKA, gram_rbf, center_gram).

Written independently of prunelab, as the peer that prunelab's numbers are checked against and
timed against (suites/interop/sim_reference.sh, scripts/bench_similarity).
"""
import numpy as np


def cca(acts1, acts2, epsilon=1e-10, threshold=0.98):
    """Dict with rho (descending), mean, threshold_mean, kept index masks, u, vh."""
    n1 = acts1.shape[0]
    cov = np.cov(acts1, acts2)
    sxx, sxy, syy = cov[:n1, :n1], cov[:n1, n1:], cov[n1:, n1:]
    xmax, ymax = np.max(np.abs(sxx)), np.max(np.abs(syy))
    sxx = sxx / xmax
    syy = syy / ymax
    sxy = sxy / np.sqrt(xmax * ymax)
    xk = np.abs(np.diagonal(sxx)) >= epsilon
    yk = np.abs(np.diagonal(syy)) >= epsilon
    if not xk.any() or not yk.any():
        return dict(rho=np.zeros(0), mean=0.0, threshold_mean=0.0, xk=xk, yk=yk, u=None, vh=None)
    sxx = sxx[xk][:, xk] + epsilon * np.eye(xk.sum())
    syy = syy[yk][:, yk] + epsilon * np.eye(yk.sum())
    sxy = sxy[xk][:, yk]
    isx = _sqrtm_psd(np.linalg.pinv(sxx))
    isy = _sqrtm_psd(np.linalg.pinv(syy))
    u, s, vh = np.linalg.svd(isx @ sxy @ isy)
    s = np.abs(s)
    idx = None
    for i in range(len(s)):
        if np.sum(s[:i]) / np.sum(s) >= threshold:
            idx = i
            break
    return dict(rho=s, mean=float(np.mean(s)), threshold_mean=float(np.mean(s[:idx])), xk=xk, yk=yk, u=u, vh=vh)


def _sqrtm_psd(a):
    w, v = np.linalg.eigh(a)
    return v @ np.diag(np.sqrt(w)) @ v.T


def choose_k(s, rule, value):
    """k from the singular values s of the centred layer (descending)."""
    if rule == "dims":
        return min(int(value), len(s))
    x = s ** 2 if rule == "variance" else s
    frac = np.cumsum(x) / np.sum(x)
    return int(np.argmax(frac >= value - 1e-12) + 1)


def svcca(acts1, acts2, rule="variance", value=0.99, epsilon=1e-10):
    """(value, k1, k2, rho) through the wide SVD, as the tutorial does."""
    reduced, ks = [], []
    for acts in (acts1, acts2):
        c = acts - np.mean(acts, axis=1, keepdims=True)
        _, s, v = np.linalg.svd(c, full_matrices=False)
        k = choose_k(s, rule, value)
        reduced.append(s[:k, None] * v[:k])
        ks.append(k)
    r = cca(reduced[0], reduced[1], epsilon=epsilon)
    return r["mean"], ks[0], ks[1], r["rho"]


def pwcca(acts1, acts2, epsilon=1e-10, orient=True):
    """(value, weights, rho), the weighted side being the one that keeps fewer neurons.

    orient=False keeps whatever signs np.linalg.svd returns (the reference code's behaviour);
    orient=True applies prunelab's sign convention, which makes the answer well defined when
    the activations are not centred."""
    r = cca(acts1, acts2, epsilon=epsilon)
    if len(r["rho"]) == 0:
        return 0.0, np.zeros(0), r["rho"]
    if r["xk"].sum() <= r["yk"].sum():
        coef, acts = r["u"].T, acts1[r["xk"]]
    else:
        coef, acts = r["vh"], acts2[r["yk"]]
    if orient:
        # prunelab's sign convention: the largest-magnitude coefficient of each direction positive.
        big = coef[np.arange(coef.shape[0]), np.argmax(np.abs(coef), axis=1)]
        coef = coef * np.where(big < 0, -1.0, 1.0)[:, None]
    means = np.mean(acts, axis=1, keepdims=True)
    dirns = coef @ (acts - means) + means
    q, _ = np.linalg.qr(dirns.T)
    weights = np.sum(np.abs(q.T @ acts.T), axis=1)
    weights = weights / np.sum(weights)
    return float(np.sum(weights * r["rho"])), weights, r["rho"]


def _debias(xty, ssx, ssy, nx, ny, n):
    return xty - n / (n - 2.0) * ssx.dot(ssy) + nx * ny / ((n - 1) * (n - 2))


def cka_linear(acts1, acts2, debiased=False):
    """Feature-space linear CKA; inputs neurons x datapoints."""
    x = (acts1 - acts1.mean(axis=1, keepdims=True)).T
    y = (acts2 - acts2.mean(axis=1, keepdims=True)).T
    dot = np.linalg.norm(x.T @ y) ** 2
    nx = np.linalg.norm(x.T @ x)
    ny = np.linalg.norm(y.T @ y)
    if debiased:
        n = x.shape[0]
        sx, sy = np.einsum("ij,ij->i", x, x), np.einsum("ij,ij->i", y, y)
        qx, qy = sx.sum(), sy.sum()
        dot = _debias(dot, sx, sy, qx, qy, n)
        nx = np.sqrt(_debias(nx ** 2, sx, sx, qx, qx, n))
        ny = np.sqrt(_debias(ny ** 2, sy, sy, qy, qy, n))
    return float(dot / (nx * ny))


def _gram_rbf(x, threshold):
    g = x @ x.T
    sq = np.diag(g)
    d = -2 * g + sq[:, None] + sq[None, :]
    return np.exp(-d / (2 * threshold ** 2 * np.median(d)))


def _center_gram(g, unbiased):
    g = g.copy()
    if unbiased:
        n = g.shape[0]
        np.fill_diagonal(g, 0)
        means = np.sum(g, 0) / (n - 2)
        means -= np.sum(means) / (2 * (n - 1))
        g -= means[:, None]
        g -= means[None, :]
        np.fill_diagonal(g, 0)
    else:
        means = np.mean(g, 0)
        means -= np.mean(means) / 2
        g -= means[:, None]
        g -= means[None, :]
    return g


def cka_rbf(acts1, acts2, sigma=1.0, debiased=False):
    kx = _center_gram(_gram_rbf(acts1.T.astype(np.float64), sigma), debiased)
    ky = _center_gram(_gram_rbf(acts2.T.astype(np.float64), sigma), debiased)
    return float(kx.ravel().dot(ky.ravel()) / (np.linalg.norm(kx) * np.linalg.norm(ky)))
