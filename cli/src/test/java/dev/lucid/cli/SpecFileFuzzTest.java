package dev.lucid.cli;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;

/**
 * Fuzzes evaluation spec parsing (YAML, and JSON as its subset): any text is a spec or a refusal, malformed YAML
 * as an {@link IOException}, a schema error as an {@link IllegalArgumentException} naming the field.
 */
class SpecFileFuzzTest {
    @FuzzTest
    void spec(byte[] data) {
        String yaml = new String(data, java.nio.charset.StandardCharsets.UTF_8);
        try {
            SpecFile.parse(yaml);
        } catch (IOException | IllegalArgumentException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                throw new AssertionError("a refusal without a reason", e);
            }
        }
    }
}
