package dev.lucid.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lucid.tokenizers.WordLevelTokenizer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code lucid tokenize}: JSON strings in, {text, ids} lines out, bad lines named by number. */
class TokenizeCommandTest {
    static final Path ROOT = Path.of(System.getProperty("lucid.repo.root", ".."));
    static final ObjectMapper JSON = new ObjectMapper();

    record Result(int rc, String out, String error) {
    }

    static Result run(String stdin, String... args) {
        TokenizeCommand command = new TokenizeCommand();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        command.in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        command.out = buf;
        StringBuilder error = new StringBuilder();
        int rc = CommandErrors.execute(command, error, args);
        return new Result(rc, buf.toString(StandardCharsets.UTF_8), error.toString());
    }

    static int[] ids(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).intValue();
        }
        return out;
    }

    @Test
    void writesTextAndIdsPerLineInInputOrder() throws IOException {
        Path file = ROOT.resolve("deploy/mini-world/tokenizer.json");
        WordLevelTokenizer tokenizer = WordLevelTokenizer.load(file);
        List<String> texts = List.of("a red circle left of a blue square", "", "Two \"skulls\"\tand a face");
        StringBuilder in = new StringBuilder();
        for (String t : texts) {
            in.append(JSON.writeValueAsString(t)).append('\n');
        }
        Result r = run(in.toString(), "--tokenizer", file.toString());
        assertEquals(0, r.rc(), r.error());
        List<String> lines = r.out().lines().toList();
        assertEquals(texts.size(), lines.size());
        for (int i = 0; i < texts.size(); i++) {
            JsonNode row = JSON.readTree(lines.get(i));
            assertEquals("{\"text\":", lines.get(i).substring(0, 8), "line " + (i + 1) + " is one bare object");
            assertEquals(texts.get(i), row.get("text").asText());
            assertArrayEquals(tokenizer.ids(texts.get(i)), ids(row.get("ids")), texts.get(i));
        }
    }

    @Test
    void clipVocabularyGivesTheReferenceIds() throws IOException {
        Path shared = ROOT.resolve("../shared/tokenizers/clip").normalize();
        Assumptions.assumeTrue(Files.isDirectory(shared), shared + " is absent: CLIP tokenize test skipped");
        List<String> reference = Files.readAllLines(shared.resolve("reference_ids.jsonl")).subList(0, 200);
        StringBuilder in = new StringBuilder();
        for (String line : reference) {
            in.append(JSON.writeValueAsString(JSON.readTree(line).get("text").asText())).append("\r\n");
        }
        Result r = run(in.toString(), "--vocab", shared.resolve("bpe_simple_vocab_16e6.txt.gz").toString());
        assertEquals(0, r.rc(), r.error());
        List<String> lines = r.out().lines().toList();
        assertEquals(reference.size(), lines.size());
        for (int i = 0; i < lines.size(); i++) {
            JsonNode expected = JSON.readTree(reference.get(i));
            JsonNode got = JSON.readTree(lines.get(i));
            assertEquals(expected.get("text").asText(), got.get("text").asText());
            assertArrayEquals(ids(expected.get("ids")), ids(got.get("ids")), expected.get("text").asText());
        }
    }

    @Test
    void badLinesStopWithTheirLineNumber() {
        String file = ROOT.resolve("deploy/mini-world/tokenizer.json").toString();
        Result notJson = run("\"a circle\"\nnot json\n\"x\"\n", "--tokenizer", file);
        assertEquals(1, notJson.rc());
        assertEquals(1, notJson.out().lines().count(), "lines before the bad one are written");
        assertEquals("line 2: not JSON", notJson.error().substring(0, "line 2: not JSON".length()));
        Result number = run("\"a\"\n\"b\"\n42\n", "--tokenizer", file);
        assertEquals(1, number.rc());
        assertEquals("line 3: expected one JSON string, got number", number.error());
        Result tooLong = run(JSON.valueToTree("x".repeat(5000)).toString() + "\n", "--tokenizer", file);
        assertEquals(1, tooLong.rc());
        assertEquals("line 1: text is 5000 characters, longer than the 4096 accepted", tooLong.error());
        Result neither = run("\"a\"\n");
        assertEquals(2, neither.rc(), "one of --vocab or --tokenizer is required");
    }
}
