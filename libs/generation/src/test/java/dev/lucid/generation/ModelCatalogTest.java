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
}
