package dev.lucid.metrics.fid;

import dev.lucid.metrics.LinearAlgebra;
import org.netlib.util.intW;

/**
 * Fréchet distance between two Gaussians: ‖μ1−μ2‖² + Tr(Σ1) + Tr(Σ2) − 2·Tr((Σ1Σ2)^½).
 *
 * <p>The trace term is computed without a non-symmetric matrix square root: the eigenvalues of Σ1Σ2 equal
 * those of the symmetric positive semi-definite matrix Aᵀ·Σ2·A for any A with A·Aᵀ = Σ1, so
 * Tr((Σ1Σ2)^½) = Σ √λᵢ(Aᵀ·Σ2·A). A is the Cholesky factor of Σ1 when Σ1 is numerically positive
 * definite; otherwise (singular covariances, e.g. N ≤ D or constant features) A = V·Λ^½ from Σ1's
 * eigendecomposition, where eigenvalues at or below {@link #SINGULAR_EPSILON}·D·λmax — rounding noise of
 * an exactly singular matrix — count as 0. Negative eigenvalues of Aᵀ·Σ2·A (rounding) count as 0 too.
 * No complex arithmetic, no added diagonal offset.
 */
public final class FrechetDistance {
    /** Relative eigenvalue cut-off (machine epsilon) for singular covariances, scaled by D·λmax. */
    public static final double SINGULAR_EPSILON = 0x1p-52;

    private FrechetDistance() {
    }

    /** The Fréchet distance between the two fitted Gaussians. */
    public static double between(GaussianStatistics a, GaussianStatistics b) {
        int d = a.dimension();
        if (b.dimension() != d) {
            throw new IllegalArgumentException("feature dimensions differ: '" + a.setId() + "' has " + d + ", '"
                    + b.setId() + "' has " + b.dimension());
        }
        double meanTerm = 0;
        for (int i = 0; i < d; i++) {
            double diff = a.mean()[i] - b.mean()[i];
            meanTerm += diff * diff;
        }
        double traces = 0;
        for (int i = 0; i < d; i++) {
            traces += a.covariance()[i * d + i] + b.covariance()[i * d + i];
        }
        return meanTerm + traces - 2 * traceSqrtProduct(a.covariance(), b.covariance(), d, false);
    }

    /**
     * Tr((Σ1Σ2)^½) for symmetric PSD D×D matrices (row-major or column-major: both are symmetric).
     *
     * @param forceEigen use the eigendecomposition path even where Cholesky succeeds (tests compare both)
     */
    static double traceSqrtProduct(double[] sigma1, double[] sigma2, int d, boolean forceEigen) {
        double[] factor = forceEigen ? null : choleskyFactor(sigma1, d);
        double[] m;
        if (factor != null) {
            // M = Lᵀ·Σ2·L with L lower triangular (column-major): two triangular multiplies.
            m = sigma2.clone();
            LinearAlgebra.blas().dtrmm("R", "L", "N", "N", d, d, 1.0, factor, d, m, d);
            LinearAlgebra.blas().dtrmm("L", "L", "T", "N", d, d, 1.0, factor, d, m, d);
        } else {
            double[] a = eigenFactor(sigma1, d);
            double[] w = new double[d * d];
            LinearAlgebra.blas().dgemm("N", "N", d, d, d, 1.0, sigma2, d, a, d, 0.0, w, d);
            m = new double[d * d];
            LinearAlgebra.blas().dgemm("T", "N", d, d, d, 1.0, a, d, w, d, 0.0, m, d);
        }
        double[] eigenvalues = symmetricEigen(m, d, false);
        double sum = 0;
        for (double lambda : eigenvalues) {
            sum += Math.sqrt(Math.max(lambda, 0.0));
        }
        return sum;
    }

    /** The lower Cholesky factor of sigma (column-major, upper part zeroed), or null when not positive definite. */
    static double[] choleskyFactor(double[] sigma, int d) {
        double[] l = sigma.clone();
        intW info = new intW(0);
        LinearAlgebra.lapack().dpotrf("L", d, l, d, info);
        if (info.val != 0) {
            return null;
        }
        for (int j = 1; j < d; j++) {
            for (int i = 0; i < j; i++) {
                l[i + j * d] = 0.0;
            }
        }
        return l;
    }

    /** A = V·Λ^½ (column-major) with A·Aᵀ = sigma, eigenvalues below the cut-off set to 0. */
    static double[] eigenFactor(double[] sigma, int d) {
        double[] v = sigma.clone();
        double[] lambda = symmetricEigenInPlace(v, d, true);
        double max = 0;
        for (double x : lambda) {
            max = Math.max(max, x);
        }
        double cutoff = SINGULAR_EPSILON * d * max;
        for (int j = 0; j < d; j++) {
            double s = lambda[j] > cutoff ? Math.sqrt(lambda[j]) : 0.0;
            for (int i = 0; i < d; i++) {
                v[i + j * d] *= s;
            }
        }
        return v;
    }

    private static double[] symmetricEigen(double[] m, int d, boolean vectors) {
        return symmetricEigenInPlace(m.clone(), d, vectors);
    }

    /** Eigenvalues (ascending) of a symmetric matrix via LAPACK dsyevd; with vectors, they replace the matrix. */
    static double[] symmetricEigenInPlace(double[] m, int d, boolean vectors) {
        String job = vectors ? "V" : "N";
        double[] w = new double[d];
        double[] work = new double[1];
        int[] iwork = new int[1];
        intW info = new intW(0);
        LinearAlgebra.lapack().dsyevd(job, "U", d, m, d, w, work, -1, iwork, -1, info);
        work = new double[(int) work[0]];
        iwork = new int[Math.max(1, iwork[0])];
        LinearAlgebra.lapack().dsyevd(job, "U", d, m, d, w, work, work.length, iwork, iwork.length, info);
        if (info.val != 0) {
            throw new ArithmeticException("symmetric eigendecomposition did not converge (LAPACK dsyevd info " + info.val + ")");
        }
        return w;
    }
}
