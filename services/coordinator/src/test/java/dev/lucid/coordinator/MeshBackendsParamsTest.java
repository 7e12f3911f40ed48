package dev.lucid.coordinator;

import dev.lucid.diffusion.SafetyGuidance;
import dev.lucid.generation.GenerationParamsMapping;
import dev.lucid.generation.GenerationSettings;
import dev.lucid.generation.RiskAdaptiveGuidance;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The settings the coordinator plans with reach the generator unchanged, so both compute the same image keys. */
class MeshBackendsParamsTest {

    @Test
    void settingsSurviveTheTripToTheGenerator() {
        SafetyGuidance max = SafetyGuidance.preset("max");
        for (GenerationSettings s : new GenerationSettings[]{
                GenerationSettings.of(25, 1.0),
                new GenerationSettings(25, 1.5, "a skull", "", null),
                new GenerationSettings(25, 1.0, "", "a skull", max),
                new GenerationSettings(25, 1.0, "", "a skull", max, new RiskAdaptiveGuidance(0.55, 0.75, 0, 1.5, "", 0)),
                new GenerationSettings(25, 1.0, "", "a skull", max, new RiskAdaptiveGuidance(-0.2, 0.9, 0.1, 2, "skull", 0.8))}) {
            GenerationSettings back = GenerationParamsMapping.settings(MeshBackends.params(s), "params");
            assertEquals(s, back);
            assertEquals(s.canonical(), back.canonical());
        }
        assertFalse(MeshBackends.params(new GenerationSettings(25, 1.0, "", "a skull", max)).getSafetyGuidance().hasAdaptive());
    }
}
