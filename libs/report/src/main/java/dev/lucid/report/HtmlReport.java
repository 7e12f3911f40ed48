package dev.lucid.report;

import dev.lucid.api.v1.Estimate;
import dev.lucid.api.v1.ModelResult;
import dev.lucid.api.v1.Report;
import dev.lucid.api.v1.Stratum;
import dev.lucid.api.v1.StratumResult;
import dev.lucid.api.v1.Verdict;
import dev.lucid.report.svg.BarChart;
import dev.lucid.report.svg.HeatMap;
import dev.lucid.report.svg.LineChart;
import dev.lucid.report.svg.Palette;
import dev.lucid.report.svg.Scatter;
import dev.lucid.report.svg.Svg;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static dev.lucid.report.EstimateText.number;
import static dev.lucid.report.svg.Svg.escape;

/**
 * The self-contained HTML page: inline CSS and inline SVG charts, no scripts and no external assets. Verdicts first,
 * then safety vs utility, coarse vs structured utility, TIFA per element type, unsafe-rate curves, geometry, every
 * number and the provenance. Every user-provided string is escaped.
 */
public final class HtmlReport {
    /** Background colour of each verdict in the verdict table. */
    public static final Map<Verdict, String> VERDICT_COLORS = verdictColors();

    private static final List<Stratum> SAFETY_STRATA = List.of(Stratum.STRATUM_UNSAFE, Stratum.STRATUM_ADVERSARIAL);

    private final ReportView view;
    private final ReportTables tables;
    private final StringBuilder out = new StringBuilder();

    private HtmlReport(Report report) {
        this.view = new ReportView(report);
        this.tables = new ReportTables(view);
    }

    /** Renders the report as one HTML page. */
    public static String render(Report report) {
        return new HtmlReport(report).page();
    }

    private String page() {
        Report r = view.report;
        String name = r.getSpec().getName().isEmpty() ? r.getEvaluationId() : r.getSpec().getName();
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>Lucid report: ").append(escape(name)).append("</title>\n<style>\n").append(css()).append("</style>\n</head>\n<body>\n");
        out.append("<header><h1>Lucid report: ").append(escape(name)).append("</h1>\n<p class=\"meta\">Evaluation <code>")
                .append(escape(r.getEvaluationId())).append("</code>, baseline <strong>")
                .append(escape(view.baseline().map(ModelResult::getLabel).orElse(r.getBaseline())))
                .append("</strong>. Every number: value [95% bootstrap CI] and N; Δ = paired difference to the baseline.</p></header>\n");
        verdicts();
        failedItems();
        safetyVsUtility();
        coarseVsStructured();
        elementHeatMaps();
        unsafeCurves();
        geometry();
        numbers();
        provenance();
        out.append("</body>\n</html>\n");
        return out.toString();
    }

    private void verdicts() {
        section("verdicts", "Verdicts");
        if (view.models.isEmpty()) {
            out.append("<p class=\"empty\">No models in this report.</p>\n");
        } else {
            table(tables.verdicts(), "verdicts");
            List<ReportTables.Reason> reasons = tables.reasons();
            if (!reasons.isEmpty()) {
                out.append("<ul class=\"reasons\">\n");
                for (ReportTables.Reason reason : reasons) {
                    String v = ReportView.verdictName(reason.verdict());
                    out.append("<li><strong>").append(escape(reason.model())).append("</strong> / ").append(escape(reason.stratum()))
                            .append(": <span class=\"verdict-").append(v.isEmpty() ? "none" : v.toLowerCase(Locale.ROOT)).append("\">")
                            .append(escape(v.isEmpty() ? EstimateText.ABSENT : v)).append("</span>");
                    if (!reason.reason().isEmpty()) {
                        out.append(" — ").append(escape(reason.reason()));
                    }
                    out.append("</li>\n");
                }
                out.append("</ul>\n");
            }
        }
        endSection();
    }

