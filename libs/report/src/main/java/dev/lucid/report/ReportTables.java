package dev.lucid.report;

import dev.lucid.api.v1.CurvePoint;
import dev.lucid.api.v1.EvaluatedModel;
import dev.lucid.api.v1.Estimate;
import dev.lucid.api.v1.FailedItem;
import dev.lucid.api.v1.GenerationParams;
import dev.lucid.api.v1.ModelResult;
import dev.lucid.api.v1.Quota;
import dev.lucid.api.v1.Report;
import dev.lucid.api.v1.ScorerRecord;
import dev.lucid.api.v1.Stratum;
import dev.lucid.api.v1.StratumResult;
import dev.lucid.api.v1.Verdict;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

import static dev.lucid.report.EstimateText.ABSENT;

/** The report's tables, built once and rendered by both Markdown and HTML so the two always show the same numbers. */
final class ReportTables {
    /** Seeds listed in full up to this many; longer lists show their start and their count. */
    static final int SEEDS_SHOWN = 16;

    /** One verdict with its reason, for the list under the verdict table. */
    record Reason(String model, String stratum, Verdict verdict, String reason) {
    }

    private final ReportView view;

    ReportTables(ReportView view) {
        this.view = view;
    }

    /** Models × strata verdicts, with the model's overall (worst) verdict first. */
    Table verdicts() {
        List<String> header = new ArrayList<>(List.of("model", "overall"));
        view.strata.forEach(s -> header.add(ReportView.stratumName(s)));
        List<List<Table.Cell>> rows = new ArrayList<>();
        for (ModelResult m : view.models) {
            List<Table.Cell> row = new ArrayList<>();
            boolean base = view.isBaseline(m);
            row.add(Table.Cell.of(modelName(m)));
            row.add(base ? baselineCell() : verdictCell(m.getVerdict(), ""));
            for (Stratum s : view.strata) {
                Optional<StratumResult> r = ReportView.result(m, s);
                row.add(r.isEmpty() ? new Table.Cell(ABSENT, "verdict-none", "no results on this stratum")
                        : base ? baselineCell() : verdictCell(r.get().getVerdict(), r.get().getVerdictReason()));
            }
            rows.add(row);
        }
        return new Table("verdicts", header, Collections.nCopies(header.size(), false), rows);
    }

    /** The reasons of every non-baseline verdict, in model and stratum order. */
    List<Reason> reasons() {
        List<Reason> out = new ArrayList<>();
        for (ModelResult m : view.compared()) {
            for (Stratum s : view.strata) {
                ReportView.result(m, s).filter(r -> r.getVerdict() != Verdict.VERDICT_UNSPECIFIED || !r.getVerdictReason().isEmpty())
                        .ifPresent(r -> out.add(new Reason(m.getLabel(), ReportView.stratumName(s), r.getVerdict(), r.getVerdictReason())));
            }
        }
        return out;
    }

    /** "prompts 40, images 160" when all models agree, else per model. */
    String counts(Stratum s) {
        TreeSet<String> distinct = new TreeSet<>();
        List<String> each = new ArrayList<>();
        for (ModelResult m : view.models) {
            ReportView.result(m, s).ifPresent(r -> {
                String c = "prompts " + r.getPrompts() + ", images " + r.getImages();
                distinct.add(c);
                each.add(m.getLabel() + ": " + c);
            });
        }
        return distinct.size() == 1 ? distinct.first() : String.join("; ", each);
    }

    /** The N < D warning of a stratum: the models whose FID rests on fewer images than feature dimensions. */
    Optional<String> fidBelowDimension(Stratum s) {
        List<String> labels = new ArrayList<>();
        for (ModelResult m : view.models) {
            ReportView.result(m, s).filter(StratumResult::getFidBelowDimension).ifPresent(r -> labels.add(m.getLabel()));
        }
        if (labels.isEmpty()) {
            return Optional.empty();
        }
        String d = view.report.getFeatureDimension() > 0 ? Integer.toString(view.report.getFeatureDimension()) : "D";
        return Optional.of("FID rests on fewer images than feature dimensions (N < " + d + ") for " + String.join(", ", labels)
                + ": the sample covariance is singular and FID is biased upwards; compare FIDs only at equal N.");
    }

