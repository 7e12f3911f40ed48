package dev.lucid.metrics;

import dev.lucid.metrics.fid.FrechetDistance;
import dev.lucid.metrics.fid.GaussianStatistics;
import dev.lucid.metrics.stats.Bootstrap;
import dev.lucid.metrics.stats.ConfidenceInterval;

import java.util.List;

/**
 * Bootstrap intervals for FID against a fixed reference, resampling prompts (all images of a drawn prompt come
 * along, repeated as often as drawn). Each resample refits the Gaussian, so this is for small sets such as the
 * mini world's, or for fewer images than dimensions (e.g. a few dozen images against Inception's 2048), where each
 * resample costs O(N·D² + N³) instead of O(D³) ({@link FrechetDistance#ofCentredRows}); the cost is bounded by
 * {@link #MAX_WORK}. A single FID's percentile interval is biased upwards
 * (duplicated images raise FID), so the base's estimate sits near the bottom of its own interval: compare models
 * with {@link #pairedDelta}, which resamples the same prompts and seeds for both.
 */
public final class FidIntervals {
    /** Upper bound on resamples × (N·D² + 10·D³) multiply-adds (N·D² + N²·D + 10·N³ when N < D). */
    public static final double MAX_WORK = 5e11;

    private FidIntervals() {
    }

    /** FID of the generated images against the reference, with its interval. */
    public static ConfidenceInterval fid(List<ImageFeatures> generated, GaussianStatistics reference, Bootstrap bootstrap) {
        Rows rows = Rows.of(PromptGroups.perImage(generated, ImageFeatures::promptId, ImageFeatures::seed), reference, bootstrap);
        return bootstrap.interval(rows.groups.size(), idx -> rows.fid(idx, reference));
    }

    /** FID(model) − FID(baseline) against the same reference, resampling the same prompts (same prompts and seeds required). */
    public static ConfidenceInterval pairedDelta(List<ImageFeatures> model, List<ImageFeatures> baseline,
                                                 GaussianStatistics reference, Bootstrap bootstrap) {
        PromptGroups<ImageFeatures> base = PromptGroups.perImage(baseline, ImageFeatures::promptId, ImageFeatures::seed);
        PromptGroups<ImageFeatures> aligned = PromptGroups.perImage(model, ImageFeatures::promptId, ImageFeatures::seed).alignedTo(base);
        Rows b = Rows.of(base, reference, bootstrap);
        Rows m = Rows.of(aligned, reference, bootstrap);
        return bootstrap.interval(base.size(), idx -> m.fid(idx, reference) - b.fid(idx, reference));
    }

    /** Features as a row-major matrix with each prompt's row range. */
    private record Rows(PromptGroups<ImageFeatures> groups, double[] data, int[] start, int[] count, int dim) {
        static Rows of(PromptGroups<ImageFeatures> groups, GaussianStatistics reference, Bootstrap bootstrap) {
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
            double[] data = new double[n * dim];
            int[] start = new int[groups.size()];
            int[] count = new int[groups.size()];
            int row = 0;
            for (int p = 0; p < groups.size(); p++) {
                start[p] = row;
                for (ImageFeatures f : groups.group(p)) {
                    if (f.features().length != dim) {
                        throw new IllegalArgumentException("features of prompt " + f.promptId() + " have " + f.features().length
                                + " values; the reference has D=" + dim);
                    }
                    for (int k = 0; k < dim; k++) {
                        data[row * dim + k] = f.features()[k];
                    }
                    row++;
                }
                count[p] = groups.group(p).size();
            }
            return new Rows(groups, data, start, count, dim);
        }

        /** FID of the drawn prompts' images (with multiplicity) against the reference. */
        double fid(int[] idx, GaussianStatistics reference) {
            int[] times = new int[count.length];
            for (int p : idx) {
                times[p]++;
            }
            long total = 0;
            double[] mean = new double[dim];
            for (int p = 0; p < times.length; p++) {
                if (times[p] == 0) {
                    continue;
                }
                total += (long) times[p] * count[p];
                for (int r = start[p]; r < start[p] + count[p]; r++) {
                    for (int k = 0; k < dim; k++) {
                        mean[k] += times[p] * data[r * dim + k];
                    }
                }
            }
            if (total < 2) {
                return Double.NaN;
            }
            for (int k = 0; k < dim; k++) {
                mean[k] /= total;
            }
            // Rows centred and scaled by √(times drawn): their XᵀX is the scatter of the resample.
            int used = 0;
            for (int p = 0; p < times.length; p++) {
                used += times[p] == 0 ? 0 : count[p];
            }
            double[] scaled = new double[used * dim];
            int row = 0;
            for (int p = 0; p < times.length; p++) {
                if (times[p] == 0) {
                    continue;
                }
                double w = Math.sqrt(times[p]);
                for (int r = start[p]; r < start[p] + count[p]; r++, row++) {
                    for (int k = 0; k < dim; k++) {
                        scaled[row * dim + k] = w * (data[r * dim + k] - mean[k]);
                    }
                }
            }
            if (used < dim) {
                return FrechetDistance.ofCentredRows(scaled, used, total - 1, mean, reference);
            }
            double[] scatter = new double[dim * dim];
            LinearAlgebra.blas().dsyrk("U", "N", dim, used, 1.0 / (total - 1), scaled, dim, 0.0, scatter, dim);
            for (int j = 0; j < dim; j++) {
                for (int i = 0; i < j; i++) {
                    scatter[j + i * dim] = scatter[i + j * dim];
                }
            }
            return FrechetDistance.between(new GaussianStatistics("resample", total, mean, scatter), reference);
        }
    }
}
