package dev.lucid.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/** The markdown form of {@code lucid faithfulness}'s JSON result: a table per model, then agreement and row counts. */
final class FaithfulnessMarkdown {
    private FaithfulnessMarkdown() {
    }

    static String render(JsonNode root) {
        StringBuilder md = new StringBuilder();
        JsonNode models = root.get("models");
        boolean categories = models.elements().next().has("by_category");
        md.append("| t2i model | DSG score | 95% CI | images | questions |");
        md.append(categories ? " accuracy by category |\n|---|---|---|---|---|---|\n" : "\n|---|---|---|---|---|\n");
        for (Iterator<Map.Entry<String, JsonNode>> it = models.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> m = it.next();
            JsonNode n = m.getValue();
            md.append("| ").append(m.getKey()).append(" | ").append(fixed(n.get("score"))).append(" | [")
                    .append(fixed(n.get("ci").get(0))).append(", ").append(fixed(n.get("ci").get(1))).append("] | ")
                    .append(n.get("images").asInt()).append(" | ").append(n.get("questions").asInt()).append(" |");
            if (categories) {
                StringBuilder cells = new StringBuilder();
                n.get("by_category").fields().forEachRemaining(c -> cells.append(cells.isEmpty() ? " " : ", ")
                        .append(c.getKey()).append(' ').append(fixed(c.getValue().get("accuracy")))
                        .append(" (").append(c.getValue().get("questions").asInt()).append(')'));
                md.append(cells).append(" |");
            }
            md.append('\n');
        }
        JsonNode h = root.get("human_agreement");
        if (h != null) {
            md.append("\nHuman agreement over ").append(h.get("images").asInt()).append(" images: Spearman ")
                    .append(fixed(h.get("spearman"))).append(", Kendall tau-b ").append(fixed(h.get("kendall")))
                    .append(" (scored images without a rating: ").append(h.get("scored_images_without_rating").asInt())
                    .append("; rated images without answers: ").append(h.get("rated_images_without_answers").asInt()).append(")\n");
        }
        JsonNode a = root.get("answers");
        md.append("\nRows used: ").append(a.get("rows_used").asInt()).append("; answers other than yes/no: ")
                .append(a.get("not_yes_or_no").asInt()).append("; filtered by split: ").append(a.get("filtered_by_split").asInt())
                .append('\n');
        appendLedger(md, "Repaired", root.get("repaired_rows"));
        appendLedger(md, "Skipped", root.get("skipped_rows"));
        return md.toString();
    }

    private static void appendLedger(StringBuilder md, String title, JsonNode ledger) {
        md.append(title).append(" rows: ").append(ledger.get("count").asInt());
        ledger.get("reasons").fields().forEachRemaining(r -> md.append("; ").append(r.getKey()).append(": ").append(r.getValue().asInt()));
        md.append('\n');
    }

    private static String fixed(JsonNode v) {
        return v == null || v.isNull() ? "n/a" : String.format(Locale.ROOT, "%.4f", v.asDouble());
    }
}
