package dev.lucid.metrics.fid;

import dev.lucid.metrics.LinearAlgebra;

/**
 * A fixed reference Gaussian (μ2, Σ2) prepared for many Fréchet distances against it, as a bootstrap needs: Σ2 is
 * factored once as B·Bᵀ (Cholesky, or V·Λ^½ where Σ2 is singular, as in {@link FrechetDistance}), and sample features
 * are mapped to y = Bᵀ·x. The eigenvalues of Σ1·Σ2 equal those of Bᵀ·Σ1·B, the covariance of the mapped features,
 * so a distance needs one symmetric eigenproblem and no product with Σ2 — or, for fewer rows than dimensions, the
 * eigenvalues of the mapped rows' Gram matrix (its nonzero eigenvalues are the same).
 */
public final class FrechetReference {
    private final GaussianStatistics statistics;
    private final double[] factor;
    private final double trace;

    public FrechetReference(GaussianStatistics statistics) {
        this.statistics = statistics;
        int d = statistics.dimension();
        double[] l = FrechetDistance.choleskyFactor(statistics.covariance(), d);
        this.factor = l != null ? l : FrechetDistance.eigenFactor(statistics.covariance(), d);
        double t = 0;
        for (int i = 0; i < d; i++) {
            t += statistics.covariance()[i * d + i];
        }
        this.trace = t;
    }

    /** The reference statistics. */
    public GaussianStatistics statistics() {
        return statistics;
    }

    /** Feature dimension D. */
    public int dimension() {
        return statistics.dimension();
    }

    /** Maps rows (row-major, {@code rows}×D) to Y = X·B, so that each row is Bᵀ·x. */
    public double[] map(double[] x, int rows) {
        int d = dimension();
        if (x.length != rows * d) {
            throw new IllegalArgumentException(x.length + " values are not " + rows + " rows of D=" + d);
        }
        // Column-major, x is Xᵀ (D×rows): Yᵀ = Bᵀ·Xᵀ.
        double[] y = new double[rows * d];
        LinearAlgebra.blas().dgemm("T", "N", d, rows, d, 1.0, factor, d, x, d, 0.0, y, d);
        return y;
    }

    /**
     * The Fréchet distance to a sample Gaussian given by its mean, the trace of its covariance Σ1 and the symmetric
     * matrix Bᵀ·Σ1·B (column-major, upper triangle read; overwritten).
     */
    public double distance(double[] mean, double sampleTrace, double[] mappedCovariance) {
        return meanTerm(mean) + sampleTrace + trace - 2 * sqrtEigenSum(mappedCovariance, dimension());
    }

    /**
     * The Fréchet distance to a sample Gaussian given by its mean, the trace of its covariance and the Gram matrix
     * Yc·Ycᵀ / divisor of its centred mapped rows ({@code rows}×{@code rows}, upper triangle read; overwritten): for
     * fewer rows than dimensions, O(rows³) instead of O(D³).
     */
    public double distanceFromGram(double[] mean, double sampleTrace, double[] gram, int rows) {
        return meanTerm(mean) + sampleTrace + trace - 2 * sqrtEigenSum(gram, rows);
    }

    private double meanTerm(double[] mean) {
        double[] mu = statistics.mean();
        if (mean.length != mu.length) {
            throw new IllegalArgumentException("a mean of " + mean.length + " features against D=" + mu.length);
        }
        double s = 0;
        for (int i = 0; i < mu.length; i++) {
            double diff = mean[i] - mu[i];
            s += diff * diff;
        }
        return s;
    }

    /** Σ √max(λ, 0) over the eigenvalues of a symmetric matrix (negative ones are rounding). */
    private static double sqrtEigenSum(double[] m, int n) {
        double sum = 0;
        for (double lambda : FrechetDistance.symmetricEigenInPlace(m, n, false)) {
            sum += Math.sqrt(Math.max(lambda, 0.0));
        }
        return sum;
    }
}
