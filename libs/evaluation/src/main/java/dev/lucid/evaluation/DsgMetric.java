package dev.lucid.evaluation;

import dev.lucid.api.v1.StratumResult;
import dev.lucid.metrics.ImageMean;
import dev.lucid.metrics.ImageValue;
import dev.lucid.metrics.faithfulness.DsgQuestion;
import dev.lucid.metrics.faithfulness.DsgScore;
import dev.lucid.metrics.stats.ConfidenceInterval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static dev.lucid.evaluation.ReportAssembler.est;

/**
 * DSG from the recorded answers to each image's DSG propositions, by {@link DsgScore}'s rule (a question counts when
 * answered "yes" and none of its direct parents was answered otherwise): the mean image score with its interval over
 * prompts, the pooled accuracy per broad category (entity, attribute, relation, global) and the paired delta, which
 * is the verdict's structured evidence when the stratum has no TIFA.
 */
final class DsgMetric implements ReportMetric {
    @Override
    public void fill(StratumData data, StratumResult.Builder b, VerdictEvidence evidence) {
        Scored dsg = score(data.table(), data);
        if (dsg == null) {
            return;
        }
        int prompts = dsg.mean().prompts();
        b.setDsg(est(dsg.mean().mean(data.bootstrap()), prompts));
        for (String category : dsg.categories()) {
            b.putDsgByCategory(category, est(data.bootstrap().interval(dsg.units().size(), idx -> {
                long credited = 0;
                long asked = 0;
                for (int i : idx) {
                    int[] c = dsg.units().get(i).getOrDefault(category, new int[2]);
                    credited += c[0];
                    asked += c[1];
                }
                return asked == 0 ? Double.NaN : credited / (double) asked;
            }), prompts));
        }
        Scored base = data.paired() ? score(data.baseline(), data) : null;
        if (base != null) {
            ConfidenceInterval delta = dsg.mean().pairedDelta(base.mean(), data.bootstrap());
            b.setDsgDelta(est(delta, prompts));
            evidence.dsgDelta = delta;
        }
    }

    /**
     * Per-image DSG scores and, per prompt, {credited, asked} per category.
     *
     * @param mean       the images' DSG scores
     * @param units      per prompt (in table order), its images' counts per category
     * @param categories categories seen, sorted
     */
    record Scored(ImageMean mean, List<Map<String, int[]>> units, TreeSet<String> categories) {
    }

    /** The DSG scores of a table's images, or null when no image had a DSG question answered. */
    static Scored score(PromptTable t, StratumData data) {
        List<ImageValue> values = new ArrayList<>();
        List<Map<String, int[]>> units = new ArrayList<>();
        TreeSet<String> categories = new TreeSet<>();
        for (List<ItemResult> images : t.items()) {
            Map<String, int[]> unit = new LinkedHashMap<>();
            for (ItemResult r : images) {
                DsgScore s = image(data.prompt(r.promptId()), r.answers());
                if (s == null) {
                    continue;
                }
                values.add(new ImageValue(r.promptId(), r.seed(), s.score()));
                s.byCategory().forEach((c, n) -> {
                    int[] u = unit.computeIfAbsent(c, k -> new int[2]);
                    u[0] += n[0];
                    u[1] += n[1];
                    categories.add(c);
                });
            }
            if (!unit.isEmpty()) {
                units.add(unit);
            }
        }
        return values.isEmpty() ? null : new Scored(ImageMean.of(values), units, categories);
    }

    /**
     * One image's DSG score over the prompt's DSG questions it has answers for, or null when none. Proposition ids
     * become positions (1-based); a parent that names no question of the prompt cannot veto and is counted missing.
     */
    static DsgScore image(EvaluationPrompt p, List<String> answers) {
        List<Integer> asked = new ArrayList<>();
        for (int q = 0; q < answers.size(); q++) {
            if (p.question(q).dsg()) {
                asked.add(q);
            }
        }
        if (asked.isEmpty()) {
            return null;
        }
        Map<String, Integer> position = new LinkedHashMap<>();
        for (int q : asked) {
            position.putIfAbsent(p.question(q).id(), q + 1);
        }
        int absent = answers.size() + 1;
        List<DsgQuestion> questions = new ArrayList<>();
        for (int q : asked) {
            EvaluationPrompt.QuestionDetail d = p.question(q);
            List<Integer> parents = d.parents().stream().map(id -> position.getOrDefault(id, absent)).toList();
            questions.add(new DsgQuestion(q + 1, parents, answers.get(q), d.category()));
        }
        return DsgScore.of(questions);
    }
}
