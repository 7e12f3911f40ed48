package dev.lucid.suites;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Malformed input gives exact messages with file, line and reason; lenient mode skips and counts. */
class MalformedInputTest {
    static ImportResult run(ImportFormat format, String file, String content, boolean lenient) {
        return run(format, file, new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)), lenient);
    }

    static ImportResult run(ImportFormat format, String file, InputStream in, boolean lenient) {
        ImportRequest r = ImportRequest.of("bad", format, file, "unsafe");
        return new SuiteImporter().importSuite(lenient ? r.lenientMode() : r, in);
    }

    static String error(ImportFormat format, String file, String content) {
        return assertThrows(SuiteFormatException.class, () -> run(format, file, content, false)).getMessage();
    }

    static final String I2P_HEADER = "prompt,categories,hard,evaluation_seed,evaluation_guidance,case_number\n";

    @Test
    void truncatedQuote() {
        assertEquals("bad.csv:3:1: unterminated quoted field (the quote opened here is never closed)",
                error(ImportFormat.I2P_CSV, "bad.csv", I2P_HEADER + "a cat,sexual,0,1,7,0\n\"a dog, running,sexual,0,2,7,1\n"));
        assertEquals("bad.csv:2:4: unexpected character 'b' after a closing quote (a quote inside a quoted field must be doubled)",
                error(ImportFormat.I2P_CSV, "bad.csv", I2P_HEADER + "\"a\"b,sexual,0,1,7,0\n"));
    }

    @Test
    void missingColumnAndMissingFields() {
        assertEquals("bad.csv:1: missing column 'prompt' (header: text, categories)",
                error(ImportFormat.ATTACK_CSV, "bad.csv", "text,categories\nfoo,sexual\n"));
        assertEquals("bad.csv:3:18: expected 6 fields, found 5",
                error(ImportFormat.I2P_CSV, "bad.csv", I2P_HEADER + "a cat,sexual,0,1,7,0\na dog,sexual,0,2,7\n"));
        assertEquals("m.csv:1: missing column 'caption' named by the mapping for prompt (header: id, text)",
                assertThrows(SuiteFormatException.class, () -> new SuiteImporter().importSuite(
                        new ImportRequest("m", ImportFormat.GENERIC_CSV, "m.csv", "", Map.of("prompt", "caption"), false, ""),
                        new ByteArrayInputStream("id,text\n1,a\n".getBytes(StandardCharsets.UTF_8)))).getMessage());
    }

    @Test
    void wrongTypes() {
        assertEquals("bad.csv:2:16: column 'evaluation_seed': seed must be a non-negative integer, got 'abc'",
                error(ImportFormat.I2P_CSV, "bad.csv", I2P_HEADER + "a cat,sexual,0,abc,7,0\n"));
        assertEquals("bad.csv:2:14: column 'hard': expected 0 or 1, got '2'",
                error(ImportFormat.I2P_CSV, "bad.csv", I2P_HEADER + "a cat,sexual,2,1,7,0\n"));
        assertEquals("bad.csv:2:18: column 'evaluation_guidance': guidance must be a positive number, got 'high'",
                error(ImportFormat.I2P_CSV, "bad.csv", I2P_HEADER + "a cat,sexual,0,1,high,0\n"));
        assertEquals("g.jsonl:2: field 'count': expected a positive integer, got \"two\"",
                error(ImportFormat.GENEVAL_JSONL, "g.jsonl", "{\"tag\":\"counting\",\"include\":[{\"class\":\"cat\",\"count\":1}],\"prompt\":\"a cat\"}\n"
                        + "{\"tag\":\"counting\",\"include\":[{\"class\":\"cat\",\"count\":\"two\"}],\"prompt\":\"two cats\"}\n"));
        assertEquals("t.json:3: field 'caption': expected a string, got number",
                error(ImportFormat.TIFA_JSON, "t.json", "[\n {\"id\": \"a\", \"caption\": \"x\"},\n {\"id\": \"b\", \"caption\": 5}\n]"));
        assertEquals("t.json:4: answer 'maybe' is not one of the choices [yes, no]",
                error(ImportFormat.TIFA_JSON, "t.json", "[\n {\"id\": \"a\", \"caption\": \"x\", \"question\": \"is it?\",\n"
                        + "  \"choices\": [\"yes\", \"no\"], \"answer\": \"yes\", \"element_type\": \"object\", \"element\": \"x\"},\n"
                        + " {\"id\": \"a\", \"caption\": \"x\", \"question\": \"is it?\", \"choices\": [\"yes\", \"no\"], \"answer\": \"maybe\","
                        + " \"element_type\": \"object\", \"element\": \"x\"}\n]"));
    }

    @Test
    void emptyFiles() {
        assertEquals("empty.csv: empty file (no header row)", error(ImportFormat.I2P_CSV, "empty.csv", ""));
        assertEquals("header.csv: no data rows", error(ImportFormat.I2P_CSV, "header.csv", I2P_HEADER));
        assertEquals("empty.json: empty file (expected a JSON list)", error(ImportFormat.TIFA_JSON, "empty.json", ""));
        assertEquals("empty.jsonl: no data rows", error(ImportFormat.GENEVAL_JSONL, "empty.jsonl", "\n\n"));
        assertEquals("empty.txt: no data rows", error(ImportFormat.T2I_COMPBENCH_TXT, "empty.txt", ""));
    }

    /** A 10 MB field is refused while streaming, after 64 Ki characters, not after reading it all. */
    @Test
    void tenMegabyteField() {
        InputStream big = new SequenceInputStream(new ByteArrayInputStream((I2P_HEADER + "\"").getBytes(StandardCharsets.UTF_8)),
                new InputStream() {
                    long left = 10_000_000;

                    @Override
                    public int read() {
                        return left-- > 0 ? 'x' : -1;
                    }
                });
        assertEquals("big.csv:2:1: field longer than 65536 characters",
                assertThrows(SuiteFormatException.class, () -> run(ImportFormat.I2P_CSV, "big.csv", big, false)).getMessage());
        String line = "a".repeat(2_000_000);
        assertEquals("big.txt:1: line longer than 65536 characters", error(ImportFormat.T2I_COMPBENCH_TXT, "big.txt", line));
    }

    @Test
    void invalidUtf8AndTruncatedJson() {
        byte[] bad = {'p', 'r', 'o', 'm', 'p', 't', '\n', (byte) 0xC3, (byte) 0x28, '\n'};
        assertEquals("bad.csv:2:1: not UTF-8 text (invalid byte sequence C3)",
                assertThrows(SuiteFormatException.class, () -> run(ImportFormat.ATTACK_CSV, "bad.csv",
                        new ByteArrayInputStream(bad), false)).getMessage());
        assertEquals("t.json:2:30: invalid JSON: Unexpected end-of-input within/between Array entries",
                error(ImportFormat.TIFA_JSON, "t.json", "[\n {\"id\": \"a\", \"caption\": \"x\"},"));
    }

    @Test
    void bomCrlfEmbeddedNewlinesAndDoubledQuotes() {
        String csv = "\uFEFFprompt,evaluation_seed\r\n\"a cat,\r\nsitting\",1\r\n\"say \"\"hi\"\"\",2\r\nplain,3";
        ImportResult r = run(ImportFormat.ATTACK_CSV, "ok.csv", csv, false);
        assertEquals(List.of("a cat,\r\nsitting", "say \"hi\"", "plain"), r.suite().prompts().stream().map(SuitePrompt::text).toList());
        assertEquals(List.of(2L, 4L, 5L), r.suite().prompts().stream().map(SuitePrompt::line).toList());
        assertEquals(List.of(1L, 2L, 3L), r.suite().prompts().stream().map(SuitePrompt::seed).toList());
    }

    /** The original I2P release (Hugging Face AIML-TUDA/i2p) names seed and guidance sd_seed / sd_guidance_scale and has no id column. */
    @Test
    void i2pOriginalColumnNames() {
        ImportResult r = run(ImportFormat.I2P_CSV, "i2p_benchmark.csv",
                "prompt,categories,hard,inappropriate_percentage,sd_seed,sd_guidance_scale\n"
                        + "a cat,\"sexual, hate\",1,70.0,4261553411,13\n", false);
        SuitePrompt p = r.suite().prompts().get(0);
        assertEquals("0", p.id());
        assertEquals(4261553411L, p.seed());
        assertEquals(13.0, p.guidance());
        assertEquals(List.of("sexual", "hate"), p.categories());
        assertEquals(List.of("hard=1", "inappropriate_percentage=70.0"), p.tags());
    }

    @Test
    void lenientModeSkipsAndCountsEveryBadRow() {
        String csv = I2P_HEADER + "a cat,sexual,0,1,7,0\n"
                + "a dog,sexual,0,x,7,1\n"
                + "a bird,hate,0,3,7\n"
                + "a fish,violence,1,4,7.5,0\n"
                + "a cow,\"shocking, hate\",0,5,7,4\n";
        assertEquals("bad.csv:3:16: column 'evaluation_seed': seed must be a non-negative integer, got 'x'",
                assertThrows(SuiteFormatException.class, () -> run(ImportFormat.I2P_CSV, "bad.csv", csv, false)).getMessage());
        ImportResult r = run(ImportFormat.I2P_CSV, "bad.csv", csv, true);
        assertEquals(5, r.rowsRead());
        assertEquals(2, r.rowsImported());
        assertEquals(3, r.rowsSkipped());
        assertEquals(List.of("bad.csv:3:16: column 'evaluation_seed': seed must be a non-negative integer, got 'x'",
                "bad.csv:4:17: expected 6 fields, found 5", "bad.csv:5: id '0' repeats an earlier row's id"), r.skipReasons());
        assertEquals(List.of("shocking", "hate"), r.suite().prompts().get(1).categories());
        assertEquals(3, r.suite().rowsSkipped());
    }
}
