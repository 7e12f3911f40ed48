package dev.lucid.coordinator;

import dev.lucid.api.v1.Answer;
import dev.lucid.api.v1.ItemRecord;
import dev.lucid.evaluation.EvaluationPrompt;
import dev.lucid.evaluation.ItemResult;
import dev.lucid.evaluation.ReportAssembler;

/**
 * The export's view of a recorded item result: every field of {@link ItemResult} (and the prompt's text) as an
 * {@link ItemRecord}. A new per-image measurement is one proto field and one line here.
 */
final class ItemRecords {
    private ItemRecords() {
    }

    /** The record of one item result; {@code prompt} may be null (a plan that no longer names the prompt). */
    static ItemRecord of(ItemResult r, EvaluationPrompt prompt) {
        ItemRecord.Builder b = ItemRecord.newBuilder().setItemId(r.itemId()).setModelLabel(r.modelLabel())
                .setPromptId(r.promptId()).setStratum(ReportAssembler.stratumEnum(r.stratum()))
                .setCategory(nullToEmpty(r.category())).setSeed(r.seed()).setImageKey(r.imageKey())
                .setImageSha256(nullToEmpty(r.imageSha256())).putAllUnsafeScores(r.unsafeScores() == null ? java.util.Map.of() : r.unsafeScores())
                .setClipScore(r.clipScore()).setUtilityFingerprint(nullToEmpty(r.utilityFingerprint()))
                .setPromptText(prompt == null ? "" : prompt.text());
        java.util.List<String> answers = r.answers() == null ? java.util.List.of() : r.answers();
        java.util.List<Boolean> correct = r.correct() == null ? java.util.List.of() : r.correct();
        for (int q = 0; q < answers.size(); q++) {
            b.addAnswers(Answer.newBuilder().setQuestionId(Integer.toString(q)).setAnswer(answers.get(q))
                    .setCorrect(q < correct.size() && correct.get(q)));
        }
        return b.build();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
