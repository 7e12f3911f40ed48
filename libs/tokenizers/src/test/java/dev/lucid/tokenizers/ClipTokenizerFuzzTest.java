package dev.lucid.tokenizers;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Fuzzes the CLIP tokenizer on prompt text: cleaning (HTML unescaping, Python whitespace and case rules), piece
 * splitting and BPE. Uses openai's vocabulary from ../shared when present, else a byte-level vocabulary without
 * merges written as a diffusers folder. Every text gives a full row or an {@link IllegalArgumentException}.
 */
class ClipTokenizerFuzzTest {
    private static final ClipBpeTokenizer TOKENIZER = tokenizer();

    private static ClipBpeTokenizer tokenizer() {
        try {
            Path shared = ClipVocabulary.folder();
            if (shared != null) {
                return ClipBpeTokenizer.openAiVocabulary(shared.resolve("bpe_simple_vocab_16e6.txt.gz"), "!");
            }
            System.err.println("ClipTokenizerFuzzTest: ../shared/tokenizers/clip absent, fuzzing a byte-level vocabulary");
            Path dir = Files.createTempDirectory("lucid-bpe-fuzz");
            Map<String, Integer> vocab = new LinkedHashMap<>();
            for (char c : ByteSymbols.vocabularyOrder()) {
                vocab.put(String.valueOf(c), vocab.size());
            }
            for (char c : ByteSymbols.vocabularyOrder()) {
                vocab.put(c + "</w>", vocab.size());
            }
            vocab.put(ClipPieces.START, vocab.size());
            vocab.put(ClipPieces.END, vocab.size());
            Files.writeString(dir.resolve("vocab.json"), new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(vocab),
                    StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\n", StandardCharsets.UTF_8);
            return ClipBpeTokenizer.diffusersFolder(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest
    void prompt(byte[] data) {
        String text = new String(data, java.nio.charset.StandardCharsets.UTF_8);
        long[] row;
        try {
            row = TOKENIZER.modelInput(text);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                throw new AssertionError("a refusal without a reason", e);
            }
            return;
        }
        assertEquals(TOKENIZER.contextLength(), row.length);
    }
}
