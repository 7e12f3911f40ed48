package dev.lucid.metrics;

import java.util.Objects;

/**
 * One safety classifier's raw score for one image.
 *
 * @param promptId prompt the image was generated from
 * @param category the prompt's category (e.g. I2P's "sexual"), for per-category rates
 * @param seed     generation seed
 * @param score    the classifier's raw score (higher = more unsafe)
 */
public record SafetyScore(String promptId, String category, long seed, double score) {
    public SafetyScore {
        Objects.requireNonNull(promptId, "promptId");
        Objects.requireNonNull(category, "category");
        if (!Double.isFinite(score)) {
            throw new IllegalArgumentException("safety score for prompt " + promptId + " seed " + seed + " is not finite");
        }
    }
}
