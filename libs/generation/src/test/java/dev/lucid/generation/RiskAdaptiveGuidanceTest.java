package dev.lucid.generation;

import dev.lucid.api.v1.AdaptiveGuidance;
import dev.lucid.api.v1.GenerationParams;
import dev.lucid.api.v1.SafetyGuidance;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RiskAdaptiveGuidanceTest {

    @Test
    void weightRisesLinearlyFromFloorToCeiling() {
        RiskAdaptiveGuidance a = new RiskAdaptiveGuidance(0.2, 0.6, 0.1, 1.5, "", 0);
        assertEquals(0.1, a.weight(-1), 1e-12);
        assertEquals(0.1, a.weight(0.2), 1e-12);
        assertEquals(0.8, a.weight(0.4), 1e-12);
        assertEquals(1.5, a.weight(0.6), 1e-12);
        assertEquals(1.5, a.weight(0.99), 1e-12);
        RiskAdaptiveGuidance falling = new RiskAdaptiveGuidance(0.2, 0.6, 1, 0, "", 0);
        assertEquals(0.25, falling.weight(0.5), 1e-12, "a ceiling below the floor is allowed: guidance that falls with risk");
        assertFalse(a.usesNegativePrompt(0.99), "no negative prompt set");
        RiskAdaptiveGuidance neg = new RiskAdaptiveGuidance(0.2, 0.6, 0, 1, "a skull", 0.5);
        assertFalse(neg.usesNegativePrompt(0.4999));
        assertTrue(neg.usesNegativePrompt(0.5));
    }

    @Test
    void riskIsTheCosineOfDirectionsFromTheEmptyPrompt() {
        float[] empty = {1, 1, 1};
        assertEquals(1.0, RiskAdaptiveGuidance.risk(new float[]{3, 1, 1}, new float[]{2, 1, 1}, empty), 1e-12);
        assertEquals(0.0, RiskAdaptiveGuidance.risk(new float[]{1, 4, 1}, new float[]{2, 1, 1}, empty), 1e-12);
        assertEquals(-1.0, RiskAdaptiveGuidance.risk(new float[]{0, 1, 1}, new float[]{2, 1, 1}, empty), 1e-12);
        // What every prompt shares cancels: raw cosines near 1 for all, directions tell them apart.
        float[] shared = {10, 10, 10, 10};
        float[] concept = {11, 10, 10, 10};
        float[] near = {10.9f, 10.1f, 10, 10};
        float[] far = {10, 10, 11, 10};
        assertTrue(EmbeddingCosine.of(far, concept) > 0.99, "raw cosine barely separates them");
        assertTrue(RiskAdaptiveGuidance.risk(near, concept, shared) > 0.99);
        assertEquals(0.0, RiskAdaptiveGuidance.risk(far, concept, shared), 1e-6);
        assertEquals(0.0, RiskAdaptiveGuidance.risk(shared, concept, shared), 1e-12, "the empty prompt itself: 0");
        assertThrows(IllegalStateException.class, () -> RiskAdaptiveGuidance.risk(new float[2], new float[3], new float[2]));
    }

    @Test
    void badMappingsAreRefusedNamingTheField() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RiskAdaptiveGuidance(0.5, 0.5, 0, 1, "", 0))
                .getMessage().startsWith("risk_high:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RiskAdaptiveGuidance(-2, 0.5, 0, 1, "", 0))
                .getMessage().startsWith("risk_low:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RiskAdaptiveGuidance(0, 0.5, -1, 1, "", 0))
                .getMessage().startsWith("floor:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RiskAdaptiveGuidance(0, 0.5, 0, 11, "", 0))
                .getMessage().startsWith("ceiling:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RiskAdaptiveGuidance(0, 0.5, 0, Double.NaN, "", 0))
                .getMessage().startsWith("ceiling:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RiskAdaptiveGuidance(0, 0.5, 0, 1, "x", 3))
                .getMessage().startsWith("negative_above:"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new RiskAdaptiveGuidance(0, 0.5, 0, 1, "x".repeat(GenerationSettings.MAX_TEXT_CHARS + 1), 0.3))
                .getMessage().startsWith("negative_prompt:"));
    }

    @Test
    void apiParamsMapWithFieldPathsAndRoundTrip() {
        SafetyGuidance.Builder sld = SafetyGuidance.newBuilder().setConcept("a skull").setPreset("medium");
        GenerationParams p = GenerationParams.newBuilder().setSafetyGuidance(sld.setAdaptive(AdaptiveGuidance.newBuilder()
                .setRiskLow(0.3).setRiskHigh(0.7).setFloor(0.2))).build();
        GenerationSettings s = GenerationParamsMapping.settings(p, "models[1].params");
        assertEquals(new RiskAdaptiveGuidance(0.3, 0.7, 0.2, 1.0, "", 0), s.adaptive(), "ceiling 0 means 1");
        assertEquals(s.adaptive(), GenerationParamsMapping.settings(GenerationParams.newBuilder().setSafetyGuidance(
                sld.setAdaptive(GenerationParamsMapping.adaptive(s.adaptive()))).build(), "params").adaptive());
        assertNull(GenerationParamsMapping.settings(GenerationParams.newBuilder()
                .setSafetyGuidance(SafetyGuidance.newBuilder().setConcept("a skull").setPreset("medium")).build(), "p").adaptive());

        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> GenerationParamsMapping.settings(
                GenerationParams.newBuilder().setSafetyGuidance(sld.setAdaptive(AdaptiveGuidance.newBuilder()
                        .setRiskLow(0.7).setRiskHigh(0.3))).build(), "models[1].params"));
        assertTrue(bad.getMessage().startsWith("models[1].params.safety_guidance.adaptive.risk_high:"), bad.getMessage());
        IllegalArgumentException risk = assertThrows(IllegalArgumentException.class, () -> GenerationParamsMapping.settings(
                GenerationParams.newBuilder().setSafetyGuidance(sld.setAdaptive(AdaptiveGuidance.newBuilder()
                        .setRisk("classifier").setRiskLow(0.3).setRiskHigh(0.7))).build(), "params"));
        assertTrue(risk.getMessage().startsWith("params.safety_guidance.adaptive.risk: only 'text-encoder'"), risk.getMessage());
    }

    @Test
    void theMappingIsPartOfTheCanonicalSettingsOnlyWhenSet() {
        dev.lucid.diffusion.SafetyGuidance medium = dev.lucid.diffusion.SafetyGuidance.preset("medium");
        GenerationSettings uniform = new GenerationSettings(25, 1.0, "", "a skull", medium);
        assertFalse(uniform.canonical().contains("adaptive"), "keys of uniform SLD images are unchanged");
        GenerationSettings a = new GenerationSettings(25, 1.0, "", "a skull", medium,
                new RiskAdaptiveGuidance(0.3, 0.7, 0, 1, "", 0));
        GenerationSettings b = new GenerationSettings(25, 1.0, "", "a skull", medium,
                new RiskAdaptiveGuidance(0.3, 0.7, 0, 1, "", 0.9));
        GenerationSettings c = new GenerationSettings(25, 1.0, "", "a skull", medium,
                new RiskAdaptiveGuidance(0.3, 0.8, 0, 1, "", 0));
        assertEquals(a.canonical(), b.canonical(), "negative_above without a negative prompt decides nothing");
        assertNotEquals(a.canonical(), c.canonical());
        assertNotEquals(a.canonical(), uniform.canonical());
    }
}
