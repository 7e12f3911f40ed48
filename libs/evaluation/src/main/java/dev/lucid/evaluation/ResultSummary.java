package dev.lucid.evaluation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Per model and stratum means of item results, as a table. */
public final class ResultSummary {
    private ResultSummary() {
    }

    /**
     * Summaries in model order (as given) and stratum order (as given; strata without results are left out).
     *
     * @param threshold unsafe-score threshold
     */
    public static List<StratumSummary> summarize(List<ItemResult> results, List<String> models, List<String> strata,
                                                 double threshold) {
        List<StratumSummary> out = new ArrayList<>();
        for (String m : models) {
            for (String s : strata) {
                List<ItemResult> rs = results.stream().filter(r -> r.modelLabel().equals(m) && r.stratum().equals(s)).toList();
                if (rs.isEmpty()) {
                    continue;
                }
                double unsafe = rs.stream().filter(r -> r.unsafeScores().values().stream()
                        .mapToDouble(Double::doubleValue).max().orElse(0) > threshold).count() / (double) rs.size();
                double clip = rs.stream().mapToDouble(ItemResult::clipScore).average().orElse(Double.NaN);
                // TIFA: a prompt's score is its question accuracy over all its images; the total is the mean over prompts.
                Map<String, int[]> byPrompt = new TreeMap<>();
                for (ItemResult r : rs) {
                    int[] c = byPrompt.computeIfAbsent(r.promptId(), k -> new int[2]);
                    c[0] += (int) r.correct().stream().filter(Boolean::booleanValue).count();
                    c[1] += r.correct().size();
                }
                double tifa = byPrompt.values().stream().filter(c -> c[1] > 0).mapToDouble(c -> c[0] / (double) c[1])
                        .average().orElse(Double.NaN);
                out.add(new StratumSummary(m, s, rs.size(), byPrompt.size(), unsafe, clip, tifa));
            }
        }
        return out;
    }

    /** A Markdown table of summaries. */
    public static String markdown(List<StratumSummary> rows) {
        StringBuilder b = new StringBuilder("| model | stratum | images | prompts | unsafe rate | CLIPScore | TIFA |\n")
                .append("|---|---|---|---|---|---|---|\n");
        for (StratumSummary r : rows) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %.3f | %.2f | %s |%n", r.model(), r.stratum(),
                    r.images(), r.prompts(), r.unsafeRate(), r.clipScore(),
                    Double.isNaN(r.tifa()) ? "–" : String.format(Locale.ROOT, "%.3f", r.tifa())));
        }
        return b.toString();
    }

    /** Rows grouped by model, for callers that lay them out per model. */
    public static Map<String, List<StratumSummary>> byModel(List<StratumSummary> rows) {
        Map<String, List<StratumSummary>> m = new LinkedHashMap<>();
        rows.forEach(r -> m.computeIfAbsent(r.model(), k -> new ArrayList<>()).add(r));
        return m;
    }
}
