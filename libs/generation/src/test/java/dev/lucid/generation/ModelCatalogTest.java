package dev.lucid.generation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelCatalogTest {
    static final String COMPONENTS = "{\"name\": \"m\", \"shape\": \"components\", \"text_encoder\": \"te\", "
            + "\"denoiser\": \"d\", \"tokenizer\": \"tok.json\"";

    static ModelCatalog load(Path dir, String models) throws Exception {
        Path f = dir.resolve("catalog.json");
        Files.writeString(f, "{\"models\": [" + models + "]}");
        return ModelCatalog.load(f, dir);
    }

    @Test
    void noiseDefaultsToJavaAndTorchIsChosenPerEntry(@TempDir Path dir) throws Exception {
        assertEquals(T2iModel.Noise.JAVA, load(dir, COMPONENTS + "}").get("m").orElseThrow().model().noise());
        assertEquals(T2iModel.Noise.TORCH, load(dir, COMPONENTS + ", \"noise\": \"torch\"}").get("m").orElseThrow()
                .model().noise());
    }

    @Test
    void unknownNoiseAndNoiseOnPipelinesAreRefusedNamingTheEntry(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> load(dir, COMPONENTS + ", \"noise\": \"numpy\"}"));
        assertTrue(e.getMessage().contains("models[0]") && e.getMessage().contains("'numpy'"), e.getMessage());
        IllegalArgumentException p = assertThrows(IllegalArgumentException.class, () -> load(dir,
                "{\"name\": \"p\", \"shape\": \"pipeline\", \"pipeline\": \"x\", \"noise\": \"torch\"}"));
        assertTrue(p.getMessage().contains("models[0]") && p.getMessage().contains("noise"), p.getMessage());
    }

    @Test
    void aPipelineNamesItsTextEncoderWithATokenizerOrNeither(@TempDir Path dir) throws Exception {
        ModelCatalog.Entry e = load(dir, "{\"name\": \"p\", \"shape\": \"pipeline\", \"pipeline\": \"x\", \"text_encoder\": \"te\", "
                + "\"tokenizer\": \"tok.json\"}").get("p").orElseThrow();
        assertEquals("te", e.model().textEncoder());
        assertEquals(dir.resolve("tok.json"), e.tokenizer());
        assertEquals(null, load(dir, "{\"name\": \"p\", \"shape\": \"pipeline\", \"pipeline\": \"x\"}").get("p").orElseThrow().tokenizer());
        IllegalArgumentException noTok = assertThrows(IllegalArgumentException.class, () -> load(dir,
                "{\"name\": \"p\", \"shape\": \"pipeline\", \"pipeline\": \"x\", \"text_encoder\": \"te\"}"));
        assertEquals("catalog.json models[0]: a pipeline model with a text_encoder needs a tokenizer file", noTok.getMessage());
        IllegalArgumentException noEnc = assertThrows(IllegalArgumentException.class, () -> load(dir,
                "{\"name\": \"p\", \"shape\": \"pipeline\", \"pipeline\": \"x\", \"tokenizer\": \"tok.json\"}"));
        assertTrue(noEnc.getMessage().contains("models[0]") && noEnc.getMessage().contains("tokenizer"), noEnc.getMessage());
    }

    @Test
    void decoderEntriesGetSdScaleByDefaultAndTheirSampleSize(@TempDir Path dir) throws Exception {
        T2iModel.LatentSpace l = load(dir, COMPONENTS + ", \"decoder\": \"vae\", \"sample_size\": 64}").get("m")
                .orElseThrow().model().latent();
        assertEquals(new T2iModel.LatentSpace("vae", 0.18215, 64), l);
        assertEquals(0.13025, load(dir, COMPONENTS + ", \"decoder\": \"vae\", \"latent_scale\": 0.13025}").get("m")
                .orElseThrow().model().latent().scale());
        assertEquals(null, load(dir, COMPONENTS + "}").get("m").orElseThrow().model().latent());
    }

    @Test
    void latentFieldsWithoutDecoderOrOutOfRangeAreRefusedNamingEntryAndField(@TempDir Path dir) {
        for (String[] c : new String[][]{{", \"latent_scale\": 0.2", "latent_scale"}, {", \"sample_size\": 8", "sample_size"},
                {", \"decoder\": \"vae\", \"latent_scale\": -1", "latent_scale"},
                {", \"decoder\": \"vae\", \"latent_scale\": \"x\"", "latent_scale"},
                {", \"decoder\": \"vae\", \"sample_size\": 0", "sample_size"},
                {", \"decoder\": \"vae\", \"sample_size\": 100000", "sample_size"}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> load(dir, COMPONENTS + c[0] + "}"));
            assertTrue(e.getMessage().contains("models[0]") && e.getMessage().contains(c[1]), e.getMessage());
        }
        IllegalArgumentException p = assertThrows(IllegalArgumentException.class, () -> load(dir,
                "{\"name\": \"p\", \"shape\": \"pipeline\", \"pipeline\": \"x\", \"decoder\": \"vae\"}"));
        assertTrue(p.getMessage().contains("models[0]") && p.getMessage().contains("decoder"), p.getMessage());
    }

    @Test
    void theGpuOverlaysCatalogReadsWithItsStableDiffusionModelsInLatentSpace() throws Exception {
        Path root = Path.of(System.getProperty("lucid.repo.root", "../.."));
        ModelCatalog c = ModelCatalog.load(root.resolve("k8s/overlays/gpu/catalogs/models.json"), Path.of("/lucid"));
        for (String name : java.util.List.of("sd14", "sd14-esd", "sd14-des")) {
            T2iModel m = c.get(name).orElseThrow().model();
            assertEquals(T2iModel.Noise.TORCH, m.noise(), name);
            assertEquals(0.18215, m.latent().scale(), name);
            assertEquals(Path.of("/lucid/tokenizers/sd14"), c.get(name).orElseThrow().tokenizer(), name);
        }
        assertEquals("sd14-esd_unet", c.get("sd14-esd").orElseThrow().model().denoiser());
        assertEquals("sd14-des_text_encoder", c.get("sd14-des").orElseThrow().model().textEncoder());
        // The SD 1.5 pipeline embeds prompts with SD 1.x's CLIP text encoder (geometry, near-concept ranking).
        assertEquals("sd14_text_encoder", c.get("sd15").orElseThrow().model().textEncoder());
        assertEquals(Path.of("/lucid/tokenizers/sd14"), c.get("sd15").orElseThrow().tokenizer());
    }
}
