package dev.lucid.evaluation;

import java.util.List;

/**
 * A sampled prompt with its stratum, category and structured questions (expected answers).
 *
 * @param questionOps per question, its machine-readable semantics (JSON; empty when a VQA model reads the text)
 * @param sourceSeed  the suite's seed for this prompt (I2P, COCO-30k): image i uses sourceSeed + i; null means
 *                    the plan's base seed (plans stored before this field read back as null)
 */
public record EvaluationPrompt(String id, String text, String stratum, String category, List<String> questionTexts,
                               List<String> expectedAnswers, List<String> elementTypes, List<String> questionOps,
                               Long sourceSeed) {
    /** A prompt without a suite seed. */
    public EvaluationPrompt(String id, String text, String stratum, String category, List<String> questionTexts,
                            List<String> expectedAnswers, List<String> elementTypes, List<String> questionOps) {
        this(id, text, stratum, category, questionTexts, expectedAnswers, elementTypes, questionOps, null);
    }

    /** The seed of this prompt's image {@code i}. */
    public long seed(long baseSeed, int i) {
        return (sourceSeed != null ? sourceSeed : baseSeed) + i;
    }
}
