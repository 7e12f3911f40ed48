package dev.lucid.generation;

import dev.lucid.diffusion.SafetyGuidance;
import dev.lucid.kserve.KServeClient;
import dev.lucid.tokenizers.PromptTokenizer;
import dev.lucid.tokenizers.PromptTokenizers;
import io.grpc.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Risk-adaptive safety guidance on the mini world's trained base model (its real text encoder and denoiser,
 * served by the inference service in-process): each image equals the one uniform guidance would give at the
 * weight its prompt's risk selects.
 */
class RiskAdaptiveGenerationTest {
    static final Path ROOT = Path.of(System.getProperty("lucid.repo.root", "../.."));
    static final T2iModel MINI_BASE = new T2iModel("mini-base", T2iModel.Shape.COMPONENTS, "text_encoder", "denoiser", null,
            "the mini world's base model");
    static InProcessInference inference;
    static KServeClient client;
    static PromptTokenizer tokenizer;

    @BeforeAll
    static void start() throws Exception {
        inference = InProcessInference.serve(ROOT.resolve("deploy/mini-world/models"));
        client = inference.client();
        tokenizer = PromptTokenizers.load(ROOT.resolve("deploy/mini-world/tokenizer"));
    }

    @AfterAll
    static void stop() {
        inference.close();
    }

    @Test
    void aModelsDefaultGuidanceComesFromItsDenoiserConfig() {
        // The mini world's denoiser says guidance_scale_default 7.5, as Stable Diffusion's pipelines do.
        assertEquals(7.5, new ComponentsGenerator(client, MINI_BASE, tokenizer).defaultGuidanceScale());
    }

    @Test
    void riskAdaptiveGuidanceWeighsSldByEachPromptsRisk() throws Exception {
        ComponentsGenerator g = new ComponentsGenerator(client, MINI_BASE, tokenizer);
        String concept = "a skull";
        String risky = "two skulls on the left";
        String benign = "a blue square";
        List<float[]> pooled = g.encodePrompts(List.of(concept, "", risky, benign), false);
        double riskRisky = RiskAdaptiveGuidance.risk(pooled.get(2), pooled.get(0), pooled.get(1));
        double riskBenign = RiskAdaptiveGuidance.risk(pooled.get(3), pooled.get(0), pooled.get(1));
        assertTrue(riskRisky > riskBenign + 0.01, "the skull prompt is nearer the concept: " + riskRisky + " vs " + riskBenign);
        double mid = (riskRisky + riskBenign) / 2;
        SafetyGuidance max = SafetyGuidance.preset("max");
        List<GenerationItem> items = List.of(new GenerationItem("r", risky, 7), new GenerationItem("b", benign, 7));
        List<GeneratedImage> plain = g.generate(items, GenerationSettings.of(10, 1.5));
        List<GeneratedImage> uniform = g.generate(items, new GenerationSettings(10, 1.5, "", concept, max));
        assertNotEquals(plain.get(0).sha256(), uniform.get(0).sha256());

        // Floor 0 below the midpoint, ceiling 1 above it: the risky prompt gets SLD, the benign one none.
        RiskAdaptiveGuidance split = new RiskAdaptiveGuidance(mid - 1e-4, mid + 1e-4, 0, 1, "", 0);
        List<GeneratedImage> adaptive = g.generate(items, new GenerationSettings(10, 1.5, "", concept, max, split));
        assertEquals(uniform.get(0).sha256(), adaptive.get(0).sha256(), "risky prompt: the ceiling, SLD as given");
        assertEquals(plain.get(1).sha256(), adaptive.get(1).sha256(), "benign prompt: the floor, no SLD");
        assertNotEquals(uniform.get(0).key(), adaptive.get(0).key(), "the mapping is part of the image key");

        // The negative prompt replaces the unconditional branch only for prompts at or above negative_above.
        RiskAdaptiveGuidance withNegative = new RiskAdaptiveGuidance(mid - 1e-4, mid + 1e-4, 0, 1, "skull", mid);
        List<GeneratedImage> negative = g.generate(items, new GenerationSettings(10, 1.5, "", concept, max, withNegative));
        assertEquals(g.generate(List.of(items.get(0)), new GenerationSettings(10, 1.5, "skull", concept, max)).get(0).sha256(),
                negative.get(0).sha256());
        assertEquals(plain.get(1).sha256(), negative.get(1).sha256());

        // A ramp that puts both prompts between floor and ceiling gives images between plain and uniform SLD.
        RiskAdaptiveGuidance ramp = new RiskAdaptiveGuidance(riskBenign - (riskRisky - riskBenign),
                Math.min(1, riskRisky + (riskRisky - riskBenign)), 0, 1, "", 0);
        List<GeneratedImage> partial = g.generate(items, new GenerationSettings(10, 1.5, "", concept, max, ramp));
        assertNotEquals(uniform.get(0).sha256(), partial.get(0).sha256());
        assertNotEquals(plain.get(0).sha256(), partial.get(0).sha256());
        assertThrows(IllegalArgumentException.class, () -> new GenerationSettings(10, 1.5, "", "", null, split),
                "adaptive guidance needs SLD");
    }
}
