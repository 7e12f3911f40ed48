#!/usr/bin/python3
"""Writes the FID/KID fixtures the Java tests read (libs/metrics/src/test/resources/fid/).

Reference values come from the standard numpy/scipy computation (pytorch-fid's calculate_activation_statistics
and calculate_frechet_distance, reproduced below) and, for small D, from a 50-digit mpmath computation of the same
formula, which shows how close scipy itself is on near-singular inputs.

Run with Debian's python3 (python3-numpy, python3-scipy, python3-mpmath):
    /usr/bin/python3 libs/metrics/scripts/make_fid_fixtures.py
"""
import json
import pathlib

import mpmath
import numpy as np
from scipy import linalg

OUT = pathlib.Path(__file__).resolve().parents[1] / "src/test/resources/fid"


def activation_statistics(act):
    """pytorch-fid: mean and unbiased covariance of (N, D) activations."""
    return np.mean(act, axis=0), np.cov(act, rowvar=False)


def frechet_distance(mu1, sigma1, mu2, sigma2, eps=1e-6):
    """pytorch-fid's calculate_frechet_distance (scipy.linalg.sqrtm of sigma1·sigma2)."""
    mu1, mu2 = np.atleast_1d(mu1), np.atleast_1d(mu2)
    sigma1, sigma2 = np.atleast_2d(sigma1), np.atleast_2d(sigma2)
    diff = mu1 - mu2
    covmean, _ = linalg.sqrtm(sigma1.dot(sigma2), disp=False)
    offset_used = False
    if not np.isfinite(covmean).all():
        offset = np.eye(sigma1.shape[0]) * eps
        covmean = linalg.sqrtm((sigma1 + offset).dot(sigma2 + offset))
        offset_used = True
    max_imag = 0.0
    if np.iscomplexobj(covmean):
        max_imag = float(np.max(np.abs(np.diagonal(covmean).imag)))
        if not np.allclose(np.diagonal(covmean).imag, 0, atol=1e-3):
            raise ValueError("Imaginary component {}".format(max_imag))
        covmean = covmean.real
    value = diff.dot(diff) + np.trace(sigma1) + np.trace(sigma2) - 2 * np.trace(covmean)
    return float(value), offset_used, max_imag


def frechet_distance_mpmath(mu1, sigma1, mu2, sigma2, digits=50):
    """The same formula at 50 digits: Tr((Σ1Σ2)^½) = Σ√λ(Σ1^½ Σ2 Σ1^½) with exact symmetric eigensolvers."""
    mpmath.mp.dps = digits
    s1 = mpmath.matrix(sigma1.tolist())
    s2 = mpmath.matrix(sigma2.tolist())
    w, v = mpmath.eigsy(s1)
    d = s1.rows
    root = mpmath.zeros(d, d)
    for k in range(d):
        lam = w[k] if w[k] > 0 else mpmath.mpf(0)
        root[k, k] = mpmath.sqrt(lam)
    half = v * root * v.T
    m = half * s2 * half
    m = (m + m.T) / 2
    lam2 = mpmath.eigsy(m, eigvals_only=True)
    tr = sum(mpmath.sqrt(x) if x > 0 else mpmath.mpf(0) for x in lam2)
    diff = mpmath.matrix((mu1 - mu2).tolist())
    value = sum(x * x for x in diff) + sum(s1[i, i] + s2[i, i] for i in range(d)) - 2 * tr
    return float(value)


def kid(x, y):
    """Unbiased MMD² with k(a, b) = (aᵀb/D + 1)³ over all pairs (float64)."""
    x = x.astype(np.float64)
    y = y.astype(np.float64)
    d = x.shape[1]
    kxx = (x @ x.T / d + 1) ** 3
    kyy = (y @ y.T / d + 1) ** 3
    kxy = (x @ y.T / d + 1) ** 3
    n, m = len(x), len(y)
    return float((kxx.sum() - np.trace(kxx)) / (n * (n - 1)) + (kyy.sum() - np.trace(kyy)) / (m * (m - 1))
                 - 2 * kxy.sum() / (n * m))


