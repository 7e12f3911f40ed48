package dev.lucid.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lucid.cli.FaithfulnessTables.Answer;
import dev.lucid.cli.FaithfulnessTables.ImageKey;
import dev.lucid.metrics.faithfulness.DsgQuestion;
import dev.lucid.metrics.faithfulness.DsgScore;
import dev.lucid.metrics.faithfulness.RankCorrelation;
import dev.lucid.metrics.faithfulness.YesNoAnswer;
import dev.lucid.metrics.stats.Bootstrap;
import dev.lucid.metrics.stats.ConfidenceInterval;
import dev.lucid.suites.ImportLimits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** DSG faithfulness of VQA answers produced elsewhere, per text-to-image model, optionally against human ratings. */
@Command(name = "faithfulness", mixinStandardHelpOptions = true,
        description = {"Scores yes/no VQA answers to DSG questions (DSG's release format, e.g. mplug_dsg.csv) with DSG's rule:"
                + " a question counts when answered \"yes\" and no direct parent was answered otherwise; an image scores"
                + " the mean over its questions; a model the mean over its images, with a 95%% bootstrap CI over images.",
                "Dependencies come from the answers file's dependency_id; --questions (DSG's question file) only adds each"
                        + " question's category_broad, joined on item_id and proposition_id = question_id."})
final class FaithfulnessCommand implements Callable<Integer> {
    @Option(names = "--questions", paramLabel = "Q.csv", description = "DSG question file (item_id, proposition_id, category_broad) for per-category accuracy.")
    Path questions;

    @Option(names = "--answers", required = true, paramLabel = "A.csv",
            description = "VQA answers: t2i_model, item_id, question_id, dependency_id, answer (and dsg_prompt_split for --split).")
    Path answers;

    @Option(names = "--human", paramLabel = "H.csv", description = "Human ratings: t2i_model, item_id, answer (1..5); per image the mean is used.")
    Path human;

    @Option(names = "--split", paramLabel = "NAME", description = "Only answer rows whose dsg_prompt_split is NAME (others are counted as filtered).")
    String split;

    @Option(names = "--format", defaultValue = "json", paramLabel = "json|md", description = "Output format (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--seed", defaultValue = "0", description = "Bootstrap seed (default: ${DEFAULT-VALUE}).")
    long seed;

    PrintStream out = System.out;

