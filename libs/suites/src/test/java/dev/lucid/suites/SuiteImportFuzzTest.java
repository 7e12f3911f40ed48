package dev.lucid.suites;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes every suite importer. The first byte picks the format (and lenient mode), the rest is the file. An
 * import either succeeds with every row accounted for (read = imported + skipped) or is refused with a
 * {@link SuiteFormatException} whose message starts with the file name; anything else is a finding.
 */
class SuiteImportFuzzTest {
    private static final ImportFormat[] FORMATS = ImportFormat.values();

    @FuzzTest
    void importFile(byte[] data) {
        if (data.length == 0) {
            return;
        }
        ImportFormat format = FORMATS[(data[0] & 0x7f) % FORMATS.length];
        boolean lenient = (data[0] & 0x80) != 0;
        String file = format == ImportFormat.T2I_COMPBENCH_TXT ? "color_val.txt" : "f." + format.cliName();
        ImportRequest request = new ImportRequest("fuzz", format, file, "", mapping(format), lenient, "");
        ImportResult r;
        try {
            r = new SuiteImporter(new ImportLimits(4096, 64, 16_384, 10_000, 5))
                    .importSuite(request, new ByteArrayInputStream(Arrays.copyOfRange(data, 1, data.length)));
        } catch (SuiteFormatException e) {
            assertTrue(e.getMessage().startsWith(file + ":"), e.getMessage());
            return;
        }
        try {
            assertEquals(r.rowsRead(), r.rowsImported() + r.rowsSkipped(), "every row read is imported or skipped");
            assertTrue(lenient || r.rowsSkipped() == 0, "strict mode skips nothing");
            assertEquals(SuiteCodec.fingerprint(r.suite().prompts()), r.suite().fingerprint(),
                    "the prompts read back from the suite's file hash to its fingerprint");
        } finally {
            r.suite().prompts().discard(); // millions of inputs in a fuzzing run: no file left behind
        }
    }

    private static Map<String, String> mapping(ImportFormat format) {
        return switch (format) {
            case GENERIC_CSV, GENERIC_JSONL -> Map.of("prompt", "text", "id", "id", "seed", "seed", "stratum", "stratum");
            default -> Map.of();
        };
    }
}
