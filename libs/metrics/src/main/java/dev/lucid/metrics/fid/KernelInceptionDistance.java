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
     * KID of many draws (with repeats) from one generated set against one reference set. The generated vectors fall
     * into groups that are drawn whole (a prompt's images), and each draw is given as a count per group: the kernel
     * sums between every two groups and each group's kernel sum against the reference are computed once, so a draw
     * costs O(groups²) additions instead of O((n + m)² D) multiplications. Equal to {@link #between} on the draw's
     * vectors up to rounding (sums taken in another order).
     */
    public static final class Draws {
        /** Most generated vectors (the n×n kernel is held while the groups' sums are made: 32 MiB at this bound). */
        public static final int MAX_GENERATED = 2048;
        private final int groups;
        private final int m;
        private final double[] kernel;
        private final double[] self;
        private final int[] sizes;
        private final double[] referenceSums;
        private final double referenceTerm;

        /** Generated x (n×D) and reference y (m×D), row-major, n ≤ {@link #MAX_GENERATED}, m ≥ 2; each vector its own group. */
        public Draws(double[] x, int n, double[] y, int m, int d) {
            this(x, n, y, m, d, identity(n), n);
        }

        /**
         * Generated x (n×D) and reference y (m×D), row-major, n ≤ {@link #MAX_GENERATED}, m ≥ 2; vector i belongs to
         * group {@code group[i]}, one of {@code groups} (a group may be empty).
         */
        public Draws(double[] x, int n, double[] y, int m, int d, int[] group, int groups) {
            if (n < 1 || x.length != (long) n * d) {
                throw new IllegalArgumentException("the first set has " + x.length + " values, expected " + n + "×" + d);
            }
            check(y, m, d, "second");
            if (n > MAX_GENERATED) {
                throw new IllegalArgumentException("at most " + MAX_GENERATED + " generated vectors, got " + n);
            }
            if (group.length != n) {
                throw new IllegalArgumentException("a group is needed for each of the " + n + " vectors, got " + group.length);
            }
            if (groups < 1 || groups > MAX_GENERATED) {
                throw new IllegalArgumentException("groups must be 1.." + MAX_GENERATED + ", got " + groups);
            }
            for (int v : group) {
                if (v < 0 || v >= groups) {
                    throw new IllegalArgumentException("group " + v + " is outside 0.." + (groups - 1));
                }
            }
            int g = groups;
            this.groups = groups;
            this.m = m;
            double[] full = new double[n * n];
            LinearAlgebra.blas().dgemm("T", "N", n, n, d, 1.0 / d, x, d, x, d, 0.0, full, n);
            this.kernel = new double[g * g];
            this.self = new double[g];
            this.sizes = new int[g];
            for (int j = 0; j < n; j++) {
                sizes[group[j]]++;
                for (int i = 0; i < n; i++) {
                    double k = full[i + j * n] + 1.0;
                    double cube = k * k * k;
                    kernel[group[i] + group[j] * g] += cube;
                    if (i == j) {
                        self[group[i]] += cube;
                    }
                }
            }
            double[] cross = new double[n * m];
            LinearAlgebra.blas().dgemm("T", "N", n, m, d, 1.0 / d, x, d, y, d, 0.0, cross, n);
            this.referenceSums = new double[g];
            for (int j = 0; j < m; j++) {
                for (int i = 0; i < n; i++) {
                    double k = cross[i + j * n] + 1.0;
                    referenceSums[group[i]] += k * k * k;
                }
            }
            this.referenceTerm = kernelSum(y, m, y, m, d, true) / ((double) m * (m - 1));
        }

        private static int[] identity(int n) {
            int[] g = new int[n];
            for (int i = 0; i < n; i++) {
                g[i] = i;
            }
            return g;
        }

        /** KID of the draw holding group i {@code counts[i]} times; NaN for fewer than 2 vectors. */
        public double kid(int[] counts) {
            if (counts.length != groups) {
                throw new IllegalArgumentException("a draw needs " + groups + " counts, got " + counts.length);
            }
            long size = 0;
            double kxx = 0;
            double kxy = 0;
            for (int i = 0; i < groups; i++) {
                int ci = counts[i];
                if (ci == 0) {
                    continue;
                }
                size += (long) ci * sizes[i];
                double row = 0;
                for (int j = 0; j < groups; j++) {
                    row += counts[j] * kernel[i + j * groups];
                }
                // Pairs of distinct positions: a vector drawn twice meets its copy, never itself.
                kxx += ci * (row - self[i]);
                kxy += ci * referenceSums[i];
            }
            if (size < 2) {
                return Double.NaN;
            }
            return kxx / ((double) size * (size - 1)) + referenceTerm - 2 * kxy / ((double) size * m);
        }
    }
}
