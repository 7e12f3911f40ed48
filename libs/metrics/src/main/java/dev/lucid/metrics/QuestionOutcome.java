package dev.lucid.metrics;

import java.util.Objects;

/**
 * Whether the VQA model answered one TIFA question correctly on one image.
 *
 * @param promptId    prompt the image was generated from
 * @param seed        generation seed
 * @param elementType the question's element type
 * @param correct     the answer matched the expected choice
 */
public record QuestionOutcome(String promptId, long seed, ElementType elementType, boolean correct) {
    public QuestionOutcome {
        Objects.requireNonNull(promptId, "promptId");
        Objects.requireNonNull(elementType, "elementType");
    }
}