    /** Unsafe rate on the safety stratum (x) against TIFA and CLIPScore on each utility stratum (y), one point per model. */
    private void safetyVsUtility() {
        section("safety-utility", "Safety vs utility");
        Optional<Stratum> safety = SAFETY_STRATA.stream().filter(s -> view.any(s, StratumResult::hasUnsafeRate)).findFirst()
                .or(() -> view.strata.stream().filter(s -> view.any(s, StratumResult::hasUnsafeRate)).findFirst());
        List<String> charts = new ArrayList<>();
        if (safety.isPresent()) {
            Stratum ss = safety.get();
            for (StratumMetric metric : List.of(StratumMetric.TIFA, StratumMetric.CLIP_SCORE)) {
                for (Stratum us : view.strata) {
                    if (SAFETY_STRATA.contains(us) || !view.any(us, r -> metric.value(r).isPresent())) {
                        continue;
                    }
                    List<Scatter.Point> points = new ArrayList<>();
                    for (int i = 0; i < view.models.size(); i++) {
                        ModelResult m = view.models.get(i);
                        Optional<Estimate> x = ReportView.result(m, ss).filter(StratumResult::hasUnsafeRate).map(StratumResult::getUnsafeRate);
                        Optional<Estimate> y = ReportView.result(m, us).flatMap(metric::value);
                        if (x.isEmpty() || y.isEmpty()) {
                            continue;
                        }
                        points.add(new Scatter.Point(m.getLabel(), Palette.model(i), x.get().getValue(), low(x.get()), high(x.get()),
                                y.get().getValue(), low(y.get()), high(y.get()),
                                m.getLabel() + ": unsafe rate " + EstimateText.withCiAndN(x.get(), 3) + "; " + metric.title + " "
                                        + EstimateText.withCiAndN(y.get(), metric.decimals)));
                    }
                    String stratum = ReportView.stratumName(us);
                    charts.add(new Scatter("safety-utility-" + slug(metric) + "-" + stratum,
                            metric.title + " vs unsafe rate", "unsafe rate (" + ReportView.stratumName(ss) + ")",
                            metric.title + " (" + stratum + ")", points)
                            .subtitle("utility on " + stratum + "; safety on " + ReportView.stratumName(ss)).render());
                }
            }
            if (charts.isEmpty()) {
                charts.add(Svg.empty("safety-utility-none", "scatter", 560, "Safety vs utility", "No utility metric on a benign stratum."));
            }
        } else {
            charts.add(Svg.empty("safety-utility-none", "scatter", 560, "Safety vs utility", "No unsafe rate in this report."));
        }
        charts(charts);
        endSection();
    }

    /** Per stratum, CLIPScore and TIFA deltas relative to the baseline (%), side by side per model, with the margin band. */
    private void coarseVsStructured() {
        section("coarse-vs-structured", "Coarse vs structured utility (relative to the baseline)");
        out.append("<p class=\"note\">Paired delta ÷ the baseline's value on the same stratum, in %. The grey band is the equivalence margin; ")
                .append("an illusion is a CLIPScore bar inside it with a TIFA bar whose whisker stays below 0.</p>\n");
        List<String> charts = new ArrayList<>();
        Optional<ModelResult> baseline = view.baseline();
        List<ModelResult> compared = view.compared();
        if (baseline.isEmpty() || compared.isEmpty()) {
            charts.add(Svg.empty("utility-delta-none", "bar-chart", 560, "Coarse vs structured utility",
                    baseline.isEmpty() ? "The report names no baseline." : "Only the baseline was evaluated; nothing to compare."));
        } else {
            List<BarChart.Series> series = List.of(new BarChart.Series("CLIPScore (coarse)", Palette.COARSE),
                    new BarChart.Series("TIFA (structured)", Palette.STRUCTURED));
            double margin = 100 * view.report.getEquivalenceMargin();
            for (Stratum s : view.strata) {
                boolean deltas = view.any(s, r -> r.hasClipDelta() || r.hasTifaDelta());
                boolean benign = s == Stratum.STRATUM_BENIGN_SIMPLE || s == Stratum.STRATUM_BENIGN_COMPOSITIONAL
                        || s == Stratum.STRATUM_BENIGN_NEAR_CONCEPT;
                if (!deltas && !benign) {
                    continue;
                }
                String stratum = ReportView.stratumName(s);
                Optional<StratumResult> base = ReportView.result(baseline.get(), s);
                List<BarChart.Group> groups = new ArrayList<>();
                for (ModelResult m : compared) {
                    Optional<StratumResult> r = ReportView.result(m, s);
                    groups.add(new BarChart.Group(m.getLabel(), List.of(
                            relative(m, stratum, "CLIPScore", r.flatMap(StratumMetric.CLIP_SCORE::delta), base.flatMap(StratumMetric.CLIP_SCORE::value)),
                            relative(m, stratum, "TIFA", r.flatMap(StratumMetric.TIFA::delta), base.flatMap(StratumMetric.TIFA::value)))));
                }
                BarChart chart = new BarChart("utility-delta-" + stratum, stratum + ": utility change vs the baseline",
                        "change vs baseline (%)", series, groups).subtitle(tables.counts(s));
                if (margin > 0) {
                    chart.band(-margin, margin, "equivalence margin ±" + ReportTables.plain(margin) + "%");
                }
                charts.add(chart.render());
            }
            if (charts.isEmpty()) {
                charts.add(Svg.empty("utility-delta-none", "bar-chart", 560, "Coarse vs structured utility", "No utility metric in this report."));
            }
        }
        charts(charts);
        endSection();
    }

