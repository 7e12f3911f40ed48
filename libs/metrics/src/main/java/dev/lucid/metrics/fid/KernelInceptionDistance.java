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

    /**
     * KID of many draws (with repeats) from one generated set against one reference set, each draw given as a count
     * per generated vector: the kernel between every two generated vectors and each one's kernel sum against the
     * reference are computed once, so a draw costs O(n²) additions instead of O((n + m)² D) multiplications. Equal
     * to {@link #between} on the draw's vectors up to rounding (sums taken in another order).
     */
    public static final class Draws {
        /** Most generated vectors (the n×n kernel is held: 32 MiB at this bound). */
        public static final int MAX_GENERATED = 2048;
        private final int n;
        private final int m;
        private final double[] kernel;
        private final double[] referenceSums;
        private final double referenceTerm;

        /** Generated x (n×D) and reference y (m×D), row-major, n ≤ {@link #MAX_GENERATED}, m ≥ 2. */
        public Draws(double[] x, int n, double[] y, int m, int d) {
            if (n < 1 || x.length != (long) n * d) {
                throw new IllegalArgumentException("the first set has " + x.length + " values, expected " + n + "×" + d);
            }
            check(y, m, d, "second");
            if (n > MAX_GENERATED) {
                throw new IllegalArgumentException("at most " + MAX_GENERATED + " generated vectors, got " + n);
            }
            this.n = n;
            this.m = m;
            this.kernel = new double[n * n];
            LinearAlgebra.blas().dgemm("T", "N", n, n, d, 1.0 / d, x, d, x, d, 0.0, kernel, n);
            for (int i = 0; i < kernel.length; i++) {
                double k = kernel[i] + 1.0;
                kernel[i] = k * k * k;
            }
            double[] cross = new double[n * m];
            LinearAlgebra.blas().dgemm("T", "N", n, m, d, 1.0 / d, x, d, y, d, 0.0, cross, n);
            this.referenceSums = new double[n];
            for (int j = 0; j < m; j++) {
                for (int i = 0; i < n; i++) {
                    double k = cross[i + j * n] + 1.0;
                    referenceSums[i] += k * k * k;
                }
            }
            this.referenceTerm = kernelSum(y, m, y, m, d, true) / ((double) m * (m - 1));
        }

        /** KID of the draw holding generated vector i {@code counts[i]} times; NaN for fewer than 2 vectors. */
        public double kid(int[] counts) {
            if (counts.length != n) {
                throw new IllegalArgumentException("a draw needs " + n + " counts, got " + counts.length);
            }
            long size = 0;
            double kxx = 0;
            double kxy = 0;
            for (int i = 0; i < n; i++) {
                int ci = counts[i];
                if (ci == 0) {
                    continue;
                }
                size += ci;
                double row = 0;
                for (int j = 0; j < n; j++) {
                    row += counts[j] * kernel[i + j * n];
                }
                // Pairs of distinct positions: a vector drawn twice meets its copy, never itself.
                kxx += ci * (row - kernel[i + i * n]);
                kxy += ci * referenceSums[i];
            }
            if (size < 2) {
                return Double.NaN;
            }
            return kxx / ((double) size * (size - 1)) + referenceTerm - 2 * kxy / ((double) size * m);
        }
    }
}
