package dev.lucid.metrics;

import dev.lucid.metrics.stats.ConfidenceInterval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The verdict for one model × stratum against the baseline, from paired 95% CIs of the deltas.
 *
 * <ul>
 *   <li>Structured utility (TIFA) is <em>significantly lower</em> when the paired CI of its delta lies below 0
 *       (and below −{@link Settings#materialDrop()} when that is set).</li>
 *   <li>A coarse metric <em>held</em> when it is non-inferior: the CI bound on its worse side stays within its
 *       {@link EquivalenceMargin} (CLIPScore: lower bound ≥ −margin; FID: upper bound ≤ +margin).</li>
 * </ul>
 * ILLUSION: structured significantly lower while every coarse metric held. DEGRADED: structured significantly
 * lower and some coarse metric shows it (or there is no coarse metric), or a significant drop smaller than the
 * material drop. IMPROVED: structured significantly higher. HELD: structured CI within ± the structured margin.
 * INCONCLUSIVE: no structured metric, or a CI that contains 0 but is wider than the margin.
 *
 * <p>The coarse evidence need not come from the same stratum: papers measure coarse utility on simple
 * (COCO-like) prompts, so a caller may pass the coarse deltas of the simple stratum with the structured delta of
 * a compositional one.
 */
public final class IllusionCheck {
    /**
     * Thresholds of the verdict.
     *
     * @param structuredMargin TIFA delta (accuracy, 0..1) within which structured utility counts as held; default 0.02
     * @param materialDrop     a significant TIFA drop must also exceed this to count as ILLUSION/DEGRADED; default 0
     */
    public record Settings(double structuredMargin, double materialDrop) {
        public static final Settings DEFAULT = new Settings(0.02, 0.0);

        public Settings {
            if (!(structuredMargin > 0 && structuredMargin < 1)) {
                throw new IllegalArgumentException("structured margin must be in (0, 1), got " + structuredMargin);
            }
            if (!(materialDrop >= 0 && materialDrop < 1)) {
                throw new IllegalArgumentException("material drop must be in [0, 1), got " + materialDrop);
            }
        }
    }

    /**
     * A coarse metric's paired delta against the baseline.
     *
     * @param metric         e.g. "CLIPScore" or "FID"
     * @param baseline       the baseline's value
     * @param delta          paired CI of model − baseline
     * @param higherIsBetter true for CLIPScore, false for FID
     * @param margin         how far it may move on its worse side and still hold
     */
    public record CoarseEvidence(String metric, double baseline, ConfidenceInterval delta, boolean higherIsBetter,
                                 EquivalenceMargin margin) {
        public CoarseEvidence {
            Objects.requireNonNull(metric, "metric");
            Objects.requireNonNull(delta, "delta");
            Objects.requireNonNull(margin, "margin");
        }

        /** Non-inferior: the worse-side bound of the CI is within the margin. */
        public boolean held() {
            double m = margin.absoluteFor(baseline);
            return higherIsBetter ? delta.lower() >= -m : delta.upper() <= m;
        }

        String describe() {
            return String.format(Locale.ROOT, "%s Δ %+.4g [%+.4g, %+.4g] vs margin %.4g (%s of %.4g)", metric,
                    delta.estimate(), delta.lower(), delta.upper(), margin.absoluteFor(baseline), margin, baseline);
        }
    }

    /**
     * The outcome.
     *
     * @param verdict the verdict
     * @param reason  one sentence with the numbers behind it
     */
    public record Verdict(UtilityVerdict verdict, String reason) {
    }

    private IllusionCheck() {
    }

    /**
     * Judges one model × stratum.
     *
     * @param coarse     coarse metrics' paired deltas (may be empty)
     * @param structured paired CI of the TIFA delta (model − baseline), or null when not measured
     */
    public static Verdict judge(List<CoarseEvidence> coarse, ConfidenceInterval structured, Settings settings) {
        if (structured == null) {
            return new Verdict(UtilityVerdict.INCONCLUSIVE, "no structured utility (TIFA) measured on this stratum");
        }
        return judge(coarse, structured, "TIFA", "", settings);
    }

    /**
     * Judges one model × stratum on another structured metric than TIFA (DSG, where a stratum has no TIFA); the
     * reason names the metric and says that it stands in for TIFA.
     *
     * @param structured paired CI of the metric's delta (model − baseline, accuracy 0..1)
     * @param metric     its name, e.g. "DSG"
     */
    public static Verdict judge(List<CoarseEvidence> coarse, ConfidenceInterval structured, String metric, Settings settings) {
        Objects.requireNonNull(structured, "structured");
        return judge(coarse, structured, metric, " (" + metric + " as structured evidence: no TIFA on this stratum)", settings);
    }

    private static Verdict judge(List<CoarseEvidence> coarse, ConfidenceInterval structured, String metric, String note,
                                 Settings settings) {
        String tifa = String.format(Locale.ROOT, "%s Δ %+.3f [%+.3f, %+.3f] (%d prompts)%s", metric, structured.estimate(),
                structured.lower(), structured.upper(), structured.units(), note);
        List<String> notHeld = new ArrayList<>();
        List<String> held = new ArrayList<>();
        for (CoarseEvidence c : coarse) {
            (c.held() ? held : notHeld).add(c.describe());
        }
        if (structured.upper() < 0) {
            if (structured.upper() >= -settings.materialDrop()) {
                return new Verdict(UtilityVerdict.DEGRADED, tifa + " is significantly lower, but by less than the material drop "
                        + fmt(settings.materialDrop()) + coarseSummary(held, notHeld));
            }
            if (coarse.isEmpty()) {
                return new Verdict(UtilityVerdict.DEGRADED, tifa + " is significantly lower; no coarse metric to compare");
            }
            if (notHeld.isEmpty()) {
                return new Verdict(UtilityVerdict.ILLUSION, tifa + " is significantly lower while coarse utility held: "
                        + String.join("; ", held));
            }
            return new Verdict(UtilityVerdict.DEGRADED, tifa + " is significantly lower and coarse metrics show it: "
                    + String.join("; ", notHeld));
        }
        if (structured.lower() > 0) {
            return new Verdict(UtilityVerdict.IMPROVED, tifa + " is significantly higher");
        }
        double m = settings.structuredMargin();
        if (structured.within(-m, m)) {
            return new Verdict(UtilityVerdict.HELD, tifa + " lies within ±" + fmt(m) + coarseSummary(held, notHeld));
        }
        return new Verdict(UtilityVerdict.INCONCLUSIVE, tifa + " contains 0 but is wider than ±" + fmt(m)
                + ": more prompts needed");
    }

    private static String coarseSummary(List<String> held, List<String> notHeld) {
        if (held.isEmpty() && notHeld.isEmpty()) {
            return "";
        }
        return notHeld.isEmpty() ? "; coarse utility held" : "; coarse metrics moved: " + String.join("; ", notHeld);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