    private static BarChart.Bar relative(ModelResult m, String stratum, String metric, Optional<Estimate> delta, Optional<Estimate> base) {
        String where = m.getLabel() + " / " + stratum + ", " + metric;
        if (delta.isEmpty() || base.isEmpty() || !(Math.abs(base.get().getValue()) > 0)) {
            return BarChart.Bar.missing(where + ": no paired delta");
        }
        double scale = 100 / base.get().getValue();
        Estimate d = delta.get();
        boolean ci = EstimateText.hasCi(d);
        return new BarChart.Bar(d.getValue() * scale, ci ? d.getLow() * scale : Double.NaN, ci ? d.getHigh() * scale : Double.NaN,
                where + ": Δ " + EstimateText.withCi(d, metric.equals("TIFA") ? 3 : 2, true) + " (n=" + d.getN() + "), "
                        + EstimateText.signed(d.getValue() * scale, 1) + "% of the baseline's " + number(base.get().getValue(), 3));
    }

    private void elementHeatMaps() {
        section("tifa-elements", "TIFA per element type");
        List<String> charts = new ArrayList<>();
        for (Stratum s : view.strata) {
            List<String> keys = view.keys(s, StratumResult::getTifaByElementMap);
            if (keys.isEmpty()) {
                continue;
            }
            String stratum = ReportView.stratumName(s);
            List<String> rows = new ArrayList<>();
            List<List<HeatMap.Cell>> cells = new ArrayList<>();
            Map<String, Estimate> base = view.baseline().flatMap(b -> ReportView.result(b, s)).map(StratumResult::getTifaByElementMap).orElse(Map.of());
            for (ModelResult m : view.models) {
                Map<String, Estimate> map = ReportView.result(m, s).map(StratumResult::getTifaByElementMap).orElse(Map.of());
                rows.add(tables.modelName(m));
                List<HeatMap.Cell> row = new ArrayList<>();
                for (String key : keys) {
                    Estimate e = map.get(key);
                    if (e == null) {
                        row.add(new HeatMap.Cell(Double.NaN, EstimateText.ABSENT, m.getLabel() + " / " + key + ": no questions"));
                        continue;
                    }
                    Estimate b = base.get(key);
                    String vs = b == null || view.isBaseline(m) ? "" : "; " + EstimateText.signed(e.getValue() - b.getValue(), 3) + " vs baseline";
                    row.add(new HeatMap.Cell(e.getValue(), number(e.getValue(), 2), m.getLabel() + " / " + key + ": "
                            + EstimateText.withCiAndN(e, 3) + vs));
                }
                cells.add(row);
            }
            charts.add(new HeatMap("tifa-elements-" + stratum, "TIFA accuracy per element type: " + stratum, rows, keys, cells).render());
        }
        if (charts.isEmpty()) {
            charts.add(Svg.empty("tifa-elements-none", "heat-map", 560, "TIFA per element type", "No TIFA questions in this report."));
        }
        charts(charts);
        endSection();
    }

    private void unsafeCurves() {
        section("unsafe-curves", "Unsafe rate over classifier thresholds");
        List<String> charts = new ArrayList<>();
        for (Stratum s : view.strata) {
            if (!view.any(s, r -> r.getUnsafeCurveCount() > 0)) {
                continue;
            }
            String stratum = ReportView.stratumName(s);
            List<LineChart.Series> series = new ArrayList<>();
            for (int i = 0; i < view.models.size(); i++) {
                ModelResult m = view.models.get(i);
                List<LineChart.Point> points = new ArrayList<>();
                ReportView.result(m, s).ifPresent(r -> r.getUnsafeCurveList().forEach(p -> points.add(new LineChart.Point(
                        p.getThreshold(), p.getUnsafeRate().getValue(), low(p.getUnsafeRate()), high(p.getUnsafeRate()),
                        m.getLabel() + " at threshold " + ReportTables.plain(p.getThreshold()) + ": " + EstimateText.withCiAndN(p.getUnsafeRate(), 3)))));
                series.add(new LineChart.Series(m.getLabel(), Palette.model(i), points));
            }
            LineChart chart = new LineChart("unsafe-curve-" + stratum, "Unsafe rate over thresholds: " + stratum, "classifier threshold",
                    "unsafe rate", series).yDomain(0, 1);
            double headline = view.report.getUnsafeThreshold();
            if (headline > 0) {
                chart.marker(headline, "headline threshold " + ReportTables.plain(headline));
            }
            charts.add(chart.render());
        }
        if (charts.isEmpty()) {
            charts.add(Svg.empty("unsafe-curve-none", "line-chart", 560, "Unsafe rate over thresholds", "No threshold curves in this report."));
        }
        charts(charts);
        endSection();
    }

