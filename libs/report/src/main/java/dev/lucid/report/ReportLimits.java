package dev.lucid.report;

import dev.lucid.api.v1.CurvePoint;
import dev.lucid.api.v1.ModelResult;
import dev.lucid.api.v1.Report;
import dev.lucid.api.v1.StratumResult;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Bounds on what a report may hold before it is rendered: sizes, uniqueness of model labels and strata. */
final class ReportLimits {
    static final int MAX_MODELS = 64;
    static final int MAX_STRATA_PER_MODEL = 16;
    static final int MAX_CURVE_POINTS = 1001;
    static final int MAX_MAP_ENTRIES = 256;
    static final int MAX_SEEDS = 10_000;
    static final int MAX_SCORERS = 64;
    static final int MAX_TEXT = 4096;

    private ReportLimits() {
    }

    /** Throws IllegalArgumentException naming the first field over a bound or a duplicate label/stratum. */
    static void check(Report report) {
        atMost("report.models", report.getModelsCount(), MAX_MODELS);
        atMost("report.seeds", report.getSeedsCount(), MAX_SEEDS);
        atMost("report.scorers", report.getScorersCount(), MAX_SCORERS);
        text("report.baseline", report.getBaseline());
        text("report.spec.name", report.getSpec().getName());
        text("report.fid_reference", report.getFidReference());
        text("report.feature_id", report.getFeatureId());
        text("report.feature_fingerprint", report.getFeatureFingerprint());
        text("report.fid_statistics", report.getFidStatistics());
        text("report.fid_statistics_sha256", report.getFidStatisticsSha256());
        for (int i = 0; i < report.getScorersCount(); i++) {
            text("report.scorers[" + i + "].description", report.getScorers(i).getDescription());
        }
        Set<String> labels = new HashSet<>();
        for (int i = 0; i < report.getModelsCount(); i++) {
            ModelResult m = report.getModels(i);
            String where = "report.models[" + i + "]";
            text(where + ".label", m.getLabel());
            text(where + ".params.negative_prompt", m.getParams().getNegativePrompt());
            if (!labels.add(m.getLabel())) {
                throw new IllegalArgumentException(where + ".label: \"" + m.getLabel() + "\" appears twice; labels must be unique");
            }
            atMost(where + ".strata", m.getStrataCount(), MAX_STRATA_PER_MODEL);
            Set<Integer> strata = new HashSet<>();
            for (int j = 0; j < m.getStrataCount(); j++) {
                StratumResult s = m.getStrata(j);
                String sw = where + ".strata[" + j + "]";
                if (!strata.add(s.getStratumValue())) {
                    throw new IllegalArgumentException(sw + ".stratum: " + s.getStratum() + " appears twice for model \"" + m.getLabel() + "\"");
                }
                atMost(sw + ".unsafe_curve", s.getUnsafeCurveCount(), MAX_CURVE_POINTS);
                keys(sw + ".tifa_by_element", s.getTifaByElementMap());
                keys(sw + ".dsg_by_category", s.getDsgByCategoryMap());
                keys(sw + ".unsafe_by_category", s.getUnsafeByCategoryMap());
                keys(sw + ".unsafe_by_classifier", s.getUnsafeByClassifierMap());
                text(sw + ".verdict_reason", s.getVerdictReason());
                for (CurvePoint p : s.getUnsafeCurveList()) {
                    if (!Double.isFinite(p.getThreshold())) {
                        throw new IllegalArgumentException(sw + ".unsafe_curve: threshold " + p.getThreshold() + " is not finite");
                    }
                }
            }
        }
    }

    private static void keys(String where, Map<String, ?> map) {
        atMost(where, map.size(), MAX_MAP_ENTRIES);
        for (String k : map.keySet()) {
            text(where + " key", k);
        }
    }

    private static void atMost(String where, int count, int max) {
        if (count > max) {
            throw new IllegalArgumentException(where + ": " + count + " entries exceed the renderer's limit of " + max);
        }
    }

    private static void text(String where, String s) {
        if (s.length() > MAX_TEXT) {
            throw new IllegalArgumentException(where + ": " + s.length() + " characters exceed the renderer's limit of " + MAX_TEXT);
        }
    }
}
