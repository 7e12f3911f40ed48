package dev.lucid.tokenizers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClipBpeTokenizerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Case(String text, int[] ids) {
    }

    static List<Case> cases(List<String> lines) throws IOException {
        List<Case> out = new ArrayList<>();
        for (String line : lines) {
            JsonNode row = JSON.readTree(line);
            int[] ids = new int[row.get("ids").size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = row.get("ids").get(i).intValue();
            }
            out.add(new Case(row.get("text").asText(), ids));
        }
        return out;
    }

    static List<Case> referenceCases() throws IOException {
        return cases(Files.readAllLines(ClipVocabulary.requireFolder().resolve("reference_ids.jsonl")));
    }

    static List<String> resourceLines(String name) throws IOException {
        try (InputStream in = ClipBpeTokenizerTest.class.getResourceAsStream("/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    @Test
    void allReferencePromptsGetTheReferenceIds() throws IOException {
        ClipBpeTokenizer tok = ClipBpeTokenizer.openAiVocabulary(ClipVocabulary.gz(), "!");
        List<Case> cases = referenceCases();
        assertEquals(1950, cases.size());
        for (Case c : cases) {
            assertArrayEquals(c.ids(), tok.ids(c.text()), c.text());
        }
        assertEquals(49408, tok.vocabularySize());
        assertEquals(49406, tok.startId());
        assertEquals(49407, tok.endId());
    }

    @Test
    void edgeCasesMatchTheIndependentPythonReference() throws IOException {
        ClipBpeTokenizer tok = ClipBpeTokenizer.openAiVocabulary(ClipVocabulary.gz(), "!");
        List<Case> cases = cases(resourceLines("clip_edge_cases.jsonl"));
        assertTrue(cases.size() >= 70, "fixture has " + cases.size() + " cases");
        for (Case c : cases) {
            assertArrayEquals(c.ids(), tok.ids(c.text()), c.text());
        }
    }

    @Test
    void modelInputIsStartUpTo75IdsEndAndPadding() throws IOException {
        ClipBpeTokenizer openai = ClipBpeTokenizer.openAiVocabulary(ClipVocabulary.gz(), "!");
        ClipBpeTokenizer sd = ClipBpeTokenizer.openAiVocabulary(ClipVocabulary.gz(), "<|endoftext|>");
        String longText = "a photo of a red cube and a blue sphere, ".repeat(30);
        int[] ids = openai.ids(longText);
        assertTrue(ids.length > 75, "long text has " + ids.length + " ids");
        long[] row = openai.modelInput(longText);
        assertEquals(77, row.length);
        assertEquals(49406, row[0]);
        for (int k = 0; k < 75; k++) {
            assertEquals(ids[k], row[k + 1], "position " + (k + 1));
        }
        assertEquals(49407, row[76]);

        int[] shortIds = openai.ids("a cat");
        long[] padded0 = openai.modelInput("a cat");
        long[] padded49407 = sd.modelInput("a cat");
        assertEquals(49406, padded0[0]);
        assertEquals(shortIds[0], padded0[1]);
        assertEquals(shortIds[1], padded0[2]);
        assertEquals(49407, padded0[3]);
        for (int k = 4; k < 77; k++) {
            assertEquals(0, padded0[k]);
            assertEquals(49407, padded49407[k]);
        }
        assertArrayEquals(sd.modelInput(""), sd.unconditionalInput());
        assertEquals(49407, sd.unconditionalInput()[1]);
        assertNotEquals(openai.fingerprint(), sd.fingerprint(), "pad id is part of the fingerprint");
    }

    @Test
    void diffusersFolderGivesTheSameIdsAsTheGzip(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path gz = ClipVocabulary.gz();
        writeDiffusersFolder(gz, dir);
        ClipBpeTokenizer folder = ClipBpeTokenizer.diffusersFolder(dir);
        ClipBpeTokenizer openai = ClipBpeTokenizer.openAiVocabulary(gz, "<|endoftext|>");
        assertEquals(49407, folder.padId(), "pad token from special_tokens_map.json");
        assertEquals(77, folder.contextLength());
        assertEquals(openai.fingerprint(), folder.fingerprint(), "same content, same fingerprint");
        for (Case c : referenceCases()) {
            assertArrayEquals(openai.ids(c.text()), folder.ids(c.text()), c.text());
            assertArrayEquals(openai.modelInput(c.text()), folder.modelInput(c.text()), c.text());
        }
        for (Case c : cases(resourceLines("clip_edge_cases.jsonl"))) {
            assertArrayEquals(c.ids(), folder.ids(c.text()), c.text());
        }
        PromptTokenizer viaFactory = PromptTokenizers.load(dir.getParent().resolve(dir.getFileName()));
        assertEquals(folder.fingerprint(), viaFactory.fingerprint());
    }

    /** The transformers layout of the same vocabulary, written from the gzip as a model folder carries it. */
    static void writeDiffusersFolder(Path gz, Path dir) throws IOException {
        List<String> lines;
        try (InputStream in = new java.util.zip.GZIPInputStream(Files.newInputStream(gz))) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        List<String> merges = lines.subList(1, 48_895);
        List<String> tokens = new ArrayList<>();
        List<Integer> printable = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            if ((b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF)) {
                printable.add(b);
            }
        }
        List<String> symbols = new ArrayList<>();
        printable.forEach(b -> symbols.add(String.valueOf((char) (int) b)));
        for (int b = 0, n = 0; b < 256; b++) {
            if (!printable.contains(b)) {
                symbols.add(String.valueOf((char) (256 + n++)));
            }
        }
        tokens.addAll(symbols);
        symbols.forEach(s -> tokens.add(s + "</w>"));
        merges.forEach(m -> tokens.add(m.replace(" ", "")));
        tokens.add("<|startoftext|>");
        tokens.add("<|endoftext|>");
        var vocab = JSON.createObjectNode();
        for (int i = 0; i < tokens.size(); i++) {
            vocab.put(tokens.get(i), i);
        }
        JSON.writeValue(dir.resolve("vocab.json").toFile(), vocab);
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\n" + String.join("\n", merges) + "\n");
        Files.writeString(dir.resolve("special_tokens_map.json"), "{\"bos_token\": {\"content\": \"<|startoftext|>\"},"
                + " \"eos_token\": \"<|endoftext|>\", \"pad_token\": \"<|endoftext|>\", \"unk_token\": \"<|endoftext|>\"}");
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"model_max_length\": 77, \"pad_token\": \"!\"}");
    }

    @Test
    void refusesTextsItCannotTokenizeAsTheReferenceDoes() throws IOException {
        ClipBpeTokenizer tok = ClipBpeTokenizer.openAiVocabulary(ClipVocabulary.gz(), "!");
        var tooLong = assertThrows(IllegalArgumentException.class, () -> tok.ids("a".repeat(65_537)));
        assertTrue(tooLong.getMessage().contains("65537 characters"), tooLong.getMessage());
        assertEquals(65_536 / 4, tok.ids("cat ".repeat(16_384)).length, "the longest text accepted is tokenized");
        var surrogate = assertThrows(IllegalArgumentException.class, () -> tok.ids("a\uD83D b"));
        assertTrue(surrogate.getMessage().contains("unpaired surrogate U+D83D at index 1"), surrogate.getMessage());
        var digits = assertThrows(IllegalArgumentException.class, () -> tok.ids("&#" + "1".repeat(4301) + ";"));
        assertTrue(digits.getMessage().contains("4301 digits"), digits.getMessage());
    }

    @Test
    void aLongWordStaysFast() throws IOException {
        ClipBpeTokenizer tok = ClipBpeTokenizer.openAiVocabulary(ClipVocabulary.gz(), "!");
        StringBuilder word = new StringBuilder();
        java.util.Random random = new java.util.Random(7);
        while (word.length() < 65_536) {
            word.append((char) ('a' + random.nextInt(26)));
        }
        long t0 = System.nanoTime();
        int[] ids = tok.ids(word.toString());
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(ids.length > 10_000 && ids.length < 65_536, "ids " + ids.length);
        assertTrue(seconds < 30, "a 64 Ki-letter word took " + seconds + " s");
    }
}
