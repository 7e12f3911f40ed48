package dev.lucid.metrics.fid;

import java.util.Objects;

/**
 * Mean and unbiased (N−1) covariance of one feature set, with its size and id. The covariance is a full
 * symmetric D×D matrix in row-major order. Arrays are held, not copied: callers must not change them.
 *
 * @param setId      which feature set (e.g. "coco-10k/inception-v3" or "model:des/stratum:benign-simple")
 * @param n          number of feature vectors; 0 when unknown (statistics files such as pytorch-fid's hold no N)
 * @param mean       length D
 * @param covariance length D·D, row-major
 */
public record GaussianStatistics(String setId, long n, double[] mean, double[] covariance) {
    /** Largest feature dimension accepted (its covariance is 512 MiB). */
    public static final int MAX_DIMENSION = 8192;

    /** Validates sizes, finiteness, symmetry and non-negative variances. */
    public GaussianStatistics {
        Objects.requireNonNull(setId, "setId");
        Objects.requireNonNull(mean, "mean");
        Objects.requireNonNull(covariance, "covariance");
        if (setId.isBlank()) {
            throw new IllegalArgumentException("feature set id is blank");
        }
        if (n < 0 || n == 1) {
            throw new IllegalArgumentException("feature set '" + setId + "': N must be 0 (unknown) or at least 2, got " + n);
        }
        int d = mean.length;
        if (d == 0 || d > MAX_DIMENSION) {
            throw new IllegalArgumentException("feature set '" + setId + "': dimension must be 1.." + MAX_DIMENSION + ", got " + d);
        }
        if (covariance.length != (long) d * d) {
            throw new IllegalArgumentException("feature set '" + setId + "': covariance has " + covariance.length
                    + " entries, expected " + d + "×" + d);
        }
        for (int i = 0; i < d; i++) {
            if (!Double.isFinite(mean[i])) {
                throw new IllegalArgumentException("feature set '" + setId + "': mean[" + i + "] is not finite");
            }
            for (int j = i; j < d; j++) {
                double a = covariance[i * d + j];
                double b = covariance[j * d + i];
                if (!Double.isFinite(a) || !Double.isFinite(b)) {
                    throw new IllegalArgumentException("feature set '" + setId + "': covariance[" + i + "][" + j + "] is not finite");
                }
                // np.cov output is symmetric up to rounding; anything more is not a covariance.
                if (Math.abs(a - b) > 1e-6 * (Math.abs(a) + Math.abs(b)) + 1e-300) {
                    throw new IllegalArgumentException("feature set '" + setId + "': covariance is not symmetric at ["
                            + i + "][" + j + "]: " + a + " vs " + b);
                }
            }
            if (covariance[i * d + i] < 0) {
                throw new IllegalArgumentException("feature set '" + setId + "': covariance has a negative variance at [" + i + "][" + i + "]");
            }
        }
    }

    /** Feature dimension D. */
    public int dimension() {
        return mean.length;
    }

    /** Whether N is recorded. */
    public boolean sizeKnown() {
        return n > 0;
    }
}
