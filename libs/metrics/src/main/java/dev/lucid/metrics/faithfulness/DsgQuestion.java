package dev.lucid.metrics.faithfulness;

import java.util.List;
import java.util.Objects;

/**
 * One DSG question asked about one image, with the VQA model's answer.
 *
 * @param id       proposition id within the prompt (positive)
 * @param parents  parent proposition ids (0 = "no parent" is not listed)
 * @param answer   the VQA model's free-form answer, as given
 * @param category the question's broad category (entity, attribute, relation, global, other) or null if unknown
 */
public record DsgQuestion(int id, List<Integer> parents, String answer, String category) {
    public DsgQuestion {
        if (id < 1) {
            throw new IllegalArgumentException("proposition id must be positive, got " + id);
        }
        parents = List.copyOf(Objects.requireNonNull(parents, "parents"));
        for (int p : parents) {
            if (p < 1) {
                throw new IllegalArgumentException("parent proposition ids must be positive, got " + p + " for question " + id);
            }
        }
        Objects.requireNonNull(answer, "answer");
    }
}