    @Override
    public Integer call() throws IOException {
        if (!format.equals("json") && !format.equals("md")) {
            throw new IllegalArgumentException("--format must be json or md, got '" + format + "'");
        }
        FaithfulnessTables tables = new FaithfulnessTables(ImportLimits.DEFAULT);
        List<Answer> rows = tables.answers(answers, split);
        Map<String, Map<Integer, String>> categories = questions == null ? Map.of() : tables.categories(questions);
        Map<ImageKey, Double> ratings = human == null ? null : tables.humanRatings(human);

        // Group by model, then image (first-seen order); a repeated question in one image is skipped.
        Map<String, Map<String, List<DsgQuestion>>> byModel = new TreeMap<>();
        Map<ImageKey, Set<Integer>> seen = new LinkedHashMap<>();
        int notYesNo = 0;
        int repeats = 0;
        int uncategorized = 0;
        for (Answer a : rows) {
            if (!seen.computeIfAbsent(new ImageKey(a.model(), a.itemId()), k -> new HashSet<>()).add(a.questionId())) {
                tables.skipped.add(answers.toString(), a.line(), "question_id repeated for the same t2i_model and item_id");
                repeats++;
                continue;
            }
            String category = categories.getOrDefault(a.itemId(), Map.of()).get(a.questionId());
            if (questions != null && category == null) {
                uncategorized++;
            }
            if (!YesNoAnswer.isYesOrNo(a.answer())) {
                notYesNo++;
            }
            byModel.computeIfAbsent(a.model(), k -> new LinkedHashMap<>()).computeIfAbsent(a.itemId(), k -> new ArrayList<>())
                    .add(new DsgQuestion(a.questionId(), a.parents(), a.answer(), category));
        }
        if (byModel.isEmpty()) {
            throw new IllegalArgumentException(answers + ": no usable answer rows" + (split == null ? "" : " in split '" + split + "'"));
        }

        Bootstrap bootstrap = Bootstrap.standard(seed);
        ObjectNode root = JSON.createObjectNode();
        ObjectNode models = root.putObject("models");
        Map<ImageKey, Double> imageScores = new LinkedHashMap<>();
        int missingParents = 0;
        for (Map.Entry<String, Map<String, List<DsgQuestion>>> m : byModel.entrySet()) {
            double[] scores = new double[m.getValue().size()];
            Map<String, int[]> tally = new TreeMap<>();
            int i = 0;
            int asked = 0;
            for (Map.Entry<String, List<DsgQuestion>> image : m.getValue().entrySet()) {
                DsgScore s = DsgScore.of(image.getValue());
                scores[i++] = s.score();
                imageScores.put(new ImageKey(m.getKey(), image.getKey()), s.score());
                missingParents += s.missingParents();
                asked += s.questions();
                s.byCategory().forEach((c, t) -> {
                    int[] sum = tally.computeIfAbsent(c, k -> new int[2]);
                    sum[0] += t[0];
                    sum[1] += t[1];
                });
            }
            ConfidenceInterval ci = bootstrap.mean(scores);
            ObjectNode node = models.putObject(m.getKey());
            node.put("score", ci.estimate());
            node.putArray("ci").add(ci.lower()).add(ci.upper());
            node.put("images", scores.length);
            node.put("questions", asked);
            if (questions != null) {
                ObjectNode byCategory = node.putObject("by_category");
                tally.forEach((c, t) -> byCategory.putObject(c).put("accuracy", t[0] / (double) t[1]).put("questions", t[1]));
            }
        }
        if (ratings != null) {
            root.set("human_agreement", agreement(imageScores, ratings));
        }
        ObjectNode notes = root.putObject("answers");
        notes.put("rows_used", rows.size() - repeats);
        notes.put("not_yes_or_no", notYesNo);
        notes.put("missing_parent_references", missingParents);
        if (questions != null) {
            notes.put("without_category", uncategorized);
        }
        notes.put("filtered_by_split", tables.filteredOut);
        root.set("repaired_rows", ledger(tables.repaired));
        root.set("skipped_rows", ledger(tables.skipped));
        root.putObject("bootstrap").put("seed", seed).put("resamples", bootstrap.resamples()).put("level", bootstrap.level());
        out.print(format.equals("json") ? JSON.writeValueAsString(root) + "\n" : FaithfulnessMarkdown.render(root));
        return 0;
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Spearman and Kendall tau-b between image scores and mean human ratings, over images that have both. */
    private static ObjectNode agreement(Map<ImageKey, Double> scores, Map<ImageKey, Double> ratings) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        scores.forEach((k, s) -> {
            Double r = ratings.get(k);
            if (r != null) {
                x.add(s);
                y.add(r);
            }
        });
        ObjectNode node = JSON.createObjectNode();
        double[] xs = x.stream().mapToDouble(Double::doubleValue).toArray();
        double[] ys = y.stream().mapToDouble(Double::doubleValue).toArray();
        putNumber(node, "spearman", xs.length < 2 ? Double.NaN : RankCorrelation.spearman(xs, ys));
        putNumber(node, "kendall", xs.length < 2 ? Double.NaN : RankCorrelation.kendallTauB(xs, ys));
        node.put("images", xs.length);
        node.put("scored_images_without_rating", scores.size() - xs.length);
        node.put("rated_images_without_answers", ratings.size() - xs.length);
        return node;
    }

    private static void putNumber(ObjectNode node, String key, double v) {
        if (Double.isNaN(v)) {
            node.putNull(key);
        } else {
            node.put(key, v);
        }
    }

    private static ObjectNode ledger(RowLedger ledger) {
        ObjectNode node = JSON.createObjectNode();
        node.put("count", ledger.count());
        ObjectNode reasons = node.putObject("reasons");
        ledger.reasons().forEach(reasons::put);
        ArrayNode first = node.putArray("first");
        for (RowLedger.Entry e : ledger.first()) {
            first.addObject().put("file", e.file()).put("line", e.line()).put("reason", e.reason());
        }
        return node;
    }
}
