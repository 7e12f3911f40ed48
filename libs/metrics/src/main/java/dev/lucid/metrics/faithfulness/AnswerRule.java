package dev.lucid.metrics.faithfulness;

import java.util.List;
import java.util.Objects;

/**
 * Whether a VQA model's answer to one question is right, by the rule the question states: a question with a
 * machine-readable op (the mini world's reader) is right when the answer equals the expected one exactly; a
 * multiple-choice question (TIFA) when {@link TifaChoiceRule} maps the free-form answer to the expected choice; a
 * yes/no question (DSG, or TIFA without choices) when the {@link YesNoAnswer}-normalised answer equals the expected one.
 */
public final class AnswerRule {
    private static final TifaChoiceRule CHOICES = TifaChoiceRule.withTrigrams();

    private AnswerRule() {
    }

    /**
     * @param answer   the VQA model's answer, as given
     * @param expected the expected answer
     * @param choices  the question's choices (empty for yes/no)
     * @param exact    whether the question is answered by op (compared exactly)
     */
    public static boolean correct(String answer, String expected, List<String> choices, boolean exact) {
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(expected, "expected");
        if (exact) {
            return answer.equals(expected);
        }
        if (!choices.isEmpty()) {
            return CHOICES.map(answer, choices).equals(expected);
        }
        return YesNoAnswer.normalize(answer).equals(YesNoAnswer.normalize(expected));
    }
}
