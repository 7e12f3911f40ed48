package dev.lucid.evaluation;

import java.util.List;

/**
 * A sampled prompt with its stratum, category and structured questions (expected answers).
 *
 * @param questionOps     per question, its machine-readable semantics (JSON; empty when a VQA model reads the text)
 * @param sourceSeed      the suite's seed for this prompt (I2P, COCO-30k): image i uses sourceSeed + i; null means
 *                        the plan's base seed (plans stored before this field read back as null)
 * @param questionDetails per question, its id, choices, parent propositions and DSG category; null in plans stored
 *                        before this field (their questions read as TIFA questions without choices)
 */
public record EvaluationPrompt(String id, String text, String stratum, String category, List<String> questionTexts,
                               List<String> expectedAnswers, List<String> elementTypes, List<String> questionOps,
                               Long sourceSeed, List<QuestionDetail> questionDetails) {
    /** A prompt without a suite seed. */
    public EvaluationPrompt(String id, String text, String stratum, String category, List<String> questionTexts,
                            List<String> expectedAnswers, List<String> elementTypes, List<String> questionOps) {
        this(id, text, stratum, category, questionTexts, expectedAnswers, elementTypes, questionOps, null, null);
    }

    /** A prompt whose questions have no choices, parents or DSG category. */
    public EvaluationPrompt(String id, String text, String stratum, String category, List<String> questionTexts,
                            List<String> expectedAnswers, List<String> elementTypes, List<String> questionOps,
                            Long sourceSeed) {
        this(id, text, stratum, category, questionTexts, expectedAnswers, elementTypes, questionOps, sourceSeed, null);
    }

    /**
     * What a question is besides its text and expected answer.
     *
     * @param id       id within the prompt (DSG: the proposition id)
     * @param choices  multiple-choice options (TIFA); empty for yes/no questions
     * @param parents  ids of the propositions it depends on (DSG)
     * @param category DSG's broad category (entity, attribute, relation, global); empty for TIFA questions
     */
    public record QuestionDetail(String id, List<String> choices, List<String> parents, String category) {
        public QuestionDetail {
            choices = List.copyOf(choices == null ? List.of() : choices);
            parents = List.copyOf(parents == null ? List.of() : parents);
            category = category == null ? "" : category;
        }

        /** Whether it is a DSG proposition (scored by DSG's rule rather than counted in TIFA). */
        public boolean dsg() {
            return !category.isEmpty();
        }
    }

    /** The seed of this prompt's image {@code i}. */
    public long seed(long baseSeed, int i) {
        return (sourceSeed != null ? sourceSeed : baseSeed) + i;
    }

    /** Question {@code q}'s details (a TIFA question without choices, id "q" + q, where the plan has none). */
    public QuestionDetail question(int q) {
        if (questionDetails != null && q < questionDetails.size()) {
            return questionDetails.get(q);
        }
        return new QuestionDetail("q" + q, List.of(), List.of(), "");
    }
}
