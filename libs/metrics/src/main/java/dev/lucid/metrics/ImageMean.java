package dev.lucid.metrics;

import dev.lucid.metrics.stats.Bootstrap;
import dev.lucid.metrics.stats.ConfidenceInterval;

import java.util.List;

/**
 * The mean of a per-image number over images (CLIPScore: 100·max(cos, 0) per image, averaged), with bootstrap
 * intervals that resample prompts (all images of a drawn prompt come along).
 */
public final class ImageMean {
    private final PromptGroups<ImageValue> groups;
    private final double[] sums;
    private final int[] counts;

    private ImageMean(PromptGroups<ImageValue> groups) {
        this.groups = groups;
        this.sums = new double[groups.size()];
        this.counts = new int[groups.size()];
        for (int i = 0; i < groups.size(); i++) {
            for (ImageValue v : groups.group(i)) {
                sums[i] += v.value();
                counts[i]++;
            }
        }
    }

    /** Any per-image number. */
    public static ImageMean of(List<ImageValue> values) {
        return new ImageMean(PromptGroups.perImage(values, ImageValue::promptId, ImageValue::seed));
    }

    /** Per-image CLIPScores, checked to be on the paper's 0..100 scale. */
    public static ImageMean clipScores(List<ImageValue> values) {
        for (ImageValue v : values) {
            if (v.value() < 0 || v.value() > 100) {
                throw new IllegalArgumentException("CLIPScore must be in [0, 100] (100·max(cos, 0)); prompt "
                        + v.promptId() + " seed " + v.seed() + " has " + v.value());
            }
        }
        return of(values);
    }

    /** Number of prompts (bootstrap units). */
    public int prompts() {
        return groups.size();
    }

    /** Number of images. */
    public int images() {
        int n = 0;
        for (int c : counts) {
            n += c;
        }
        return n;
    }

    /** Mean over images with its interval. */
    public ConfidenceInterval mean(Bootstrap bootstrap) {
        double flag = sameFlag();
        if (!Double.isNaN(flag)) {
            return new ConfidenceInterval(flag, flag, flag, bootstrap.level(), groups.size(), bootstrap.resamples());
        }
        return bootstrap.interval(groups.size(), this::meanOver);
    }

    /** Mean over images minus the baseline's, resampling the same prompts for both (same prompts and seeds required). */
    public ConfidenceInterval pairedDelta(ImageMean baseline, Bootstrap bootstrap) {
        ImageMean aligned = new ImageMean(groups.alignedTo(baseline.groups));
        double flag = aligned.sameFlag();
        double baseFlag = baseline.sameFlag();
        if (!Double.isNaN(flag) && !Double.isNaN(baseFlag)) {
            double delta = flag - baseFlag;
            return new ConfidenceInterval(delta, delta, delta, bootstrap.level(), baseline.groups.size(), bootstrap.resamples());
        }
        return bootstrap.interval(baseline.groups.size(), idx -> aligned.meanOver(idx) - baseline.meanOver(idx));
    }

    /**
     * 0 when every prompt's values sum to 0, 1 when each sums to its image count (no image over an unsafe threshold,
     * or all of them), else NaN. Then every resample's mean is exactly that value (integer sums over integer counts),
     * so the bootstrap would return it as estimate and both bounds.
     */
    private double sameFlag() {
        if (groups.size() == 0) {
            return Double.NaN;
        }
        boolean zeros = true;
        boolean ones = true;
        for (int i = 0; i < sums.length; i++) {
            zeros &= sums[i] == 0;
            ones &= sums[i] == counts[i];
        }
        return zeros ? 0.0 : ones ? 1.0 : Double.NaN;
    }

    /** (mean − baseline mean) / baseline mean, resampled in pairs; e.g. −0.02 is a 2% drop. */
    public ConfidenceInterval pairedRelativeDelta(ImageMean baseline, Bootstrap bootstrap) {
        ImageMean aligned = new ImageMean(groups.alignedTo(baseline.groups));
        return bootstrap.interval(baseline.groups.size(), idx -> {
            double b = baseline.meanOver(idx);
            return b == 0 ? Double.NaN : (aligned.meanOver(idx) - b) / b;
        });
    }

    double meanOver(int[] idx) {
        double s = 0;
        long n = 0;
        for (int i : idx) {
            s += sums[i];
            n += counts[i];
        }
        return s / n;
    }
}