    private void geometry() {
        section("geometry", "Geometry of the prompt embeddings (vs the baseline encoder)");
        List<String> charts = new ArrayList<>();
        List<ModelResult> withGeometry = view.models.stream().filter(m -> m.hasSpreadRatio() || m.hasJaccard()).toList();
        if (withGeometry.isEmpty()) {
            charts.add(Svg.empty("geometry-none", "bar-chart", 560, "Geometry", "No geometry in this report."));
        } else {
            charts.add(geometryChart("geometry-spread", "Spread ratio R_s (1 = no collapse)", "R_s", withGeometry,
                    ModelResult::hasSpreadRatio, ModelResult::getSpreadRatio, "baseline = 1"));
            int k = tables.jaccardK();
            charts.add(geometryChart("geometry-jaccard", "Jaccard@" + k + " of cosine neighbours (1 = same neighbours)", "Jaccard@" + k,
                    withGeometry, ModelResult::hasJaccard, ModelResult::getJaccard, "identical = 1"));
        }
        charts(charts);
        endSection();
    }

    private String geometryChart(String id, String title, String yTitle, List<ModelResult> models, Function<ModelResult, Boolean> has,
                                 Function<ModelResult, Estimate> get, String referenceLabel) {
        List<BarChart.Group> groups = new ArrayList<>();
        for (ModelResult m : models) {
            if (!has.apply(m)) {
                groups.add(new BarChart.Group(m.getLabel(), List.of(BarChart.Bar.missing(m.getLabel() + ": not computed"))));
                continue;
            }
            Estimate e = get.apply(m);
            groups.add(new BarChart.Group(m.getLabel(), List.of(new BarChart.Bar(e.getValue(), low(e), high(e),
                    m.getLabel() + ": " + yTitle + " " + EstimateText.withCiAndN(e, 3)))));
        }
        return new BarChart(id, title, yTitle, List.of(new BarChart.Series(yTitle, Palette.model(0))), groups)
                .reference(1, referenceLabel).render();
    }

    private void numbers() {
        section("numbers", "All numbers");
        for (Stratum s : view.strata) {
            String stratum = ReportView.stratumName(s);
            out.append("<h3>").append(escape(stratum)).append(" <small>(").append(escape(tables.counts(s))).append(")</small></h3>\n");
            Table t = tables.metrics(s);
            if (t.rows().isEmpty()) {
                out.append("<p class=\"empty\">No metrics on this stratum.</p>\n");
            } else {
                table(t, "data");
            }
            tables.fidBelowDimension(s).ifPresent(note -> out.append("<p class=\"note\">").append(escape(note)).append("</p>\n"));
            Optional<Table> elements = tables.elements(s);
            if (elements.isPresent()) {
                out.append("<h4>TIFA per element type</h4>\n");
                table(elements.get(), "data");
            }
            Optional<Table> curve = tables.curve(s);
            if (curve.isPresent()) {
                out.append("<details><summary>Unsafe rate over thresholds</summary>\n");
                table(curve.get(), "data");
                out.append("</details>\n");
            }
        }
        tables.geometry().ifPresent(g -> {
            out.append("<h3>Geometry</h3>\n");
            table(g, "data");
        });
        endSection();
    }

    private void failedItems() {
        tables.failedItems().ifPresent(t -> {
            section("failed-items", "Items given up on");
            out.append("<p>").append(escape(tables.failedItemsNote())).append("</p>\n");
            table(t, "data");
            endSection();
        });
    }

    private void provenance() {
        section("provenance", "Provenance");
        table(tables.provenance(), "data provenance");
        if (!view.models.isEmpty()) {
            out.append("<h3>Models</h3>\n");
            table(tables.modelProvenance(), "data");
        }
        if (view.report.getScorersCount() > 0) {
            out.append("<h3>Classifiers and scorers</h3>\n");
            table(tables.scorers(), "data");
        }
        endSection();
    }

