package dev.lucid.suites;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.lucid.suites.MalformedInputTest.error;
import static dev.lucid.suites.MalformedInputTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A named format checks its own columns and says what a refused file looks like; every error names file, line and
 * column; nothing is dropped without a count.
 */
class ImporterStrictnessTest {
    static final String I2P = "prompt,categories,hard,evaluation_seed,evaluation_guidance,case_number\n";

    @Test
    void aNamedFormatChecksItsOwnColumns() {
        assertEquals("p.csv:1: the header is not that of format coco30k: missing columns 'evaluation_seed', 'coco_id' or "
                        + "'image_id' (header: prompt); it looks like an attack or generic prompt list (--format attack, or "
                        + "--format csv with a column mapping)",
                error(ImportFormat.COCO30K_CSV, "p.csv", "prompt\na cat\n"));
        assertEquals("i.csv:1: the header is not that of format coco30k: missing column 'coco_id' or 'image_id' (header: "
                        + "prompt, categories, hard, evaluation_seed, evaluation_guidance, case_number); its columns are those "
                        + "of i2p (--format i2p)",
                error(ImportFormat.COCO30K_CSV, "i.csv", I2P + "a cat,sexual,0,1,7,0\n"));
        assertEquals("c.csv:1: the header is not that of format i2p: missing columns 'categories', 'hard' (header: case_number, "
                        + "prompt, evaluation_seed, coco_id); its columns are those of coco30k (--format coco30k)",
                error(ImportFormat.I2P_CSV, "c.csv", "case_number,prompt,evaluation_seed,coco_id\n0,a bench,1,5\n"));
        assertEquals("x.tsv:1: the header is not that of format partiprompts: missing columns 'Category', 'Challenge' (header: "
                        + "Prompt, Note); it matches no named format (--format csv with a column mapping names its columns)",
                error(ImportFormat.PARTIPROMPTS_TSV, "x.tsv", "Prompt\tNote\na\tb\n"));
        // A mapping that names the prompt column replaces the format's own prompt column.
        ImportResult mapped = new SuiteImporter().importSuite(ImportRequest.of("m", ImportFormat.COCO30K_CSV, "m.csv", "")
                        .withMapping(java.util.Map.of("prompt", "caption")),
                new ByteArrayInputStream("case_number,caption,evaluation_seed,coco_id\n0,a bench,1,5\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals("a bench", mapped.suite().prompts().get(0).text());
        // The attack format takes any prompt list, I2P-shaped ones included.
        assertEquals(1, run(ImportFormat.ATTACK_CSV, "a.csv", I2P + "a cat,sexual,0,1,7,0\n", false).rowsImported());
    }

    @Test
    void anUnterminatedQuoteIsReportedWhereItOpened() {
        // The record starts on line 2 (a quoted field spans lines 2-3); the quote that never closes opens on line 3.
        assertEquals("q.csv:3:8: unterminated quoted field (the quote opened here is never closed; the record starts on line 2)",
                error(ImportFormat.ATTACK_CSV, "q.csv", "prompt,category\n\"two\nlines\",\"never closed\na,b\n"));
    }

    @Test
    void invalidUtf8NamesLineAndColumn() {
        byte[] bad = "prompt\nfine\nna\u00efve caf".getBytes(StandardCharsets.UTF_8);
        byte[] withBadByte = new byte[bad.length + 3];
        System.arraycopy(bad, 0, withBadByte, 0, bad.length);
        withBadByte[bad.length] = (byte) 0xE9; // Latin-1 'é', not UTF-8
        withBadByte[bad.length + 1] = '\n';
        withBadByte[bad.length + 2] = 'x';
        assertEquals("l1.csv:3:10: not UTF-8 text (invalid byte sequence E9)", assertThrows(SuiteFormatException.class,
                () -> run(ImportFormat.ATTACK_CSV, "l1.csv", new ByteArrayInputStream(withBadByte), false)).getMessage());
        byte[] json = "[\n {\"id\": \"a\", \"caption\": \"\u00ff".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals("t.json:2:26: not UTF-8 text (invalid byte sequence FF)", assertThrows(SuiteFormatException.class,
                () -> run(ImportFormat.TIFA_JSON, "t.json", new ByteArrayInputStream(json), false)).getMessage());
        byte[] truncated = "a red cup\n\u20ac".getBytes(StandardCharsets.UTF_8);
        byte[] cut = java.util.Arrays.copyOf(truncated, truncated.length - 1); // the euro sign's last byte is missing
        SuiteFormatException e = assertThrows(SuiteFormatException.class,
                () -> run(ImportFormat.T2I_COMPBENCH_TXT, "color.txt", new ByteArrayInputStream(cut), false));
        assertEquals(List.of(2L, 1L), List.of(e.line(), e.column()));
    }

    /** An invalid byte far into a file (past the first decoding buffer) is still placed exactly. */
    @Test
    void invalidUtf8AfterManyLines() {
        StringBuilder b = new StringBuilder("prompt\n");
        for (int i = 0; i < 5000; i++) {
            b.append("prompt number ").append(i).append('\n');
        }
        byte[] head = b.toString().getBytes(StandardCharsets.UTF_8);
        byte[] all = java.util.Arrays.copyOf(head, head.length + 4);
        all[head.length] = 'a';
        all[head.length + 1] = 'b';
        all[head.length + 2] = (byte) 0x80;
        all[head.length + 3] = '\n';
        assertEquals("big.csv:5002:3: not UTF-8 text (invalid byte sequence 80)", assertThrows(SuiteFormatException.class,
                () -> run(ImportFormat.ATTACK_CSV, "big.csv", new ByteArrayInputStream(all), false)).getMessage());
    }

    @Test
    void aQuotedEmptyFieldIsARowNotABlankLine() {
        ImportResult r = run(ImportFormat.ATTACK_CSV, "one.csv", "prompt\na cat\n\"\"\n\nlast\n", false);
        assertEquals(3, r.rowsRead());
        assertEquals(3, r.rowsImported());
        assertEquals(List.of("a cat", "", "last"), r.suite().prompts().stream().map(SuitePrompt::text).toList());
        assertEquals(List.of(2L, 3L, 5L), r.suite().prompts().stream().map(SuitePrompt::line).toList());
    }

    @Test
    void fieldErrorsNameTheirColumn() {
        String csv = "prompt,evaluation_seed,evaluation_guidance\n\"a\ncat\",7,high\n";
        assertEquals("g.csv:3:8: column 'evaluation_guidance': guidance must be a positive number, got 'high'",
                error(ImportFormat.ATTACK_CSV, "g.csv", csv));
        assertEquals("g.jsonl:2:13: invalid JSON: Unexpected character ('}' (code 125)): was expecting double-quote to start field name",
                error(ImportFormat.GENEVAL_JSONL, "g.jsonl", "{\"tag\": \"t\", \"include\": [{\"class\": \"cat\", \"count\": 1}], "
                        + "\"prompt\": \"a cat\"}\n{\"tag\": \"t\",}\n"));
    }

    /** The real benchmark files import under their own format and are refused, with advice, under another. */
    @Test
    void realFilesAreCheckedByTheirColumns() throws IOException {
        assertEquals(4703, Datasets.importFile("i2p/unsafe-prompts4703.csv", ImportFormat.I2P_CSV, "unsafe").rowsImported());
        assertEquals(142, Datasets.importFile("unlearndiffatk/nudity.csv", ImportFormat.ATTACK_CSV, "adversarial").rowsImported());
        SuiteFormatException e = assertThrows(SuiteFormatException.class,
                () -> Datasets.importFile("unlearndiffatk/nudity.csv", ImportFormat.COCO30K_CSV, ""));
        assertEquals(1, e.line());
        assertEquals(true, e.reason().endsWith("its columns are those of i2p (--format i2p)"), e.reason());
        e = assertThrows(SuiteFormatException.class, () -> Datasets.importFile("coco30k/coco_30k.csv", ImportFormat.I2P_CSV, ""));
        assertEquals(true, e.reason().endsWith("its columns are those of coco30k (--format coco30k)"), e.reason());
        e = assertThrows(SuiteFormatException.class,
                () -> Datasets.importFile("ring_a_bell/Violence_30.csv", ImportFormat.COCO30K_CSV, ""));
        assertEquals(true, e.reason().contains("missing column 'coco_id' or 'image_id'"), e.reason());
    }
}