    /** Every metric of a stratum: one row per metric and model, value and paired delta with their CIs and N. */
    Table metrics(Stratum s) {
        List<List<Table.Cell>> rows = new ArrayList<>();
        for (StratumMetric metric : StratumMetric.values()) {
            if (!view.any(s, r -> metric.value(r).isPresent())) {
                continue;
            }
            boolean hasDeltas = view.any(s, r -> metric.delta(r).isPresent());
            for (ModelResult m : view.models) {
                Optional<StratumResult> r = ReportView.result(m, s);
                Optional<Estimate> value = r.flatMap(metric::value);
                Optional<Estimate> delta = r.flatMap(metric::delta);
                String deltaAbsent = hasDeltas && !view.isBaseline(m) ? ABSENT : "";
                rows.add(List.of(Table.Cell.of(metric.title), Table.Cell.of(m.getLabel()),
                        Table.Cell.of(value.map(e -> EstimateText.withCi(e, metric.decimals, false)).orElse(ABSENT)),
                        Table.Cell.of(value.map(e -> Long.toString(e.getN())).orElse("")),
                        Table.Cell.of(delta.map(e -> EstimateText.withCi(e, metric.decimals, true)).orElse(deltaAbsent)),
                        Table.Cell.of(delta.map(e -> Long.toString(e.getN())).orElse(""))));
            }
            if (metric == StratumMetric.UNSAFE_RATE) {
                mapRows(rows, s, StratumResult::getUnsafeByCategoryMap, "unsafe rate, category ");
                mapRows(rows, s, StratumResult::getUnsafeByClassifierMap, "unsafe rate, classifier ");
            }
            if (metric == StratumMetric.DSG) {
                mapRows(rows, s, StratumResult::getDsgByCategoryMap, "DSG, category ");
            }
        }
        return new Table("metrics-" + ReportView.stratumName(s),
                List.of("metric", "model", "value [95% CI]", "N", "Δ vs baseline [95% CI]", "N"),
                List.of(false, false, true, true, true, true), rows);
    }

    private void mapRows(List<List<Table.Cell>> rows, Stratum s, Function<StratumResult, Map<String, Estimate>> map, String prefix) {
        for (String key : view.keys(s, map::apply)) {
            for (ModelResult m : view.models) {
                Optional<Estimate> e = ReportView.result(m, s).map(map).map(x -> x.get(key));
                rows.add(List.of(Table.Cell.of(prefix + key), Table.Cell.of(m.getLabel()),
                        Table.Cell.of(e.map(x -> EstimateText.withCi(x, 3, false)).orElse(ABSENT)),
                        Table.Cell.of(e.map(x -> Long.toString(x.getN())).orElse("")), Table.Cell.of(""), Table.Cell.of("")));
            }
        }
    }

    /** TIFA accuracy per element type (rows) and model (columns) on a stratum; empty when no model has any. */
    Optional<Table> elements(Stratum s) {
        List<String> keys = view.keys(s, StratumResult::getTifaByElementMap);
        if (keys.isEmpty()) {
            return Optional.empty();
        }
        List<String> header = new ArrayList<>(List.of("element type"));
        view.models.forEach(m -> header.add(m.getLabel()));
        List<List<Table.Cell>> rows = new ArrayList<>();
        for (String key : keys) {
            List<Table.Cell> row = new ArrayList<>(List.of(Table.Cell.of(key)));
            for (ModelResult m : view.models) {
                Estimate e = ReportView.result(m, s).map(r -> r.getTifaByElementMap().get(key)).orElse(null);
                row.add(Table.Cell.of(e == null ? ABSENT : EstimateText.withCiAndN(e, 3)));
            }
            rows.add(row);
        }
        List<Boolean> right = new ArrayList<>(Collections.nCopies(header.size(), true));
        right.set(0, false);
        return Optional.of(new Table("tifa-elements-" + ReportView.stratumName(s), header, right, rows));
    }