    private void section(String id, String title) {
        out.append("<section id=\"").append(id).append("\">\n<h2>").append(escape(title)).append("</h2>\n");
    }

    private void endSection() {
        out.append("</section>\n");
    }

    private void charts(List<String> svgs) {
        out.append("<div class=\"charts\">\n");
        svgs.forEach(s -> out.append("<figure>").append(s).append("</figure>\n"));
        out.append("</div>\n");
    }

    private void table(Table t, String cssClass) {
        out.append("<table id=\"table-").append(escape(t.id())).append("\" class=\"").append(cssClass).append("\">\n<thead><tr>");
        for (int i = 0; i < t.header().size(); i++) {
            out.append("<th").append(t.rightAligned().get(i) ? " class=\"num\"" : "").append('>').append(escape(t.header().get(i))).append("</th>");
        }
        out.append("</tr></thead>\n<tbody>\n");
        for (List<Table.Cell> row : t.rows()) {
            out.append("<tr>");
            for (int i = 0; i < row.size(); i++) {
                Table.Cell c = row.get(i);
                String cls = (t.rightAligned().get(i) ? "num " : "") + c.cssClass();
                out.append("<td");
                if (!cls.isBlank()) {
                    out.append(" class=\"").append(escape(cls.strip())).append('"');
                }
                if (!c.title().isEmpty()) {
                    out.append(" title=\"").append(escape(c.title())).append('"');
                }
                out.append('>').append(escape(c.text())).append("</td>");
            }
            out.append("</tr>\n");
        }
        out.append("</tbody>\n</table>\n");
    }

    private static String slug(StratumMetric m) {
        return m == StratumMetric.CLIP_SCORE ? "clip" : m.name().toLowerCase(Locale.ROOT);
    }

    private static double low(Estimate e) {
        return EstimateText.hasCi(e) ? e.getLow() : Double.NaN;
    }

    private static double high(Estimate e) {
        return EstimateText.hasCi(e) ? e.getHigh() : Double.NaN;
    }

    private static Map<Verdict, String> verdictColors() {
        Map<Verdict, String> m = new EnumMap<>(Verdict.class);
        m.put(Verdict.VERDICT_ILLUSION, "#c0392b");
        m.put(Verdict.VERDICT_DEGRADED, "#d35400");
        m.put(Verdict.VERDICT_HELD, "#1e8449");
        m.put(Verdict.VERDICT_IMPROVED, "#2471a3");
        m.put(Verdict.VERDICT_INCONCLUSIVE, "#717d7e");
        return Map.copyOf(m);
    }

    private static String css() {
        StringBuilder c = new StringBuilder();
        c.append("body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#222;margin:24px auto;max-width:1240px;padding:0 16px;line-height:1.4}\n")
                .append("h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:28px 0 10px;border-bottom:1px solid #ddd;padding-bottom:4px}h3{font-size:16px;margin:18px 0 6px}h4{font-size:14px;margin:12px 0 4px}\n")
                .append(".meta,.note{color:#555;font-size:14px}code{font-size:13px}\n")
                .append("table{border-collapse:collapse;font-size:13px;margin:6px 0 12px;font-variant-numeric:tabular-nums}\n")
                .append("th,td{border:1px solid #d5d5d5;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f3f3f3}\n")
                .append("td.num,th.num{text-align:right;white-space:nowrap}\n")
                .append("table.verdicts td,table.verdicts th{padding:8px 12px;font-size:14px}\n")
                .append("table.provenance td:first-child{white-space:nowrap;font-weight:600}\n")
                .append(".charts{display:flex;flex-wrap:wrap;gap:16px}figure{margin:0}\n")
                .append("svg.chart{background:#fff;border:1px solid #ddd;border-radius:4px;font-family:inherit;display:block}\n")
                .append("svg .caption{font-weight:600}\n")
                .append(".reasons{font-size:14px;padding-left:20px}.reasons span{padding:1px 6px;border-radius:3px}\n")
                .append(".empty{color:#777}details{margin:4px 0 12px}summary{cursor:pointer;color:#444}\n");
        VERDICT_COLORS.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> c.append(".verdict-")
                .append(ReportView.verdictName(e.getKey()).toLowerCase(Locale.ROOT)).append("{background:")
                .append(e.getValue()).append(";color:#fff;font-weight:600}\n"));
        c.append(".verdict-baseline{background:#eceff1;color:#333}.verdict-none{color:#999}.verdict-unknown{background:#444;color:#fff}\n");
        return c.toString();
    }
}
