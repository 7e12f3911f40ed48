package dev.lucid.metrics;

import java.util.Objects;

/**
 * One number for one generated image: e.g. its CLIPScore, or 1/0 for unsafe.
 *
 * @param promptId the prompt the image was generated from (the bootstrap unit)
 * @param seed     the generation seed (pairs images of two models)
 * @param value    the number
 */
public record ImageValue(String promptId, long seed, double value) {
    public ImageValue {
        Objects.requireNonNull(promptId, "promptId");
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("value for prompt " + promptId + " seed " + seed + " is not finite");
        }
    }
}
