package dev.lucid.metrics.fid;

import dev.lucid.metrics.LinearAlgebra;
import java.nio.file.Path;

/**
 * Times Lucid's FID on two .npy feature files (run by scripts/fid_benchmark.py, not a test): features are
 * loaded first (untimed), then streamed in batches of 500 rows into moments and the distance is computed.
 * Prints one JSON line.
 */
public final class FidBenchmark {
    private FidBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        NumpyArray a = NumpyArray.readNpy(Path.of(args[0]));
        NumpyArray b = NumpyArray.readNpy(Path.of(args[1]));
        float[] fa = toFloat(a.data());
        float[] fb = toFloat(b.data());
        int d = (int) a.shape()[1];
        long start = System.nanoTime();
        GaussianStatistics sa = stream(fa, d, "a");
        GaussianStatistics sb = stream(fb, d, "b");
        long moments = System.nanoTime();
        double fid = FrechetDistance.between(sa, sb);
        long end = System.nanoTime();
        System.out.printf(java.util.Locale.ROOT,
                "{\"fid\": %.12f, \"seconds\": %.3f, \"moments_seconds\": %.3f, \"distance_seconds\": %.3f, \"linear_algebra\": \"%s\"}%n",
                fid, (end - start) / 1e9, (moments - start) / 1e9, (end - moments) / 1e9, LinearAlgebra.implementation());
    }

    private static float[] toFloat(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = (float) x[i];
        }
        return f;
    }

    private static GaussianStatistics stream(float[] rows, int d, String id) {
        FeatureMoments m = new FeatureMoments(d);
        int n = rows.length / d;
        int batch = 500;
        for (int start = 0; start < n; start += batch) {
            int b = Math.min(batch, n - start);
            float[] chunk = new float[b * d];
            System.arraycopy(rows, start * d, chunk, 0, b * d);
            m.addRowMajor(chunk, b);
        }
        return m.statistics(id);
    }
}
