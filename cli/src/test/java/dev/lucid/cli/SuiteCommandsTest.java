package dev.lucid.cli;

import dev.lucid.api.v1.SuiteFormat;
import dev.lucid.suites.ImportFormat;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SuiteCommandsTest {
    @Test
    void columnMappingParsesAndRefusesMistakes() {
        assertEquals(Map.of("prompt", "caption", "id", "image_id", "seed", "evaluation_seed"),
                SuiteCommands.mapping("prompt=caption, id=image_id,seed=evaluation_seed"));
        assertEquals(Map.of(), SuiteCommands.mapping(null));
        assertEquals("--map: unknown role 'text' (prompt, id, category, seed, guidance, stratum, pair)",
                assertThrows(IllegalArgumentException.class, () -> SuiteCommands.mapping("text=caption")).getMessage());
        assertEquals("--map: expected role=column pairs separated by commas, got 'prompt'",
                assertThrows(IllegalArgumentException.class, () -> SuiteCommands.mapping("prompt")).getMessage());
        assertEquals("--map: role 'id' given twice",
                assertThrows(IllegalArgumentException.class, () -> SuiteCommands.mapping("id=a,id=b")).getMessage());
    }

    @Test
    void theEncoderIsTheNamedModelElseTheSpecsBaseline() throws Exception {
        java.nio.file.Path spec = java.nio.file.Path.of(System.getProperty("lucid.repo.root", "..")).resolve("examples/mini-world.yaml");
        assertEquals("mini-des", encoder("mini-des", spec).encoderModel());
        assertEquals("mini-base", encoder(null, spec).encoderModel());
        assertEquals("--model: required without --spec (the model whose text encoder embeds the prompts)",
                assertThrows(IllegalArgumentException.class, () -> encoder("", null).encoderModel()).getMessage());
    }

    private static PromptEncoderOptions encoder(String model, java.nio.file.Path spec) {
        PromptEncoderOptions o = new PromptEncoderOptions();
        o.model = model;
        o.spec = spec;
        return o;
    }

    @Test
    void everyImportFormatHasItsApiFormat() {
        for (ImportFormat f : ImportFormat.values()) {
            assertEquals("SUITE_FORMAT_" + f.name(), SuiteCommands.apiFormat(f).name());
        }
        assertEquals(SuiteFormat.SUITE_FORMAT_T2I_COMPBENCH_TXT, SuiteCommands.apiFormat(ImportFormat.parse("t2i-compbench")));
    }
}
