package dev.lucid.metrics.faithfulness;

import dev.lucid.metrics.ElementType;
import dev.lucid.metrics.QuestionOutcome;

import java.util.List;
import java.util.Objects;

/**
 * TIFA's mapping of a VQA model's free-form answer to a multiple-choice option ({@code VQAModel.multiple_choice_vqa}
 * in TIFA's code): when the answer is literally one of the choices (exact string) it is taken as is; otherwise the
 * choice most similar to the answer is taken, the first one on ties (argmax). TIFA measures similarity with
 * sentence embeddings (all-mpnet-base-v2, cosine); here the similarity is a parameter, {@link TrigramSimilarity} by
 * default. The question is correct when the mapped choice equals TIFA's expected answer. The mesh's own TIFA (the
 * mini world's exact answers) does not go through this class.
 */
public final class TifaChoiceRule {
    /** Most choices accepted for one question. */
    public static final int MAX_CHOICES = 64;

    private final ChoiceSimilarity similarity;

    public TifaChoiceRule(ChoiceSimilarity similarity) {
        this.similarity = Objects.requireNonNull(similarity, "similarity");
    }

    /** The rule with {@link TrigramSimilarity}. */
    public static TifaChoiceRule withTrigrams() {
        return new TifaChoiceRule(new TrigramSimilarity());
    }

    /** The choice the free-form answer maps to. */
    public String map(String freeFormAnswer, List<String> choices) {
        Objects.requireNonNull(freeFormAnswer, "freeFormAnswer");
        if (choices.isEmpty() || choices.size() > MAX_CHOICES) {
            throw new IllegalArgumentException("a multiple-choice question needs 1.." + MAX_CHOICES + " choices, got "
                    + choices.size());
        }
        if (choices.contains(freeFormAnswer)) {
            return freeFormAnswer;
        }
        int best = 0;
        double bestValue = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < choices.size(); i++) {
            double v = similarity.similarity(freeFormAnswer, choices.get(i));
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("similarity to choice '" + choices.get(i) + "' is not finite");
            }
            if (v > bestValue) {
                best = i;
                bestValue = v;
            }
        }
        return choices.get(best);
    }

    /** The outcome of one question on one image: correct when the mapped choice is the expected answer. */
    public QuestionOutcome outcome(String promptId, long seed, ElementType type, String freeFormAnswer,
                                   List<String> choices, String expected) {
        if (!choices.contains(expected)) {
            throw new IllegalArgumentException("expected answer '" + expected + "' is not among the choices " + choices);
        }
        return new QuestionOutcome(promptId, seed, type, map(freeFormAnswer, choices).equals(expected));
    }
}