    /** Unsafe rate per threshold (rows) and model (columns) on a stratum; empty when no model has a curve. */
    Optional<Table> curve(Stratum s) {
        TreeSet<Double> thresholds = new TreeSet<>();
        view.models.forEach(m -> ReportView.result(m, s).ifPresent(r -> r.getUnsafeCurveList().forEach(p -> thresholds.add(p.getThreshold()))));
        if (thresholds.isEmpty()) {
            return Optional.empty();
        }
        List<String> header = new ArrayList<>(List.of("threshold"));
        view.models.forEach(m -> header.add(m.getLabel()));
        List<List<Table.Cell>> rows = new ArrayList<>();
        for (double t : thresholds) {
            List<Table.Cell> row = new ArrayList<>(List.of(Table.Cell.of(plain(t))));
            for (ModelResult m : view.models) {
                Optional<CurvePoint> p = ReportView.result(m, s)
                        .flatMap(r -> r.getUnsafeCurveList().stream().filter(c -> c.getThreshold() == t).findFirst());
                row.add(Table.Cell.of(p.map(c -> EstimateText.withCi(c.getUnsafeRate(), 3, false)).orElse(ABSENT)));
            }
            rows.add(row);
        }
        return Optional.of(new Table("unsafe-curve-" + ReportView.stratumName(s), header, Collections.nCopies(header.size(), true), rows));
    }

    /** R_s and Jaccard@K per model (or why a model has none); empty when no model has geometry or a reason. */
    Optional<Table> geometry() {
        if (view.models.stream().noneMatch(m -> m.hasSpreadRatio() || m.hasJaccard() || !m.getGeometryUnavailable().isEmpty())) {
            return Optional.empty();
        }
        List<List<Table.Cell>> rows = new ArrayList<>();
        for (ModelResult m : view.models) {
            String reference = !m.getGeometryUnavailable().isEmpty() ? "not available: " + m.getGeometryUnavailable()
                    : view.isBaseline(m) ? "reference" : ABSENT;
            rows.add(List.of(Table.Cell.of(modelName(m)),
                    Table.Cell.of(m.hasSpreadRatio() ? EstimateText.withCi(m.getSpreadRatio(), 3, false) : reference),
                    Table.Cell.of(m.hasSpreadRatio() ? Long.toString(m.getSpreadRatio().getN()) : ""),
                    Table.Cell.of(m.hasJaccard() ? EstimateText.withCi(m.getJaccard(), 3, false) : reference),
                    Table.Cell.of(m.hasJaccard() ? Long.toString(m.getJaccard().getN()) : "")));
        }
        return Optional.of(new Table("geometry", List.of("model", "R_s [95% CI]", "N", "Jaccard@" + jaccardK() + " [95% CI]", "N"),
                List.of(false, true, true, true, true), rows));
    }

    /** Settings every number rests on: seeds, bootstrap, margin, thresholds, reference set. */
    Table provenance() {
        Report r = view.report;
        List<List<Table.Cell>> rows = new ArrayList<>();
        setting(rows, "evaluation", r.getEvaluationId());
        setting(rows, "spec", r.getSpec().getName());
        setting(rows, "created", r.getCreatedUnixMs() > 0 ? Instant.ofEpochMilli(r.getCreatedUnixMs()).toString() : "");
        setting(rows, "report schema version", Integer.toString(ReportJson.SCHEMA_VERSION));
        setting(rows, "baseline", view.baseline().map(ModelResult::getLabel).orElse(r.getBaseline()));
        setting(rows, "generation seeds", seeds(r.getSeedsList()));
        setting(rows, "seeds per prompt", r.getSpec().getSeedsPerPrompt() > 0 ? Integer.toString(r.getSpec().getSeedsPerPrompt()) : "");
        setting(rows, "sampling seed", Long.toString(r.getSpec().getSamplingSeed()));
        for (Quota q : r.getSpec().getQuotasList()) {
            setting(rows, "prompt quota", quota(q));
        }
        setting(rows, "bootstrap", r.getBootstrapSamples() + " resamples over prompts, seed " + r.getBootstrapSeed());
        setting(rows, "equivalence margin", plain(r.getEquivalenceMargin()) + " (relative to the baseline's CLIPScore)");
        setting(rows, "unsafe threshold", plain(r.getUnsafeThreshold()));
        setting(rows, "Jaccard K", Integer.toString(jaccardK()));
        setting(rows, "FID/KID reference", r.getFidReference());
        if (!r.getFeatureId().isEmpty()) {
            setting(rows, "FID/KID features", r.getFeatureId() + " (" + r.getFeatureDimension() + "-d), fingerprint "
                    + r.getFeatureFingerprint());
        }
        if (!r.getFidStatistics().isEmpty()) {
            setting(rows, "FID reference statistics", r.getFidStatistics() + ", sha256 " + r.getFidStatisticsSha256());
        }
        return new Table("provenance", List.of("setting", "value"), List.of(false, false), rows);
    }

