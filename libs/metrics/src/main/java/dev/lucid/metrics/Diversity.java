package dev.lucid.metrics;

import dev.lucid.metrics.stats.Bootstrap;
import dev.lucid.metrics.stats.ConfidenceInterval;

import java.util.ArrayList;
import java.util.List;

/**
 * Diversity across seeds: for each prompt with at least two images, the mean Euclidean distance over all
 * pairs of its images' features; the metric is the mean over those prompts. Prompts with a single image
 * carry no diversity and are left out (counted in {@link #promptsWithoutPairs()}). Intervals resample prompts.
 */
public final class Diversity {
    private final PromptGroups<ImageFeatures> groups;
    private final double[] perPrompt;
    private final int withoutPairs;

    private Diversity(PromptGroups<ImageFeatures> all) {
        List<ImageFeatures> kept = new ArrayList<>();
        int single = 0;
        for (int i = 0; i < all.size(); i++) {
            if (all.group(i).size() >= 2) {
                kept.addAll(all.group(i));
            } else {
                single++;
            }
        }
        if (kept.isEmpty()) {
            throw new IllegalArgumentException("diversity needs at least one prompt with two or more seeds");
        }
        this.withoutPairs = single;
        this.groups = PromptGroups.perImage(kept, ImageFeatures::promptId, ImageFeatures::seed);
        this.perPrompt = new double[groups.size()];
        for (int i = 0; i < groups.size(); i++) {
            perPrompt[i] = meanPairwiseDistance(groups.group(i));
        }
    }

    /** Diversity of the given images (grouped by prompt). */
    public static Diversity of(List<ImageFeatures> images) {
        return new Diversity(PromptGroups.perImage(images, ImageFeatures::promptId, ImageFeatures::seed));
    }

    /** Prompts with two or more images. */
    public int prompts() {
        return groups.size();
    }

    /** Prompts left out because they have a single image. */
    public int promptsWithoutPairs() {
        return withoutPairs;
    }

    /** Mean over prompts of the mean pairwise distance, with its interval. */
    public ConfidenceInterval mean(Bootstrap bootstrap) {
        return bootstrap.mean(perPrompt);
    }

    /** Diversity minus the baseline's, paired over the same prompts and seeds. */
    public ConfidenceInterval pairedDelta(Diversity baseline, Bootstrap bootstrap) {
        PromptGroups<ImageFeatures> aligned = groups.alignedTo(baseline.groups);
        double[] model = new double[aligned.size()];
        for (int i = 0; i < model.length; i++) {
            model[i] = meanPairwiseDistance(aligned.group(i));
        }
        return bootstrap.pairedMeanDelta(model, baseline.perPrompt);
    }

    static double meanPairwiseDistance(List<ImageFeatures> images) {
        int dim = images.get(0).features().length;
        for (ImageFeatures f : images) {
            if (f.features().length != dim) {
                throw new IllegalArgumentException("prompt " + f.promptId() + ": feature lengths differ ("
                        + f.features().length + " vs " + dim + ")");
            }
        }
        double sum = 0;
        int pairs = 0;
        for (int a = 0; a < images.size(); a++) {
            float[] x = images.get(a).features();
            for (int b = a + 1; b < images.size(); b++) {
                float[] y = images.get(b).features();
                double s = 0;
                for (int k = 0; k < dim; k++) {
                    double d = (double) x[k] - y[k];
                    s += d * d;
                }
                sum += Math.sqrt(s);
                pairs++;
            }
        }
        return sum / pairs;
    }
}
