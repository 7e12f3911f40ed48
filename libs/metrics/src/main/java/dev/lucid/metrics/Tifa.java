package dev.lucid.metrics;

import dev.lucid.metrics.stats.Bootstrap;
import dev.lucid.metrics.stats.ConfidenceInterval;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TIFA structured utility. A prompt's score is its question accuracy over all its images and questions; the
 * benchmark score is the mean of prompt scores; an element type's score is the accuracy over all questions of
 * that type (pooled, not averaged per prompt), as TIFA computes them. Intervals resample prompts.
 */
public final class Tifa {
    private final PromptGroups<QuestionOutcome> groups;
    /** Per prompt: correct and asked counts, overall and per element type. */
    private final int[] correct;
    private final int[] asked;
    private final int[][] correctByType;
    private final int[][] askedByType;

    private Tifa(PromptGroups<QuestionOutcome> groups) {
        this.groups = groups;
        int n = groups.size();
        int types = ElementType.values().length;
        correct = new int[n];
        asked = new int[n];
        correctByType = new int[n][types];
        askedByType = new int[n][types];
        for (int i = 0; i < n; i++) {
            for (QuestionOutcome q : groups.group(i)) {
                int t = q.elementType().ordinal();
                asked[i]++;
                askedByType[i][t]++;
                if (q.correct()) {
                    correct[i]++;
                    correctByType[i][t]++;
                }
            }
        }
    }

    /** TIFA over the given question outcomes (one per image and question). */
    public static Tifa of(List<QuestionOutcome> outcomes) {
        return new Tifa(PromptGroups.of(outcomes, QuestionOutcome::promptId, QuestionOutcome::seed));
    }

    /** Number of prompts (bootstrap units). */
    public int prompts() {
        return groups.size();
    }

    /** Each prompt's question accuracy, in first-seen prompt order. */
    public Map<String, Double> promptScores() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < groups.size(); i++) {
            out.put(groups.promptId(i), correct[i] / (double) asked[i]);
        }
        return out;
    }

    /** The benchmark score (mean over prompts of prompt accuracy). */
    public ConfidenceInterval score(Bootstrap bootstrap) {
        return bootstrap.interval(groups.size(), this::scoreOver);
    }

    /** Accuracy per element type present in the outcomes. */
    public Map<ElementType, ConfidenceInterval> byElementType(Bootstrap bootstrap) {
        Map<ElementType, ConfidenceInterval> out = new EnumMap<>(ElementType.class);
        for (ElementType t : presentTypes()) {
            out.put(t, bootstrap.interval(groups.size(), idx -> typeAccuracyOver(idx, t.ordinal())));
        }
        return out;
    }

    /** Score minus the baseline's, resampling the same prompts (same prompts and seeds required). */
    public ConfidenceInterval pairedDelta(Tifa baseline, Bootstrap bootstrap) {
        Tifa aligned = new Tifa(groups.alignedTo(baseline.groups));
        return bootstrap.interval(baseline.prompts(), idx -> aligned.scoreOver(idx) - baseline.scoreOver(idx));
    }

    /** Per element type accuracy minus the baseline's, paired; types present in both. */
    public Map<ElementType, ConfidenceInterval> pairedDeltaByElementType(Tifa baseline, Bootstrap bootstrap) {
        Tifa aligned = new Tifa(groups.alignedTo(baseline.groups));
        Map<ElementType, ConfidenceInterval> out = new EnumMap<>(ElementType.class);
        for (ElementType t : presentTypes()) {
            if (!baseline.presentTypes().contains(t)) {
                continue;
            }
            int k = t.ordinal();
            out.put(t, bootstrap.interval(baseline.prompts(),
                    idx -> aligned.typeAccuracyOver(idx, k) - baseline.typeAccuracyOver(idx, k)));
        }
        return out;
    }

    private java.util.Set<ElementType> presentTypes() {
        java.util.Set<ElementType> present = java.util.EnumSet.noneOf(ElementType.class);
        for (int[] a : askedByType) {
            for (ElementType t : ElementType.values()) {
                if (a[t.ordinal()] > 0) {
                    present.add(t);
                }
            }
        }
        return present;
    }

    double scoreOver(int[] idx) {
        double s = 0;
        for (int i : idx) {
            s += correct[i] / (double) asked[i];
        }
        return s / idx.length;
    }

    /** Pooled accuracy of one type over the drawn prompts; NaN when the draw has no question of that type. */
    double typeAccuracyOver(int[] idx, int type) {
        long c = 0;
        long a = 0;
        for (int i : idx) {
            c += correctByType[i][type];
            a += askedByType[i][type];
        }
        return a == 0 ? Double.NaN : c / (double) a;
    }
}