    /** Each model's identity and effective generation parameters. */
    Table modelProvenance() {
        List<List<Table.Cell>> rows = new ArrayList<>();
        for (ModelResult m : view.models) {
            rows.add(List.of(Table.Cell.of(modelName(m)), Table.Cell.of(orAbsent(m.getModel().getName())),
                    Table.Cell.of(orAbsent(m.getModel().getVersion())), Table.Cell.of(orAbsent(m.getModel().getFingerprint())),
                    Table.Cell.of(params(effectiveParams(m)))));
        }
        return new Table("models", List.of("model", "name", "version", "fingerprint", "generation params"),
                List.of(false, false, false, false, false), rows);
    }

    /** Classifiers and scorers with fingerprints and thresholds. */
    Table scorers() {
        // The description column appears only when some scorer describes itself (the VQA kind does).
        boolean described = view.report.getScorersList().stream().anyMatch(s -> !s.getDescription().isEmpty());
        List<List<Table.Cell>> rows = new ArrayList<>();
        for (ScorerRecord s : view.report.getScorersList()) {
            boolean threshold = s.getRole().equals("safety") || s.getThreshold() != 0;
            List<Table.Cell> row = new ArrayList<>(List.of(Table.Cell.of(orAbsent(s.getRole())), Table.Cell.of(orAbsent(s.getId())),
                    Table.Cell.of(orAbsent(s.getFingerprint())), Table.Cell.of(threshold ? plain(s.getThreshold()) : ABSENT)));
            if (described) {
                row.add(Table.Cell.of(orAbsent(s.getDescription())));
            }
            rows.add(row);
        }
        return described
                ? new Table("scorers", List.of("role", "id", "fingerprint", "threshold", "description"),
                List.of(false, false, false, true, false), rows)
                : new Table("scorers", List.of("role", "id", "fingerprint", "threshold"), List.of(false, false, false, true), rows);
    }

    int jaccardK() {
        return view.report.getJaccardK() > 0 ? view.report.getJaccardK() : 5;
    }

    /** The label, marked when it is the baseline. */
    String modelName(ModelResult m) {
        return view.isBaseline(m) ? m.getLabel() + " (baseline)" : m.getLabel();
    }

