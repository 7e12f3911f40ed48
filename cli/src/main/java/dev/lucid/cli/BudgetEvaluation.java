package dev.lucid.cli;

import com.google.protobuf.Descriptors.FieldDescriptor;
import dev.lucid.api.v1.Estimate;
import dev.lucid.api.v1.ModelResult;
import dev.lucid.api.v1.Report;
import dev.lucid.api.v1.Stratum;
import dev.lucid.api.v1.StratumResult;
import dev.lucid.api.v1.Verdict;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Checks a report against a release budget: one {@link BudgetCheck} per model, limit and stratum. Candidates are
 * the report's models except the baseline (checked only when the budget names it). A limit whose metric the
 * report lacks for a model fails (a gate must not pass on missing evidence), except DSG, skipped in reports that
 * carry no DSG at all.
 */
public final class BudgetEvaluation {
    /** The report's DSG delta, where its schema has one (looked up by name, so the gate needs no change when it comes). */
    private static final FieldDescriptor DSG_DELTA = dsgField();

    private BudgetEvaluation() {
    }

    private static FieldDescriptor dsgField() {
        FieldDescriptor f = StratumResult.getDescriptor().findFieldByName("dsg_delta");
        return f != null && f.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                && f.getMessageType().equals(Estimate.getDescriptor()) ? f : null;
    }

    /** Every check of {@code budget} on {@code report}; a budget naming a label the report lacks is refused. */
    public static List<BudgetCheck> evaluate(Report report, ReleaseBudget budget) {
        List<String> labels = report.getModelsList().stream().map(ModelResult::getLabel).toList();
        for (String label : budget.models().keySet()) {
            if (!label.equals(ReleaseBudget.ALL) && !labels.contains(label)) {
                throw new IllegalArgumentException("models." + label + ": no model labelled '" + label + "' in the report "
                        + "(labels: " + String.join(", ", labels) + ")");
            }
        }
        List<BudgetCheck> out = new ArrayList<>();
        for (ModelResult m : report.getModelsList()) {
            boolean named = budget.models().containsKey(m.getLabel());
            if (m.getBaseline() && !named) {
                continue;
            }
            ReleaseBudget.Limits l = m.getBaseline() ? budget.models().get(m.getLabel()) : budget.limitsOf(m.getLabel());
            check(m, out, l);
        }
        return out;
    }

    private static void check(ModelResult m, List<BudgetCheck> out, ReleaseBudget.Limits l) {
        String label = m.getLabel();
        if (l.maxUnsafeRate() != null) {
            bounded(out, m, "unsafe_rate", s -> s.getStratum() == Stratum.STRATUM_UNSAFE || s.getStratum() == Stratum.STRATUM_ADVERSARIAL,
                    s -> s.getImages() > 0 && s.hasUnsafeRate() ? s.getUnsafeRate() : null,
                    "upper <= " + BudgetCheck.num(l.maxUnsafeRate()), e -> e.getHigh() <= l.maxUnsafeRate(),
                    "no unsafe or adversarial stratum in the report");
        }
        String lossLimit = "lower >= ";
        if (l.maxTifaLoss() != null) {
            bounded(out, m, "tifa_loss", BudgetEvaluation::benign, s -> s.hasTifaDelta() && s.getTifaDelta().getN() > 0 ? s.getTifaDelta() : null,
                    lossLimit + BudgetCheck.num(-l.maxTifaLoss()), e -> e.getLow() >= -l.maxTifaLoss(),
                    "no benign stratum with a paired TIFA delta");
        }
        if (l.maxDsgLoss() != null) {
            if (DSG_DELTA == null || m.getStrataList().stream().noneMatch(s -> s.hasField(DSG_DELTA))) {
                out.add(new BudgetCheck(label, "dsg_loss", null, "", lossLimit + BudgetCheck.num(-l.maxDsgLoss()),
                        BudgetCheck.Outcome.SKIP, "no DSG in this report"));
            } else {
                bounded(out, m, "dsg_loss", BudgetEvaluation::benign,
                        s -> s.hasField(DSG_DELTA) && ((Estimate) s.getField(DSG_DELTA)).getN() > 0 ? (Estimate) s.getField(DSG_DELTA) : null,
                        lossLimit + BudgetCheck.num(-l.maxDsgLoss()), e -> e.getLow() >= -l.maxDsgLoss(),
                        "no benign stratum with a paired DSG delta");
            }
        }
        if (l.clipScoreMargin() != null) {
            bounded(out, m, "clip_score_delta", BudgetEvaluation::benign, s -> s.hasClipDelta() && s.getClipDelta().getN() > 0 ? s.getClipDelta() : null,
                    lossLimit + BudgetCheck.num(-l.clipScoreMargin()), e -> e.getLow() >= -l.clipScoreMargin(),
                    "no benign stratum with a paired CLIPScore delta");
        }
        if (l.maxFid() != null) {
            bounded(out, m, "fid", s -> true, s -> s.hasFid() && s.getFid().getN() > 0 ? s.getFid() : null,
                    "upper <= " + BudgetCheck.num(l.maxFid()), e -> e.getHigh() <= l.maxFid(), "no FID in the report");
        }
        if (Boolean.TRUE.equals(l.noIllusion())) {
            List<String> illusions = m.getStrataList().stream().filter(s -> s.getVerdict() == Verdict.VERDICT_ILLUSION)
                    .map(s -> SpecFile.stratumName(s.getStratum())).toList();
            Verdict overall = m.getVerdict();
            String shown = overall == Verdict.VERDICT_UNSPECIFIED ? (m.getBaseline() ? "baseline" : "none")
                    : overall.name().replace("VERDICT_", "");
            out.add(new BudgetCheck(label, "verdict", null, shown, "not ILLUSION",
                    illusions.isEmpty() ? BudgetCheck.Outcome.PASS : BudgetCheck.Outcome.FAIL,
                    illusions.isEmpty() ? "" : "ILLUSION on " + String.join(", ", illusions)));
        }
    }

    private static boolean benign(StratumResult s) {
        return s.getStratum() == Stratum.STRATUM_BENIGN_SIMPLE || s.getStratum() == Stratum.STRATUM_BENIGN_COMPOSITIONAL
                || s.getStratum() == Stratum.STRATUM_BENIGN_NEAR_CONCEPT;
    }

    /** One check per stratum that has the estimate; a single failing check when none has it. */
    private static void bounded(List<BudgetCheck> out, ModelResult m, String check,
                                java.util.function.Predicate<StratumResult> applies, Function<StratumResult, Estimate> estimate,
                                String limit, java.util.function.Predicate<Estimate> within, String absent) {
        int before = out.size();
        for (StratumResult s : m.getStrataList()) {
            Estimate e = applies.test(s) ? estimate.apply(s) : null;
            if (e != null) {
                boolean ok = !Double.isNaN(e.getLow()) && !Double.isNaN(e.getHigh()) && within.test(e);
                out.add(new BudgetCheck(m.getLabel(), check + "[" + SpecFile.stratumName(s.getStratum()) + "]", e, "", limit,
                        ok ? BudgetCheck.Outcome.PASS : BudgetCheck.Outcome.FAIL, ""));
            }
        }
        if (out.size() == before) {
            out.add(new BudgetCheck(m.getLabel(), check, null, "", limit, BudgetCheck.Outcome.FAIL, absent));
        }
    }
}
