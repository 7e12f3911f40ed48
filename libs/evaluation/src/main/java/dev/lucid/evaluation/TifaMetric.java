package dev.lucid.evaluation;

import dev.lucid.api.v1.StratumResult;
import dev.lucid.metrics.ElementType;
import dev.lucid.metrics.QuestionOutcome;
import dev.lucid.metrics.Tifa;
import dev.lucid.metrics.stats.ConfidenceInterval;

import java.util.ArrayList;
import java.util.List;

import static dev.lucid.evaluation.ReportAssembler.est;

/**
 * TIFA from the recorded correctness of each image's TIFA questions (every question that is not a DSG proposition):
 * the score, accuracy per element type and the paired delta (structured evidence of the verdict).
 */
final class TifaMetric implements ReportMetric {
    @Override
    public void fill(StratumData data, StratumResult.Builder b, VerdictEvidence evidence) {
        Tifa tifa = tifa(data.table(), data);
        if (tifa == null) {
            return;
        }
        b.setTifa(est(tifa.score(data.bootstrap()), tifa.prompts()));
        tifa.byElementType(data.bootstrap()).forEach((type, ci) -> b.putTifaByElement(type.label(), est(ci, tifa.prompts())));
        Tifa baseTifa = data.paired() ? tifa(data.baseline(), data) : null;
        if (baseTifa != null) {
            ConfidenceInterval delta = tifa.pairedDelta(baseTifa, data.bootstrap());
            b.setTifaDelta(est(delta, tifa.prompts()));
            evidence.tifaDelta = delta;
        }
    }

    /** TIFA outcomes of a table's images, or null when no image was asked a TIFA question. */
    static Tifa tifa(PromptTable t, StratumData data) {
        List<QuestionOutcome> out = new ArrayList<>();
        for (List<ItemResult> l : t.items()) {
            for (ItemResult r : l) {
                EvaluationPrompt p = data.prompt(r.promptId());
                List<String> types = p.elementTypes();
                for (int q = 0; q < r.correct().size(); q++) {
                    if (p.question(q).dsg()) {
                        continue;
                    }
                    out.add(new QuestionOutcome(r.promptId(), r.seed(), elementType(q < types.size() ? types.get(q) : "other"),
                            r.correct().get(q)));
                }
            }
        }
        return out.isEmpty() ? null : Tifa.of(out);
    }

    /** The element type of a planned question ("animal_human" is how the API enum's name reads in a plan). */
    static ElementType elementType(String planned) {
        return ElementType.parse(planned.equals("animal_human") ? "animal/human" : planned);
    }
}