def mixed(rng, n, d, scale, shift, dtype):
    mix = rng.standard_normal((d, d)) * scale / np.sqrt(d)
    return (rng.standard_normal((n, d)) @ mix + shift).astype(dtype)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20260601)
    sets = {
        # name: (array, dtype tag)
        "basic_a": mixed(rng, 300, 32, 1.0, 0.0, np.float32),
        "basic_b": mixed(rng, 400, 32, 1.3, 0.25, np.float32),
    }
    # Near-singular: rank-8 signal in 32 dimensions plus noise 1e-5 (covariance eigenvalues down to ~1e-10).
    for name, seed_shift in (("near_singular_a", 0.0), ("near_singular_b", 0.5)):
        z = rng.standard_normal((300, 8)) @ rng.standard_normal((8, 32))
        sets[name] = z + seed_shift + 1e-5 * rng.standard_normal((300, 32))
    # N < D: covariances of rank 19 and 24 in 32 dimensions.
    sets["n_below_d_a"] = rng.standard_normal((20, 32))
    sets["n_below_d_b"] = rng.standard_normal((25, 32)) * 1.2 + 0.1
    # Wider, float32, no mpmath reference (D too large for 50-digit eigensolvers in reasonable time).
    sets["wide_a"] = mixed(rng, 600, 192, 1.0, 0.0, np.float32)
    sets["wide_b"] = mixed(rng, 500, 192, 0.9, -0.1, np.float32)
    for name, arr in sets.items():
        np.save(OUT / (name + ".npy"), arr)

    cases = []
    for case, use_mp in (("basic", True), ("near_singular", True), ("n_below_d", True), ("wide", False)):
        a, b = sets[case + "_a"], sets[case + "_b"]
        mu1, s1 = activation_statistics(a)
        mu2, s2 = activation_statistics(b)
        value, offset_used, max_imag = frechet_distance(mu1, s1, mu2, s2)
        entry = {
            "name": case, "a": case + "_a.npy", "b": case + "_b.npy",
            "n_a": int(a.shape[0]), "n_b": int(b.shape[0]), "d": int(a.shape[1]), "dtype": str(a.dtype),
            "fid_scipy": value, "scipy_offset_used": offset_used, "scipy_max_imag": max_imag,
            "trace_sigma_a": float(np.trace(s1)), "cov_a_01": float(s1[0, 1]),
            # pytorch-fid's mean of float32 activations is itself float32; Lucid's mean is float64.
            "mean_a_0_float64": float(np.mean(a, axis=0, dtype=np.float64)[0]),
        }
        if use_mp:
            # The exact statistics of the features: float64 means.
            entry["fid_mpmath"] = frechet_distance_mpmath(np.mean(a, axis=0, dtype=np.float64), s1,
                                                          np.mean(b, axis=0, dtype=np.float64), s2)
        cases.append(entry)
        print(json.dumps(entry))

    # pytorch-fid --save-stats writes np.savez_compressed(path, mu=mu, sigma=sigma).
    mu, sigma = activation_statistics(sets["basic_a"])
    np.savez_compressed(OUT / "basic_a_stats.npz", mu=mu, sigma=sigma)
    # The same features stored Fortran-ordered and big-endian float64, for the .npy reader.
    np.save(OUT / "basic_a_fortran_be.npy", np.asfortranarray(sets["basic_a"].astype(">f8")))

    kid_value = kid(sets["basic_a"], sets["basic_b"])
    doc = {"generated_by": "libs/metrics/scripts/make_fid_fixtures.py", "numpy": np.__version__,
           "scipy": __import__("scipy").__version__, "mpmath": mpmath.__version__,
           "cases": cases, "kid_basic": kid_value}
    (OUT / "reference.json").write_text(json.dumps(doc, indent=1) + "\n")
    print("kid", kid_value)


if __name__ == "__main__":
    main()
