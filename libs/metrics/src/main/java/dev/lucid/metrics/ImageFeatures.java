package dev.lucid.metrics;

import java.util.Objects;

/**
 * Image features (e.g. the CLIP image embedding) of one generated image.
 *
 * @param promptId prompt the image was generated from
 * @param seed     generation seed
 * @param features the feature vector
 */
public record ImageFeatures(String promptId, long seed, float[] features) {
    public ImageFeatures {
        Objects.requireNonNull(promptId, "promptId");
        Objects.requireNonNull(features, "features");
        for (float v : features) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("features of prompt " + promptId + " seed " + seed + " are not finite");
            }
        }
    }
}
