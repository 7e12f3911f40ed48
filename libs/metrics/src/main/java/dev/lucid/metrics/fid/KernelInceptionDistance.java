package dev.lucid.metrics.fid;

import dev.lucid.metrics.LinearAlgebra;

/**
 * KID: the unbiased estimate of squared MMD between two feature sets with the cubic polynomial kernel
 * k(x, y) = (xᵀy / D + 1)³, over all pairs of the two sets (no subsets). Unlike FID it is unbiased in N,
 * so it suits small sets. Features are held in memory; sizes are bounded by {@link #MAX_VECTORS}.
 */
public final class KernelInceptionDistance {
    /** Most vectors per set. */
    public static final int MAX_VECTORS = 50_000;
    /** Gram entries held at once (32 MiB of doubles). */
    private static final int GRAM_ENTRIES = 1 << 22;

    private KernelInceptionDistance() {
    }

    /**
     * KID between row-major feature sets x (n×D) and y (m×D), n, m ≥ 2.
     */
    public static double between(double[] x, int n, double[] y, int m, int d) {
        check(x, n, d, "first");
        check(y, m, d, "second");
        double kxx = kernelSum(x, n, x, n, d, true);
        double kyy = kernelSum(y, m, y, m, d, true);
        double kxy = kernelSum(x, n, y, m, d, false);
        return kxx / ((double) n * (n - 1)) + kyy / ((double) m * (m - 1)) - 2 * kxy / ((double) n * m);
    }

    private static void check(double[] a, int rows, int d, String which) {
        if (d < 1) {
            throw new IllegalArgumentException("feature dimension must be positive, got " + d);
        }
        if (rows < 2 || rows > MAX_VECTORS) {
            throw new IllegalArgumentException("KID needs 2.." + MAX_VECTORS + " vectors per set; the " + which + " set has " + rows);
        }
        if (a.length != (long) rows * d) {
            throw new IllegalArgumentException("the " + which + " set has " + a.length + " values, expected " + rows + "×" + d);
        }
        for (double v : a) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("the " + which + " set has a non-finite value");
            }
        }
    }

    /** Σ k(a_i, b_j) over all pairs, leaving out i = j when the sets are the same. Blocked to bound memory. */
    private static double kernelSum(double[] a, int n, double[] b, int m, int d, boolean sameSet) {
        double sum = 0;
        int blockRows = Math.max(1, Math.min(n, GRAM_ENTRIES / m));
        double[] gram = new double[blockRows * m];
        for (int start = 0; start < n; start += blockRows) {
            int rows = Math.min(blockRows, n - start);
            double[] block = new double[rows * d];
            System.arraycopy(a, start * d, block, 0, rows * d);
            // Column-major views: block is D×rows, b is D×m; gram = blockᵀ·b (rows×m, column-major).
            LinearAlgebra.blas().dgemm("T", "N", rows, m, d, 1.0 / d, block, d, b, d, 0.0, gram, rows);
            for (int j = 0; j < m; j++) {
                for (int i = 0; i < rows; i++) {
                    if (sameSet && start + i == j) {
                        continue;
                    }
                    double k = gram[i + j * rows] + 1.0;
                    sum += k * k * k;
                }
            }
        }
        return sum;
    }
}
