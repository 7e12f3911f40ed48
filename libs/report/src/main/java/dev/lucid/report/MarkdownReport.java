package dev.lucid.report;

import dev.lucid.api.v1.Report;
import dev.lucid.api.v1.Stratum;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The terminal rendering: verdicts first, then every number per stratum with its CI and N, TIFA per element type,
 * threshold curves, geometry and provenance. Columns are padded to align; the same report gives the same bytes.
 */
public final class MarkdownReport {
    private MarkdownReport() {
    }

    /** Renders the report as Markdown. */
    public static String render(Report report) {
        ReportView view = new ReportView(report);
        ReportTables tables = new ReportTables(view);
        StringBuilder out = new StringBuilder();
        String name = report.getSpec().getName().isEmpty() ? report.getEvaluationId() : report.getSpec().getName();
        out.append("# Lucid report: ").append(inline(name)).append("\n\n");
        out.append("Evaluation `").append(inline(report.getEvaluationId())).append("`, baseline `")
                .append(inline(view.baseline().map(m -> m.getLabel()).orElse(report.getBaseline()))).append("`. ")
                .append("Every number: value [95% bootstrap CI] and N; Δ = paired difference to the baseline.\n\n");

        out.append("## Verdicts\n\n");
        if (view.models.isEmpty()) {
            out.append("No models in this report.\n\n");
        } else {
            table(out, tables.verdicts());
            List<ReportTables.Reason> reasons = tables.reasons();
            if (!reasons.isEmpty()) {
                out.append('\n');
                for (ReportTables.Reason r : reasons) {
                    String verdict = ReportView.verdictName(r.verdict());
                    out.append("- ").append(inline(r.model())).append(" / ").append(r.stratum()).append(": ")
                            .append(verdict.isEmpty() ? EstimateText.ABSENT : verdict)
                            .append(r.reason().isEmpty() ? "" : " — " + inline(r.reason())).append('\n');
                }
            }
            out.append('\n');
        }

        Optional<Table> failed = tables.failedItems();
        if (failed.isPresent()) {
            out.append("## Items given up on\n\n").append(inline(tables.failedItemsNote())).append("\n\n");
            table(out, failed.get());
            out.append('\n');
        }

        out.append("## Metrics per stratum\n\n");
        for (Stratum s : view.strata) {
            out.append("### ").append(ReportView.stratumName(s)).append(" (").append(inline(tables.counts(s))).append(")\n\n");
            Table t = tables.metrics(s);
            if (t.rows().isEmpty()) {
                out.append("No metrics on this stratum.\n\n");
            } else {
                table(out, t);
                out.append('\n');
            }
            tables.fidBelowDimension(s).ifPresent(note -> out.append("Note: ").append(inline(note)).append("\n\n"));
        }

        section(out, "## TIFA per element type", view, tables::elements);
        section(out, "## Unsafe rate over thresholds", view, tables::curve);

        Optional<Table> geometry = tables.geometry();
        if (geometry.isPresent()) {
            out.append("## Geometry (prompt embeddings vs the baseline encoder)\n\n");
            table(out, geometry.get());
            out.append('\n');
        }

        out.append("## Provenance\n\n");
        table(out, tables.provenance());
        out.append('\n');
        if (!view.models.isEmpty()) {
            table(out, tables.modelProvenance());
            out.append('\n');
        }
        if (report.getScorersCount() > 0) {
            table(out, tables.scorers());
            out.append('\n');
        }
        // One trailing newline, whatever the last section was.
        return out.toString().stripTrailing() + "\n";
    }

    private interface PerStratum {
        Optional<Table> table(Stratum s);
    }

    private static void section(StringBuilder out, String title, ReportView view, PerStratum perStratum) {
        List<Stratum> strata = new ArrayList<>();
        List<Table> found = new ArrayList<>();
        for (Stratum s : view.strata) {
            perStratum.table(s).ifPresent(t -> {
                strata.add(s);
                found.add(t);
            });
        }
        if (found.isEmpty()) {
            return;
        }
        out.append(title).append("\n\n");
        for (int i = 0; i < found.size(); i++) {
            out.append("### ").append(ReportView.stratumName(strata.get(i))).append("\n\n");
            table(out, found.get(i));
            out.append('\n');
        }
    }

    /** Appends the table with every column padded to its widest cell. */
    static void table(StringBuilder out, Table t) {
        int columns = t.header().size();
        int[] width = new int[columns];
        List<List<String>> text = new ArrayList<>();
        text.add(t.header().stream().map(MarkdownReport::inline).toList());
        t.rows().forEach(r -> text.add(r.stream().map(c -> inline(c.text())).toList()));
        for (List<String> row : text) {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(Math.max(width[i], 3), length(row.get(i)));
            }
        }
        for (int r = 0; r < text.size(); r++) {
            line(out, text.get(r), width, t.rightAligned());
            if (r == 0) {
                out.append('|');
                for (int i = 0; i < columns; i++) {
                    out.append(t.rightAligned().get(i) ? "-".repeat(width[i] + 1) + ":" : "-".repeat(width[i] + 2)).append('|');
                }
                out.append('\n');
            }
        }
    }

    private static void line(StringBuilder out, List<String> cells, int[] width, List<Boolean> right) {
        out.append('|');
        for (int i = 0; i < cells.size(); i++) {
            String pad = " ".repeat(width[i] - length(cells.get(i)));
            out.append(' ').append(right.get(i) ? pad + cells.get(i) : cells.get(i) + pad).append(" |");
        }
        out.append('\n');
    }

    private static int length(String s) {
        return s.codePointCount(0, s.length());
    }

    /** User text made safe for one table cell or line: no line breaks or control characters, pipes escaped. */
    static String inline(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            if (c == '|') {
                b.append("\\|");
            } else if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029) {
                b.append(' ');
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }
}
