package dev.lucid.metrics.faithfulness;

/** Similarity of a free-form answer to one multiple-choice option (larger is closer). */
@FunctionalInterface
public interface ChoiceSimilarity {
    /** Similarity of {@code answer} to {@code choice}; must be finite. */
    double similarity(String answer, String choice);
}
