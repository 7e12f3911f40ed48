package dev.lucid.metrics.fid;

import dev.lucid.metrics.LinearAlgebra;

/**
 * Streaming mean and covariance of feature vectors: batches are folded in as they arrive (Chan et al.'s
 * pairwise update), so a caller never holds more than one batch. Not thread-safe; merge per-thread instances.
 */
public final class FeatureMoments {
    /** Rows folded in per BLAS call; bounds the centred copy to CHUNK·D doubles. */
    private static final int CHUNK = 512;

    private final int dimension;
    private final double[] mean;
    /** Scatter matrix Σ(x−mean)(x−mean)ᵀ; upper triangle in column-major order (LAPACK "U"). */
    private final double[] scatter;
    private long count;

    /** An empty accumulator for vectors of the given dimension. */
    public FeatureMoments(int dimension) {
        if (dimension < 1 || dimension > GaussianStatistics.MAX_DIMENSION) {
            throw new IllegalArgumentException("feature dimension must be 1.." + GaussianStatistics.MAX_DIMENSION + ", got " + dimension);
        }
        this.dimension = dimension;
        this.mean = new double[dimension];
        this.scatter = new double[dimension * dimension];
    }

    /** Feature dimension D. */
    public int dimension() {
        return dimension;
    }

    /** Number of vectors folded in so far. */
    public long count() {
        return count;
    }

    /** Folds in vectors given as rows. */
    public void add(float[][] rows) {
        int d = dimension;
        for (int start = 0; start < rows.length; start += CHUNK) {
            int b = Math.min(CHUNK, rows.length - start);
            double[] chunk = new double[b * d];
            for (int r = 0; r < b; r++) {
                float[] row = rows[start + r];
                checkRow(row == null ? -1 : row.length, start + r);
                for (int j = 0; j < d; j++) {
                    chunk[r * d + j] = row[j];
                }
            }
            addChunk(chunk, b);
        }
    }

    /** Folds in vectors given as rows. */
    public void add(double[][] rows) {
        int d = dimension;
        for (int start = 0; start < rows.length; start += CHUNK) {
            int b = Math.min(CHUNK, rows.length - start);
            double[] chunk = new double[b * d];
            for (int r = 0; r < b; r++) {
                double[] row = rows[start + r];
                checkRow(row == null ? -1 : row.length, start + r);
                System.arraycopy(row, 0, chunk, r * d, d);
            }
            addChunk(chunk, b);
        }
    }

    /** Folds in {@code rows} vectors stored row-major in {@code data} (length rows·D). */
    public void addRowMajor(float[] data, int rows) {
        if (rows < 0 || (long) rows * dimension != data.length) {
            throw new IllegalArgumentException("expected " + rows + "×" + dimension + " values, got " + data.length);
        }
        int d = dimension;
        for (int start = 0; start < rows; start += CHUNK) {
            int b = Math.min(CHUNK, rows - start);
            double[] chunk = new double[b * d];
            int off = start * d;
            for (int k = 0; k < b * d; k++) {
                chunk[k] = data[off + k];
            }
            addChunk(chunk, b);
        }
    }

    /** Folds in {@code rows} vectors stored row-major in {@code data} (length rows·D). */
    public void addRowMajor(double[] data, int rows) {
        if (rows < 0 || (long) rows * dimension != data.length) {
            throw new IllegalArgumentException("expected " + rows + "×" + dimension + " values, got " + data.length);
        }
        int d = dimension;
        for (int start = 0; start < rows; start += CHUNK) {
            int b = Math.min(CHUNK, rows - start);
            double[] chunk = new double[b * d];
            System.arraycopy(data, start * d, chunk, 0, b * d);
            addChunk(chunk, b);
        }
    }

    /** Folds in everything another accumulator has seen (e.g. one filled by another worker). */
    public void merge(FeatureMoments other) {
        if (other.dimension != dimension) {
            throw new IllegalArgumentException("cannot merge feature moments of dimension " + other.dimension + " into " + dimension);
        }
        if (other.count == 0) {
            return;
        }
        for (int k = 0; k < scatter.length; k++) {
            scatter[k] += other.scatter[k];
        }
        combineMeans(other.mean, other.count);
    }

    /** The mean and unbiased covariance so far, labelled with the set id. Needs at least two vectors. */
    public GaussianStatistics statistics(String setId) {
        if (count < 2) {
            throw new IllegalStateException("a covariance needs at least 2 feature vectors, have " + count);
        }
        int d = dimension;
        double[] cov = new double[d * d];
        double scale = 1.0 / (count - 1);
        for (int j = 0; j < d; j++) {
            for (int i = 0; i <= j; i++) {
                double v = scatter[i + j * d] * scale;
                cov[i * d + j] = v;
                cov[j * d + i] = v;
            }
        }
        return new GaussianStatistics(setId, count, mean.clone(), cov);
    }

    private void checkRow(int length, int index) {
        if (length != dimension) {
            throw new IllegalArgumentException("feature vector " + index + " has " + (length < 0 ? "no values" : length + " values")
                    + ", expected " + dimension);
        }
    }

    /** Centres the chunk on its own mean, adds its scatter with one rank-k update, then merges the means. */
    private void addChunk(double[] chunk, int b) {
        int d = dimension;
        double[] chunkMean = new double[d];
        for (int r = 0; r < b; r++) {
            int off = r * d;
            for (int j = 0; j < d; j++) {
                double v = chunk[off + j];
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("feature value at row " + (count + r) + ", column " + j + " is not finite");
                }
                chunkMean[j] += v;
            }
        }
        for (int j = 0; j < d; j++) {
            chunkMean[j] /= b;
        }
        for (int r = 0; r < b; r++) {
            int off = r * d;
            for (int j = 0; j < d; j++) {
                chunk[off + j] -= chunkMean[j];
            }
        }
        // Row-major b×D is column-major D×b, so A·Aᵀ is the D×D scatter of the centred rows.
        LinearAlgebra.blas().dsyrk("U", "N", d, b, 1.0, chunk, d, 1.0, scatter, d);
        combineMeans(chunkMean, b);
    }

    /** Adds the between-means term n_a·n_b/n·δδᵀ to the scatter and moves the mean. */
    private void combineMeans(double[] otherMean, long otherCount) {
        int d = dimension;
        long total = count + otherCount;
        double[] delta = new double[d];
        for (int j = 0; j < d; j++) {
            delta[j] = otherMean[j] - mean[j];
        }
        if (count > 0) {
            LinearAlgebra.blas().dsyr("U", d, (double) count * otherCount / total, delta, 1, scatter, d);
        }
        double w = (double) otherCount / total;
        for (int j = 0; j < d; j++) {
            mean[j] += delta[j] * w;
        }
        count = total;
    }
}
