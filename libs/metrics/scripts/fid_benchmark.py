#!/usr/bin/python3
"""FID on N × D features (default 10,000 × 2048, float32 like Inception pool3): Lucid vs numpy/scipy, same machine, same run.

Both sides start from features in memory and compute mean, unbiased covariance and the Fréchet distance:
numpy/scipy the way pytorch-fid does (np.mean, np.cov, scipy.linalg.sqrtm of sigma1·sigma2), Lucid with
FeatureMoments (streamed in batches of 500) and FrechetDistance. Prints both times and their ratio.

    ./mvnw -B -ntp -q -pl libs/metrics -am test-compile   # once
    /usr/bin/python3 libs/metrics/scripts/fid_benchmark.py [--n 10000] [--d 2048]
"""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from make_fid_fixtures import frechet_distance  # noqa: E402

MODULE = pathlib.Path(__file__).resolve().parents[1]
REPO = MODULE.parents[1]


def java_classpath():
    out = pathlib.Path(tempfile.mkstemp(suffix=".classpath")[1])
    subprocess.run([str(REPO / "mvnw"), "-B", "-ntp", "-q", "-pl", "libs/metrics", "dependency:build-classpath",
                    "-Dmdep.outputFile=" + str(out)], cwd=REPO, check=True)
    deps = out.read_text().strip()
    out.unlink()
    return os.pathsep.join([str(MODULE / "target/classes"), str(MODULE / "target/test-classes"), deps])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=10_000)
    p.add_argument("--d", type=int, default=2048)
    args = p.parse_args()
    if not (MODULE / "target/test-classes/dev/lucid/metrics/fid/FidBenchmark.class").exists():
        sys.exit("build first: ./mvnw -B -ntp -q -pl libs/metrics -am test-compile")
    rng = np.random.default_rng(7)
    mix_a = rng.standard_normal((args.d, args.d)) / np.sqrt(args.d)
    mix_b = mix_a + 0.2 * rng.standard_normal((args.d, args.d)) / np.sqrt(args.d)
    a = (np.maximum(rng.standard_normal((args.n, args.d)) @ mix_a, 0)).astype(np.float32)
    b = (np.maximum(rng.standard_normal((args.n, args.d)) @ mix_b + 0.05, 0)).astype(np.float32)
    with tempfile.TemporaryDirectory() as tmp:
        pa, pb = pathlib.Path(tmp) / "a.npy", pathlib.Path(tmp) / "b.npy"
        np.save(pa, a)
        np.save(pb, b)
        cp = java_classpath()
        java = subprocess.run(["java", "-Xmx8g", "-cp", cp, "dev.lucid.metrics.fid.FidBenchmark", str(pa), str(pb)],
                              check=True, capture_output=True, text=True)
        lucid = json.loads(java.stdout.strip().splitlines()[-1])

    start = time.perf_counter()
    mu1, s1 = np.mean(a, axis=0), np.cov(a, rowvar=False)
    mu2, s2 = np.mean(b, axis=0), np.cov(b, rowvar=False)
    moments = time.perf_counter()
    value, _, _ = frechet_distance(mu1, s1, mu2, s2)
    end = time.perf_counter()
    scipy_seconds = end - start

    print(f"FID benchmark: N={args.n}, D={args.d}, float32 features, {os.cpu_count()} CPUs")
    print(f"  numpy {np.__version__} / scipy {__import__('scipy').__version__}: {scipy_seconds:.2f} s "
          f"(mean+cov {moments - start:.2f} s, sqrtm distance {end - moments:.2f} s), FID {value:.9f}")
    print(f"  Lucid ({lucid['linear_algebra']}): {lucid['seconds']:.2f} s "
          f"(moments {lucid['moments_seconds']:.2f} s, distance {lucid['distance_seconds']:.2f} s), FID {lucid['fid']:.9f}")
    print(f"  relative difference {abs(lucid['fid'] - value) / abs(value):.2e}")
    print(f"  time ratio Lucid / numpy-scipy = {lucid['seconds'] / scipy_seconds:.3f} (goal <= 0.5)")


if __name__ == "__main__":
    main()
