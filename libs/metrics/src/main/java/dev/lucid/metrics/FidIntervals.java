package dev.lucid.metrics;

import dev.lucid.metrics.fid.FrechetReference;
import dev.lucid.metrics.fid.GaussianStatistics;
import dev.lucid.metrics.stats.Bootstrap;
import dev.lucid.metrics.stats.ConfidenceInterval;

import java.util.List;

/**
 * Bootstrap intervals for FID against a fixed reference, resampling prompts (all images of a drawn prompt come
 * along, repeated as often as drawn). Each resample refits the Gaussian, so this is for small sets such as the
 * mini world's, or for fewer images than dimensions (e.g. a few dozen images against Inception's 2048), where each
 * resample costs O(N·D² + N³) instead of O(D³) ({@link FrechetReference#distanceFromGram}); the cost is bounded by
 * {@link #MAX_WORK}. The reference is factored once, and with at least D images each prompt's moments are summed
 * once, so a resample costs one D×D eigenproblem plus a sum over the drawn prompts. A single FID's percentile interval is biased upwards
 * (duplicated images raise FID), so the base's estimate sits near the bottom of its own interval: compare models
 * with {@link #pairedDelta}, which resamples the same prompts and seeds for both.
 */
public final class FidIntervals {
    /** Upper bound on resamples × (N·D² + 10·D³) multiply-adds (N·D² + N²·D + 10·N³ when N < D). */
    public static final double MAX_WORK = 5e11;
    /** Most values of per-prompt moment matrices kept for one stratum (32 MiB); beyond it each resample sums rows. */
    static final long MOMENT_BUDGET = 4L << 20;

    private FidIntervals() {
    }

    /** FID of the generated images against the reference, with its interval. */
    public static ConfidenceInterval fid(List<ImageFeatures> generated, GaussianStatistics reference, Bootstrap bootstrap) {
        FrechetReference ref = new FrechetReference(reference);
        Rows rows = Rows.of(PromptGroups.perImage(generated, ImageFeatures::promptId, ImageFeatures::seed), ref, bootstrap);
        return bootstrap.interval(rows.groups.size(), rows::fid);
    }

    /** FID(model) − FID(baseline) against the same reference, resampling the same prompts (same prompts and seeds required). */
    public static ConfidenceInterval pairedDelta(List<ImageFeatures> model, List<ImageFeatures> baseline,
                                                 GaussianStatistics reference, Bootstrap bootstrap) {
        FrechetReference ref = new FrechetReference(reference);
        PromptGroups<ImageFeatures> base = PromptGroups.perImage(baseline, ImageFeatures::promptId, ImageFeatures::seed);
        PromptGroups<ImageFeatures> aligned = PromptGroups.perImage(model, ImageFeatures::promptId, ImageFeatures::seed).alignedTo(base);
        Rows b = Rows.of(base, ref, bootstrap);
        Rows m = Rows.of(aligned, ref, bootstrap);
        return bootstrap.interval(base.size(), idx -> m.fid(idx) - b.fid(idx));
    }

    /**
     * A stratum's features prepared for resampled FIDs: centred on their overall mean c (so that moments summed per
     * prompt lose no precision), with each prompt's sum of x − c and of ‖x − c‖², and the rows mapped by the
     * reference's factor (y = Bᵀ(x − c)). With at least 2·D images, and where they fit {@link #MOMENT_BUDGET}, each
     * prompt's Σ y·yᵀ is summed once, so a resample adds one packed matrix per drawn prompt instead of a product
     * over its images.
     */
    private static final class Rows {
        private final PromptGroups<ImageFeatures> groups;
        private final FrechetReference reference;
        private final int dim;
        private final int[] start;
        private final int[] count;
        private final double[] centre;
        private final double[] sums;
        private final double[] squares;
        private final double[] mappedSums;
        /** Mapped centred rows (row-major). */
        private final double[] mapped;
        /** Per prompt, Σ y·yᵀ packed by columns of the upper triangle, or null. */
        private final double[] moments;

        private Rows(PromptGroups<ImageFeatures> groups, FrechetReference reference, int[] start, int[] count,
                     double[] centre, double[] sums, double[] squares, double[] mappedSums, double[] mapped, double[] moments) {
            this.groups = groups;
            this.reference = reference;
            this.dim = reference.dimension();
            this.start = start;
            this.count = count;
            this.centre = centre;
            this.sums = sums;
            this.squares = squares;
            this.mappedSums = mappedSums;
            this.mapped = mapped;
            this.moments = moments;
        }

