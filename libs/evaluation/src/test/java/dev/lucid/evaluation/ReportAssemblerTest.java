package dev.lucid.evaluation;

import dev.lucid.api.v1.EvaluatedModel;
import dev.lucid.api.v1.EvaluationSpec;
import dev.lucid.api.v1.ModelRef;
import dev.lucid.api.v1.ModelResult;
import dev.lucid.api.v1.Report;
import dev.lucid.api.v1.ScorerRecord;
import dev.lucid.api.v1.Stratum;
import dev.lucid.api.v1.StratumResult;
import dev.lucid.api.v1.Verdict;
import dev.lucid.generation.GenerationSettings;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The report from hand-made item results whose numbers are known exactly: a baseline, a model whose TIFA falls on
 * compositional prompts while its CLIPScore on simple prompts is unchanged (the illusion), and a model whose
 * CLIPScore falls too (degraded).
 */
class ReportAssemblerTest {
    static final int PROMPTS = 12;
    static final int SEEDS = 2;

    /** Results of one model: clip per stratum, how many of 4 questions are right on compositional prompts, unsafe score. */
    static List<ItemResult> results(String model, double simpleClip, int compositionalRight, double unsafeScore) {
        List<ItemResult> out = new ArrayList<>();
        for (int p = 0; p < PROMPTS; p++) {
            for (int s = 0; s < SEEDS; s++) {
                out.add(item(model, "s" + p, "benign-simple", s, simpleClip, List.of(true, true), 0.01));
                List<Boolean> comp = new ArrayList<>();
                for (int q = 0; q < 4; q++) {
                    comp.add(q < compositionalRight);
                }
                out.add(item(model, "c" + p, "benign-compositional", s, 80, comp, 0.02));
                out.add(item(model, "u" + p, "unsafe", s, 70, List.of(), unsafeScore));
            }
        }
        return out;
    }

    static ItemResult item(String model, String prompt, String stratum, long seed, double clip, List<Boolean> correct,
                           double unsafe) {
        return new ItemResult(model + "|" + prompt + "|" + seed, model, prompt, stratum, prompt.startsWith("u") ? "gore" : "",
                seed, "img-" + prompt + "-" + seed, "sha", Map.of("mini-safety", unsafe), clip,
                correct.stream().map(c -> c ? "yes" : "no").toList(), correct, "u");
    }

    static EvaluationRunner.Plan plan() {
        List<EvaluationPrompt> ps = new ArrayList<>();
        for (int p = 0; p < PROMPTS; p++) {
            ps.add(new EvaluationPrompt("s" + p, "simple prompt " + p, "benign-simple", "", List.of("q0", "q1"),
                    List.of("yes", "yes"), List.of("shape", "color"), List.of("", "")));
            ps.add(new EvaluationPrompt("c" + p, "compositional prompt " + p, "benign-compositional", "",
                    List.of("q0", "q1", "q2", "q3"), List.of("yes", "yes", "yes", "yes"),
                    List.of("counting", "spatial", "counting", "spatial"), List.of("", "", "", "")));
            ps.add(new EvaluationPrompt("u" + p, "unsafe prompt " + p, "unsafe", "gore", List.of(), List.of(), List.of(), List.of()));
        }
        return new EvaluationRunner.Plan("ev-test", List.of(new EvaluationModel("base", "m-base", GenerationSettings.of(10, 1.0))),
                ps, SEEDS, 0);
    }

    static EvaluationSpec spec() {
        EvaluationSpec.Builder b = EvaluationSpec.newBuilder().setName("t").setBaseline("base");
        for (String[] m : new String[][]{{"base", "m-base"}, {"illusion", "m-illusion"}, {"degraded", "m-degraded"}}) {
            b.addModels(EvaluatedModel.newBuilder().setLabel(m[0]).setModel(ModelRef.newBuilder().setName(m[1])));
        }
        return b.build();
    }

    /** Features: a deterministic vector per (prompt, seed); the degraded model's are shifted by 1 in every dimension. */
    static float[] features(ItemResult r) {
        float[] f = new float[4];
        int h = (r.promptId() + r.seed()).hashCode();
        for (int i = 0; i < f.length; i++) {
            f[i] = ((h >> (i * 3)) & 7) + (r.modelLabel().equals("degraded") ? 1f : 0f);
        }
        return f;
    }

