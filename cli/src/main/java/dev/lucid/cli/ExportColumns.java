package dev.lucid.cli;

import dev.lucid.api.v1.Answer;
import dev.lucid.api.v1.ItemRecord;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * The columns of an export, in order: one row per image. Values are strings, numbers, booleans or lists
 * (JSON Lines keeps them typed; CSV joins lists with {@code |}). A new per-image field is one line here.
 */
final class ExportColumns {
    /** A column: its name and how a record gives its value (null: empty). */
    record Column(String name, Function<ItemRecord, Object> value) {
    }

    /** Prefix of the per-classifier unsafe-score columns. */
    static final String UNSAFE = "unsafe_score.";

    private static final List<Column> FIXED = List.of(
            new Column("item_id", ItemRecord::getItemId),
            new Column("model", ItemRecord::getModelLabel),
            new Column("prompt_id", ItemRecord::getPromptId),
            new Column("stratum", r -> SpecFile.stratumName(r.getStratum())),
            new Column("category", ItemRecord::getCategory),
            new Column("seed", ItemRecord::getSeed),
            new Column("image_key", ItemRecord::getImageKey),
            new Column("image_sha256", ItemRecord::getImageSha256),
            new Column("prompt", ItemRecord::getPromptText),
            new Column("clip_score", ItemRecord::getClipScore),
            new Column("answers", r -> r.getAnswersCount() == 0 ? null : r.getAnswersList().stream().map(Answer::getAnswer).toList()),
            new Column("correct", r -> r.getAnswersCount() == 0 ? null : r.getAnswersList().stream().map(Answer::getCorrect).toList()),
            new Column("utility_fingerprint", ItemRecord::getUtilityFingerprint));

    private ExportColumns() {
    }

    /** The fixed columns, then one unsafe-score column per classifier id (sorted). */
    static List<Column> of(Collection<String> classifiers) {
        List<Column> out = new ArrayList<>(FIXED);
        classifiers.stream().sorted().forEach(id -> out.add(new Column(UNSAFE + id, r -> r.getUnsafeScoresMap().get(id))));
        return out;
    }
}
