package dev.lucid.runtime;

import com.code_intelligence.jazzer.junit.FuzzTest;
import inference.ModelConfigOuterClass.ModelConfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Fuzzes the {@code config.pbtxt} parser: any text either yields a checked config or a {@link ModelLoadException}. */
class ModelConfigFuzzTest {
    @FuzzTest
    void configPbtxt(byte[] data) {
        String text = new String(data, java.nio.charset.StandardCharsets.UTF_8);
        ModelConfig c;
        try {
            c = ModelConfigParser.parse(text, "m");
        } catch (ModelLoadException e) {
            assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "a refusal names its reason");
            return;
        }
        assertEquals("m", c.getName());
    }
}
