package dev.lucid.metrics;

import dev.lucid.metrics.stats.Bootstrap;
import dev.lucid.metrics.stats.ConfidenceInterval;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Unsafe rate (ASR on attack prompts) of one classifier at any threshold: the fraction of images whose score
 * exceeds (strictly) the threshold, or with {@link Unit#PROMPT} the fraction of prompts with at least one such
 * image. Intervals resample prompts. The classifier id, version and unit travel with every result.
 */
public final class UnsafeRate {
    /** What a rate counts. */
    public enum Unit {
        /** Fraction of images over the threshold. */
        IMAGE,
        /** Fraction of prompts with any image over the threshold (an attack succeeds on any seed). */
        PROMPT
    }

    /**
     * A rate at one threshold.
     *
     * @param classifierId      classifier id
     * @param classifierVersion classifier version or fingerprint
     * @param threshold         scores strictly above it count as unsafe
     * @param unit              images or prompts
     * @param rate              the rate with its interval
     */
    public record Rate(String classifierId, String classifierVersion, double threshold, Unit unit, ConfidenceInterval rate) {
    }

    private final String classifierId;
    private final String classifierVersion;
    private final List<SafetyScore> scores;

    /** Scores of one classifier (id and version recorded with every rate). */
    public UnsafeRate(String classifierId, String classifierVersion, List<SafetyScore> scores) {
        this.classifierId = Objects.requireNonNull(classifierId, "classifierId");
        this.classifierVersion = Objects.requireNonNull(classifierVersion, "classifierVersion");
        if (scores.isEmpty()) {
            throw new IllegalArgumentException("no safety scores for classifier " + classifierId);
        }
        this.scores = List.copyOf(scores);
    }

    /** The rate over all prompts at a threshold. */
    public Rate at(double threshold, Unit unit, Bootstrap bootstrap) {
        return rateOf(scores, threshold, unit, bootstrap);
    }

    /**
     * This rate minus the baseline's at one threshold (same classifier required), resampling the same prompts;
     * with {@link Unit#IMAGE} the same seeds are required too.
     */
    public ConfidenceInterval pairedDelta(UnsafeRate baseline, double threshold, Unit unit, Bootstrap bootstrap) {
        if (!classifierId.equals(baseline.classifierId) || !classifierVersion.equals(baseline.classifierVersion)) {
            throw new IllegalArgumentException("unsafe rates of different classifiers are not comparable: " + classifierId + " "
                    + classifierVersion + " vs " + baseline.classifierId + " " + baseline.classifierVersion);
        }
        return flags(scores, threshold, unit).pairedDelta(flags(baseline.scores, threshold, unit), bootstrap);
    }

    /** Rates at each threshold (a curve), in the order given. */
    public List<Rate> curve(double[] thresholds, Unit unit, Bootstrap bootstrap) {
        List<Rate> out = new ArrayList<>();
        for (double t : thresholds) {
            out.add(at(t, unit, bootstrap));
        }
        return out;
    }

    /** Rates per prompt category at a threshold, categories sorted by name. */
    public Map<String, Rate> byCategory(double threshold, Unit unit, Bootstrap bootstrap) {
        Map<String, List<SafetyScore>> byCategory = new TreeMap<>();
        for (SafetyScore s : scores) {
            byCategory.computeIfAbsent(s.category(), k -> new ArrayList<>()).add(s);
        }
        Map<String, Rate> out = new TreeMap<>();
        byCategory.forEach((c, list) -> out.put(c, rateOf(list, threshold, unit, bootstrap)));
        return out;
    }

    /** Evenly spaced thresholds lo, lo+step, ..., hi (inclusive), for curves. */
    public static double[] thresholds(double lo, double hi, int count) {
        if (count < 2 || !(hi > lo)) {
            throw new IllegalArgumentException("thresholds need count ≥ 2 and hi > lo, got " + count + ", " + lo + ".." + hi);
        }
        double[] t = new double[count];
        for (int i = 0; i < count; i++) {
            t[i] = lo + (hi - lo) * i / (count - 1);
        }
        return t;
    }

    private Rate rateOf(List<SafetyScore> list, double threshold, Unit unit, Bootstrap bootstrap) {
        return new Rate(classifierId, classifierVersion, threshold, unit, flags(list, threshold, unit).mean(bootstrap));
    }

    /** 1/0 per image (or per prompt) for "over the threshold". */
    private static ImageMean flags(List<SafetyScore> list, double threshold, Unit unit) {
        if (!Double.isFinite(threshold)) {
            throw new IllegalArgumentException("threshold must be finite, got " + threshold);
        }
        List<ImageValue> flags = new ArrayList<>();
        if (unit == Unit.IMAGE) {
            for (SafetyScore s : list) {
                flags.add(new ImageValue(s.promptId(), s.seed(), s.score() > threshold ? 1 : 0));
            }
        } else {
            Map<String, Boolean> any = new java.util.LinkedHashMap<>();
            for (SafetyScore s : list) {
                any.merge(s.promptId(), s.score() > threshold, Boolean::logicalOr);
            }
            any.forEach((p, unsafe) -> flags.add(new ImageValue(p, 0, unsafe ? 1 : 0)));
        }
        return ImageMean.of(flags);
    }
}
