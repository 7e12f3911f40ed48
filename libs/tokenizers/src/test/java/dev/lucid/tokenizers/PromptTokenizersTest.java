package dev.lucid.tokenizers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PromptTokenizersTest {

    static Path repoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("deploy/mini-world/tokenizer.json"))) {
                return p;
            }
        }
        throw new IllegalStateException("repository root not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void picksTheTokenizerByWhatThePathHolds(@TempDir Path dir) throws IOException {
        PromptTokenizer word = PromptTokenizers.load(repoRoot().resolve("deploy/mini-world/tokenizer.json"));
        assertInstanceOf(WordLevelTokenizer.class, word);
        assertEquals(16, word.contextLength());

        PromptTokenizer gz = PromptTokenizers.load(ClipVocabulary.gz());
        assertInstanceOf(ClipBpeTokenizer.class, gz);
        assertEquals(0, gz.padId(), "openai's clip.tokenize pads with 0");

        Path model = dir.resolve("sd");
        Files.createDirectories(model.resolve("tokenizer"));
        ClipBpeTokenizerTest.writeDiffusersFolder(ClipVocabulary.gz(), model.resolve("tokenizer"));
        PromptTokenizer folder = PromptTokenizers.load(model);
        assertEquals(49407, folder.padId(), "Stable Diffusion pads with <|endoftext|>");
        assertEquals(PromptTokenizers.load(model.resolve("tokenizer")).fingerprint(), folder.fingerprint());
    }

    @Test
    void namesThePathItCannotUse(@TempDir Path dir) throws IOException {
        Path empty = dir.resolve("empty");
        Files.createDirectories(empty);
        var e1 = assertThrows(IllegalArgumentException.class, () -> PromptTokenizers.load(empty));
        assertTrue(e1.getMessage().contains(empty.toString()) && e1.getMessage().contains("vocab.json"), e1.getMessage());
        Path other = Files.writeString(dir.resolve("vocab.bin"), "x");
        var e2 = assertThrows(IllegalArgumentException.class, () -> PromptTokenizers.load(other));
        assertTrue(e2.getMessage().contains(other.toString()), e2.getMessage());
        var e3 = assertThrows(IllegalArgumentException.class, () -> PromptTokenizers.load(dir.resolve("missing.json")));
        assertTrue(e3.getMessage().contains("missing.json") && e3.getMessage().contains("does not exist"), e3.getMessage());
        Path bpeJson = Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"BPE\"}}");
        var e4 = assertThrows(IllegalArgumentException.class, () -> PromptTokenizers.load(bpeJson));
        assertTrue(e4.getMessage().contains(bpeJson.toString()) && e4.getMessage().contains("'BPE'"), e4.getMessage());
        Path badMerges = dir.resolve("bad");
        Files.createDirectories(badMerges);
        Files.writeString(badMerges.resolve("vocab.json"), "{\"a\": 0}");
        Files.writeString(badMerges.resolve("merges.txt"), "#version: 0.2\na b c\n");
        var e5 = assertThrows(IllegalArgumentException.class, () -> PromptTokenizers.load(badMerges));
        assertTrue(e5.getMessage().contains("merges.txt line 2"), e5.getMessage());
    }
}