        static Rows of(PromptGroups<ImageFeatures> groups, FrechetReference reference, Bootstrap bootstrap) {
            int dim = reference.dimension();
            int n = 0;
            for (int p = 0; p < groups.size(); p++) {
                n += groups.group(p).size();
            }
            double perResample = n < dim ? (double) n * dim * dim + (double) n * n * dim + 10.0 * n * n * n
                    : (double) n * dim * dim + 10.0 * dim * dim * dim;
            double work = bootstrap.resamples() * perResample;
            if (work > MAX_WORK) {
                throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                        "an FID bootstrap of %d images × D=%d with %d resamples is too large (%.2g > %.2g multiply-adds)",
                        n, dim, bootstrap.resamples(), work, MAX_WORK));
            }
            int prompts = groups.size();
            double[] x = new double[n * dim];
            int[] start = new int[prompts];
            int[] count = new int[prompts];
            double[] centre = new double[dim];
            int row = 0;
            for (int p = 0; p < prompts; p++) {
                start[p] = row;
                for (ImageFeatures f : groups.group(p)) {
                    if (f.features().length != dim) {
                        throw new IllegalArgumentException("features of prompt " + f.promptId() + " have " + f.features().length
                                + " values; the reference has D=" + dim);
                    }
                    for (int k = 0; k < dim; k++) {
                        x[row * dim + k] = f.features()[k];
                        centre[k] += f.features()[k];
                    }
                    row++;
                }
                count[p] = groups.group(p).size();
            }
            for (int k = 0; k < dim; k++) {
                centre[k] /= Math.max(1, n);
            }
            double[] sums = new double[prompts * dim];
            double[] squares = new double[prompts];
            for (int p = 0; p < prompts; p++) {
                for (int r = start[p]; r < start[p] + count[p]; r++) {
                    for (int k = 0; k < dim; k++) {
                        double v = x[r * dim + k] - centre[k];
                        x[r * dim + k] = v;
                        sums[p * dim + k] += v;
                        squares[p] += v * v;
                    }
                }
            }
            double[] y = reference.map(x, n);
            double[] mappedSums = new double[prompts * dim];
            for (int p = 0; p < prompts; p++) {
                for (int r = start[p]; r < start[p] + count[p]; r++) {
                    for (int k = 0; k < dim; k++) {
                        mappedSums[p * dim + k] += y[r * dim + k];
                    }
                }
            }
            int packed = dim * (dim + 1) / 2;
            if (n < 2 * dim || (long) prompts * packed > MOMENT_BUDGET) {
                return new Rows(groups, reference, start, count, centre, sums, squares, mappedSums, y, null);
            }
            double[] moments = new double[prompts * packed];
            for (int p = 0; p < prompts; p++) {
                int base = p * packed;
                for (int r = start[p]; r < start[p] + count[p]; r++) {
                    int off = r * dim;
                    int at = base;
                    for (int j = 0; j < dim; j++) {
                        double yj = y[off + j];
                        for (int i = 0; i <= j; i++) {
                            moments[at++] += y[off + i] * yj;
                        }
                    }
                }
            }
            return new Rows(groups, reference, start, count, centre, sums, squares, mappedSums, y, moments);
        }

        /** FID of the drawn prompts' images (with multiplicity) against the reference. */
        double fid(int[] idx) {
            int[] times = new int[count.length];
            for (int p : idx) {
                times[p]++;
            }
            long total = 0;
            int used = 0;
            double[] sum = new double[dim];
            double[] mappedSum = new double[dim];
            double square = 0;
            for (int p = 0; p < times.length; p++) {
                int t = times[p];
                if (t == 0) {
                    continue;
                }
                total += (long) t * count[p];
                used += count[p];
                square += t * squares[p];
                for (int k = 0; k < dim; k++) {
                    sum[k] += t * sums[p * dim + k];
                    mappedSum[k] += t * mappedSums[p * dim + k];
                }
            }
            if (total < 2) {
                return Double.NaN;
            }
            // Means of x − c and of y; Tr(Σ1) = (Σ‖x − c‖² − N·‖m‖²) / (N − 1).
            double[] mean = new double[dim];
            double norm = 0;
            for (int k = 0; k < dim; k++) {
                double m = sum[k] / total;
                mean[k] = centre[k] + m;
                norm += m * m;
                mappedSum[k] /= total;
            }
            double[] my = mappedSum;
            double sampleTrace = (square - total * norm) / (total - 1);
            if (moments != null && used >= dim) {
                return reference.distance(mean, sampleTrace, mappedCovariance(times, total, my));
            }
            // Mapped rows centred and scaled by √(times drawn): their YᵀY is the scatter of the resample.
            double[] scaled = new double[used * dim];
            int row = 0;
            for (int p = 0; p < times.length; p++) {
                if (times[p] == 0) {
                    continue;
                }
                double w = Math.sqrt(times[p]);
                for (int r = start[p]; r < start[p] + count[p]; r++, row++) {
                    for (int k = 0; k < dim; k++) {
                        scaled[row * dim + k] = w * (mapped[r * dim + k] - my[k]);
                    }
                }
            }
            if (used < dim) {
                double[] gram = new double[used * used];
                LinearAlgebra.blas().dsyrk("U", "T", used, dim, 1.0 / (total - 1), scaled, dim, 0.0, gram, used);
                return reference.distanceFromGram(mean, sampleTrace, gram, used);
            }
            double[] scatter = new double[dim * dim];
            LinearAlgebra.blas().dsyrk("U", "N", dim, used, 1.0 / (total - 1), scaled, dim, 0.0, scatter, dim);
            return reference.distance(mean, sampleTrace, scatter);
        }

        /** (Σ tₚ·Mₚ − N·my·myᵀ) / (N − 1), column-major with the upper triangle filled. */
        private double[] mappedCovariance(int[] times, long total, double[] my) {
            int packed = dim * (dim + 1) / 2;
            double[] acc = new double[packed];
            for (int p = 0; p < times.length; p++) {
                int t = times[p];
                if (t == 0) {
                    continue;
                }
                int base = p * packed;
                for (int k = 0; k < packed; k++) {
                    acc[k] += t * moments[base + k];
                }
            }
            double[] m = new double[dim * dim];
            double scale = 1.0 / (total - 1);
            int at = 0;
            for (int j = 0; j < dim; j++) {
                for (int i = 0; i <= j; i++) {
                    m[i + j * dim] = (acc[at++] - total * my[i] * my[j]) * scale;
                }
            }
            return m;
        }
    }
}