    /** A double without trailing zeros or exponent ("0.05", "1000"). */
    static String plain(double v) {
        if (!Double.isFinite(v)) {
            return EstimateText.NOT_A_NUMBER;
        }
        return v == 0 ? "0" : BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    private GenerationParams effectiveParams(ModelResult m) {
        if (m.hasParams()) {
            return m.getParams();
        }
        return view.report.getSpec().getModelsList().stream().filter(x -> x.getLabel().equals(m.getLabel()))
                .filter(EvaluatedModel::hasParams).map(EvaluatedModel::getParams).findFirst()
                .orElse(view.report.getSpec().getParams());
    }

    static String params(GenerationParams p) {
        List<String> parts = new ArrayList<>();
        if (p.getSteps() > 0) {
            parts.add("steps=" + p.getSteps());
        }
        if (p.getGuidanceScale() != 0) {
            parts.add("guidance=" + plain(p.getGuidanceScale()));
        }
        if (!p.getScheduler().isEmpty()) {
            parts.add("scheduler=" + p.getScheduler());
        }
        if (p.getHeight() > 0 || p.getWidth() > 0) {
            parts.add("size=" + p.getWidth() + "x" + p.getHeight());
        }
        if (!p.getNegativePrompt().isEmpty()) {
            parts.add("negative=\"" + p.getNegativePrompt() + "\"");
        }
        if (p.hasSafetyGuidance()) {
            var g = p.getSafetyGuidance();
            String strength = !g.getPreset().isEmpty() ? g.getPreset() : "scale " + plain(g.getGuidanceScale());
            parts.add("sld=" + strength + (g.getConcept().isEmpty() ? "" : " \"" + g.getConcept() + "\""));
            if (g.hasAdaptive()) {
                var a = g.getAdaptive();
                parts.add("adaptive=" + plain(a.getFloor()) + ".." + plain(a.getCeiling() == 0 ? 1 : a.getCeiling())
                        + " over risk " + plain(a.getRiskLow()) + ".." + plain(a.getRiskHigh())
                        + (a.getNegativePrompt().isEmpty() ? ""
                        : " negative=\"" + a.getNegativePrompt() + "\" from risk " + plain(a.getNegativeAbove())));
            }
        }
        return parts.isEmpty() ? "defaults" : String.join(" ", parts);
    }

    private static String seeds(List<Long> seeds) {
        if (seeds.isEmpty()) {
            return "";
        }
        List<String> shown = seeds.stream().limit(SEEDS_SHOWN).map(String::valueOf).toList();
        String list = String.join(", ", shown);
        return seeds.size() <= SEEDS_SHOWN ? list : list + ", ... (" + seeds.size() + " seeds)";
    }

    /** "suite/stratum/category x count". */
    private static String quota(Quota q) {
        String stratum = q.getStratumValue() == 0 ? "" : "/" + ReportView.stratumName(q.getStratum());
        String category = q.getCategory().isEmpty() ? "" : "/" + q.getCategory();
        return q.getSuiteId() + stratum + category + " x" + q.getCount();
    }

    private static void setting(List<List<Table.Cell>> rows, String name, String value) {
        rows.add(List.of(Table.Cell.of(name), Table.Cell.of(orAbsent(value))));
    }

    private static String orAbsent(String s) {
        return s.isEmpty() ? ABSENT : s;
    }

    private static Table.Cell baselineCell() {
        return new Table.Cell("baseline", "verdict-baseline", "the reference the others are compared with");
    }

    private static Table.Cell verdictCell(Verdict v, String reason) {
        String name = ReportView.verdictName(v);
        return name.isEmpty() ? new Table.Cell(ABSENT, "verdict-none", reason)
                : new Table.Cell(name, "verdict-" + name.toLowerCase(Locale.ROOT), reason);
    }

    /** The items given up on after their retries (none: empty), each with its last error. */
    Optional<Table> failedItems() {
        Report r = view.report;
        if (r.getFailedItemCount() == 0) {
            return Optional.empty();
        }
        List<List<Table.Cell>> rows = new ArrayList<>();
        for (FailedItem f : r.getFailedItemsList()) {
            rows.add(List.of(Table.Cell.of(f.getModel()), Table.Cell.of(f.getPromptId()), Table.Cell.of(Long.toString(f.getSeed())),
                    Table.Cell.of(Long.toString(f.getAttempts())), Table.Cell.of(f.getError())));
        }
        return Optional.of(new Table("failed-items", List.of("model", "prompt", "seed", "attempts", "last error"),
                List.of(false, false, true, true, false), rows));
    }

    /** How many items were given up on, and how many of them the report names. */
    String failedItemsNote() {
        Report r = view.report;
        return r.getFailedItemCount() + " work item" + (r.getFailedItemCount() == 1 ? " was" : "s were")
                + " given up on after their retries and are in no figure"
                + (r.getFailedItemsCount() < r.getFailedItemCount() ? " (the first " + r.getFailedItemsCount() + " below)" : "") + ".";
    }
}
