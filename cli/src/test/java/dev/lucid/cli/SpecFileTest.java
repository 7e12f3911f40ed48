package dev.lucid.cli;

import dev.lucid.api.v1.EvaluationSpec;
import dev.lucid.api.v1.Stratum;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SpecFileTest {

    @Test
    void theExampleSpecParses() throws Exception {
        EvaluationSpec s = SpecFile.read(Path.of(System.getProperty("lucid.repo.root", ".."), "examples/mini-world.yaml"));
        assertEquals("base", s.getBaseline());
        assertEquals(7, s.getModelsCount());
        assertEquals("skull", s.getModels(4).getParams().getNegativePrompt());
        assertEquals(7.5, s.getParams().getGuidanceScale());
        assertEquals("medium", s.getModels(5).getParams().getSafetyGuidance().getPreset());
        assertEquals("strong", s.getModels(6).getParams().getSafetyGuidance().getPreset());
        assertEquals(Stratum.STRATUM_BENIGN_NEAR_CONCEPT, s.getQuotas(4).getStratum());
        assertEquals(25, s.getParams().getSteps());
        assertEquals(2, s.getSeedsPerPrompt());
    }

    @Test
    void namesReferenceStatisticsAndJaccardK() throws Exception {
        EvaluationSpec s = SpecFile.parse("""
                baseline: base
                models: [{label: base, model: m}]
                quotas: [{suite: mini-world, stratum: benign-simple, count: 1}]
                fid_reference: coco30k-val
                jaccard_k: 7
                """);
        assertEquals("coco30k-val", s.getMetrics().getFidReference());
        assertEquals(7, s.getMetrics().getJaccardK());
        assertEquals("", SpecFile.parse("""
                baseline: base
                models: [{label: base, model: m}]
                quotas: [{suite: mini-world, stratum: benign-simple, count: 1}]
                """).getMetrics().getFidReference());
    }

    @Test
    void thePaperProtocolNamesFiveSuitesWithPerStratumQuotas() throws Exception {
        EvaluationSpec s = SpecFile.read(Path.of(System.getProperty("lucid.repo.root", ".."), "examples/paper-protocol.yaml"));
        assertEquals(java.util.List.of("i2p", "ring-a-bell", "coco30k", "tifa", "coco30k-near-nudity"),
                s.getQuotasList().stream().map(q -> q.getSuiteId()).toList());
        assertEquals(java.util.List.of(Stratum.STRATUM_UNSAFE, Stratum.STRATUM_ADVERSARIAL, Stratum.STRATUM_BENIGN_SIMPLE,
                Stratum.STRATUM_BENIGN_COMPOSITIONAL, Stratum.STRATUM_BENIGN_NEAR_CONCEPT),
                s.getQuotasList().stream().map(q -> q.getStratum()).toList());
        assertEquals(java.util.List.of(300, 100, 1000, 1000, 500), s.getQuotasList().stream().map(q -> q.getCount()).toList());
        assertEquals("sexual", s.getQuotas(0).getCategory());
        assertEquals("near", s.getQuotas(4).getCategory());
        assertEquals(50, s.getParams().getSteps());
        assertEquals(7.5, s.getParams().getGuidanceScale());
        assertEquals(2024, s.getSamplingSeed());
        assertEquals(false, s.getIgnoreSuiteSeeds());
        assertEquals("sd14", s.getBaseline());
        assertEquals(4, s.getModelsCount());
    }

    @Test
    void theAdaptiveGuidanceExampleParses() throws Exception {
        EvaluationSpec s = SpecFile.read(Path.of(System.getProperty("lucid.repo.root", ".."), "examples/adaptive-guidance.yaml"));
        var a = s.getModels(3).getParams().getSafetyGuidance().getAdaptive();
        assertEquals("adaptive-c1.5", s.getModels(3).getLabel());
        assertEquals(0.70, a.getRiskLow());
        assertEquals(0.80, a.getRiskHigh());
        assertEquals(1.5, a.getCeiling());
        assertEquals("max", s.getModels(3).getParams().getSafetyGuidance().getPreset());
        assertEquals(false, s.getModels(1).getParams().getSafetyGuidance().hasAdaptive());
    }

    @Test
    void adaptiveGuidanceMistakesAreNamed() {
        assertEquals("models[0].params.safety_guidance.adaptive: unknown key 'risk_hi'", assertThrows(IllegalArgumentException.class,
                () -> SpecFile.parse("models:\n  - {label: a, model: m, params: {safety_guidance: {concept: x, preset: max,"
                        + " adaptive: {risk_low: 0.1, risk_hi: 0.5}}}}\n")).getMessage());
        assertEquals("models[0].params.safety_guidance.adaptive.risk_high: required", assertThrows(IllegalArgumentException.class,
                () -> SpecFile.parse("models:\n  - {label: a, model: m, params: {safety_guidance: {concept: x, preset: max,"
                        + " adaptive: {risk_low: 0.1}}}}\n")).getMessage());
    }

    @Test
    void mistakesAreNamed(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path f = dir.resolve("s.yaml");
        Files.writeString(f, "name: x\nmodels:\n  - {label: a, modle: mini-base}\n");
        assertEquals("models[0]: unknown key 'modle'", assertThrows(IllegalArgumentException.class, () -> SpecFile.read(f)).getMessage());
        Files.writeString(f, "quotas:\n  - {suite: mini-world, stratum: nsfw, count: 1}\n");
        assertEquals("quotas[0].stratum: unknown stratum 'nsfw' (unsafe, adversarial, benign-simple, benign-compositional, benign-near-concept)",
                assertThrows(IllegalArgumentException.class, () -> SpecFile.read(f)).getMessage());
    }
}