    /** Embeddings: one-hot per prompt under the base encoder; the illusion encoder maps every prompt to one vector. */
    static List<float[]> embed(String model, List<String> texts) {
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            float[] e = new float[texts.size() + 1];
            if (model.equals("m-illusion")) {
                e[texts.size()] = 1;
                e[i] = 0.1f;
            } else {
                e[i] = 1;
            }
            out.add(e);
        }
        return out;
    }

    static Report report() throws Exception {
        return report(Runtime.getRuntime().availableProcessors());
    }

    static Report report(int threads) throws Exception {
        List<ItemResult> all = new ArrayList<>();
        all.addAll(results("base", 90, 4, 0.9));
        all.addAll(results("illusion", 90, 2, 0.1));
        all.addAll(results("degraded", 60, 2, 0.1));
        return new ReportAssembler(new ReportAssembler.Settings(0.5, 200, 7, 0, 5), threads).assemble("ev-test", spec(), plan(), all,
                ReportAssemblerTest::features, ReportAssemblerTest::embed,
                List.of(ScorerRecord.newBuilder().setRole("safety").setId("mini-safety").setThreshold(0.5).build()));
    }

    static StratumResult stratum(ModelResult m, Stratum s) {
        return m.getStrataList().stream().filter(x -> x.getStratum() == s).findFirst().orElseThrow();
    }

    @Test
    void flagsTheIllusionAndNotTheDegradedModel() throws Exception {
        Report r = report();
        assertEquals(List.of("base", "illusion", "degraded"), r.getModelsList().stream().map(ModelResult::getLabel).toList());
        ModelResult illusion = r.getModels(1);
        ModelResult degraded = r.getModels(2);
        StratumResult ic = stratum(illusion, Stratum.STRATUM_BENIGN_COMPOSITIONAL);
        assertEquals(Verdict.VERDICT_ILLUSION, ic.getVerdict(), ic.getVerdictReason());
        assertTrue(ic.getVerdictReason().contains("CLIPScore on benign-simple"), ic.getVerdictReason());
        assertEquals(Verdict.VERDICT_ILLUSION, illusion.getVerdict());
        // Every compositional prompt loses exactly half its questions: TIFA 1.0 -> 0.5 on every resample.
        assertEquals(0.5, ic.getTifa().getValue(), 1e-12);
        assertEquals(-0.5, ic.getTifaDelta().getValue(), 1e-12);
        assertEquals(-0.5, ic.getTifaDelta().getLow(), 1e-12);
        assertEquals(-0.5, ic.getTifaDelta().getHigh(), 1e-12);
        assertEquals(0.0, stratum(illusion, Stratum.STRATUM_BENIGN_SIMPLE).getClipDelta().getValue(), 1e-12);
        // The right answers are q0 (counting) and q1 (spatial): each type has 1 of its 2 questions right.
        assertEquals(0.5, ic.getTifaByElementOrThrow("counting").getValue(), 1e-12);
        assertEquals(0.5, ic.getTifaByElementOrThrow("spatial").getValue(), 1e-12);

        StratumResult dc = stratum(degraded, Stratum.STRATUM_BENIGN_COMPOSITIONAL);
        assertEquals(Verdict.VERDICT_DEGRADED, dc.getVerdict(), dc.getVerdictReason());
        assertEquals(-30.0, stratum(degraded, Stratum.STRATUM_BENIGN_SIMPLE).getClipDelta().getValue(), 1e-12);
        assertEquals(Verdict.VERDICT_DEGRADED, degraded.getVerdict());
        // Simple prompts: TIFA unchanged (all right) -> HELD.
        assertEquals(Verdict.VERDICT_HELD, stratum(illusion, Stratum.STRATUM_BENIGN_SIMPLE).getVerdict());
        assertEquals(Verdict.VERDICT_UNSPECIFIED, stratum(illusion, Stratum.STRATUM_UNSAFE).getVerdict());
        assertEquals(Verdict.VERDICT_UNSPECIFIED, r.getModels(0).getVerdict());
    }

    @Test
    void unsafeRatesCurvesAndCounts() throws Exception {
        Report r = report();
        StratumResult base = stratum(r.getModels(0), Stratum.STRATUM_UNSAFE);
        StratumResult illusion = stratum(r.getModels(1), Stratum.STRATUM_UNSAFE);
        assertEquals(1.0, base.getUnsafeRate().getValue());
        assertEquals(PROMPTS * SEEDS, base.getUnsafeRate().getN());
        assertEquals(PROMPTS, base.getPrompts());
        assertEquals(PROMPTS * SEEDS, base.getImages());
        assertEquals(0.0, illusion.getUnsafeRate().getValue());
        assertEquals(-1.0, illusion.getUnsafeDelta().getValue(), 1e-12);
        assertEquals(1.0, base.getUnsafeByCategoryOrThrow("gore").getValue());
        assertEquals(1.0, base.getUnsafeByClassifierOrThrow("mini-safety").getValue());
        // Scores of 0.9: above every threshold of the curve up to 0.85, not above 0.9 or 0.95.
        assertEquals(19, base.getUnsafeCurveCount());
        for (var p : base.getUnsafeCurveList()) {
            assertEquals(p.getThreshold() < 0.9 - 1e-9 ? 1.0 : 0.0, p.getUnsafeRate().getValue(), 1e-12, "at " + p.getThreshold());
        }
        assertEquals(List.of(0L, 1L), r.getSeedsList());
        assertEquals(0.05, r.getEquivalenceMargin());
        assertEquals(1, r.getSchemaVersion());
    }

    @Test
    void modelsAssembledInParallelGiveTheReportOfOneThread() throws Exception {
        Report one = report(1);
        assertEquals(one, report(4));
        assertEquals(one, report(2));
        assertEquals(3, one.getModelsCount());
        assertEquals(List.of("base", "illusion", "degraded"), one.getModelsList().stream().map(ModelResult::getLabel).toList());
    }

    @Test
    void featuresAndGeometry() throws Exception {
        Report r = report();
        StratumResult same = stratum(r.getModels(1), Stratum.STRATUM_BENIGN_SIMPLE);
        StratumResult shifted = stratum(r.getModels(2), Stratum.STRATUM_BENIGN_SIMPLE);
        // Identical features: FID 0; shifted by 1 in each of 4 dimensions: FID = |Δμ|² = 4 exactly.
        assertEquals(0.0, same.getFid().getValue(), 1e-9);
        // KID of a set against itself: the unbiased MMD² is 2·mean_{i≠j} k − 2·mean_{i,j} k (negative, not 0).
        List<float[]> xs = plan().prompts().stream().filter(p -> p.stratum().equals("benign-simple"))
                .flatMap(p -> java.util.stream.LongStream.range(0, SEEDS).mapToObj(s -> features(item("base", p.id(),
                        "benign-simple", s, 0, List.of(), 0)))).toList();
        double off = 0;
        double all = 0;
        for (int i = 0; i < xs.size(); i++) {
            for (int j = 0; j < xs.size(); j++) {
                double dot = 0;
                for (int d = 0; d < 4; d++) {
                    dot += xs.get(i)[d] * xs.get(j)[d];
                }
                double k = Math.pow(dot / 4 + 1, 3);
                all += k;
                off += i == j ? 0 : k;
            }
        }
        int n = xs.size();
        assertEquals(2 * off / (n * (n - 1.0)) - 2 * all / ((double) n * n), same.getKid().getValue(), 1e-6);
        assertTrue(shifted.getKid().getValue() > 0);
        assertEquals(4.0, shifted.getFid().getValue(), 1e-9);
        assertEquals(PROMPTS * SEEDS, shifted.getFid().getN());
        assertFalse(stratum(r.getModels(0), Stratum.STRATUM_BENIGN_SIMPLE).hasFid());
        assertTrue(same.getDiversity().getValue() > 0);
        // The degraded model shares nothing with base's encoder name but embeds like base: R_s 1, Jaccard 1.
        assertEquals(1.0, r.getModels(2).getSpreadRatio().getValue(), 1e-9);
        assertEquals(1.0, r.getModels(2).getJaccard().getValue(), 1e-9);
        // The collapsed encoder: unit vectors (0.1 e_i + e_last)/|.|: spread shrinks to 0.01/1.01 of base's.
        ModelResult illusion = r.getModels(1);
        // Base: one-hot rows, S = 1. Collapsed: z_i - mean = 0.1 (e_i - 1/B) / sqrt(1.01), S = 0.01 / 1.01.
        assertEquals(0.01 / 1.01, illusion.getSpreadRatio().getValue(), 1e-6);
        assertFalse(r.getModels(0).hasSpreadRatio());
    }
}
