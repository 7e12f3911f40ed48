package dev.lucid.suites;

/**
 * Size bounds of an import, so a hostile or broken file fails with a clear error instead of exhausting memory.
 *
 * @param maxFieldChars   longest CSV/TSV field or text line
 * @param maxFields       most fields in one CSV/TSV record
 * @param maxRecordChars  longest JSON record (one JSONL line or one item of a JSON list)
 * @param maxRows         most data rows in one file
 * @param maxSkipReasons  skip reasons kept for the summary (all skips are counted)
 */
public record ImportLimits(int maxFieldChars, int maxFields, int maxRecordChars, int maxRows, int maxSkipReasons) {
    /** 64 Ki characters per field (the longest real prompt, in I2P, has 1,093), 256 fields, 1 Mi characters per JSON record, 1 M rows. */
    public static final ImportLimits DEFAULT = new ImportLimits(65_536, 256, 1 << 20, 1_000_000, 20);

    public ImportLimits {
        if (maxFieldChars < 1 || maxFields < 1 || maxRecordChars < 1 || maxRows < 1 || maxSkipReasons < 0) {
            throw new IllegalArgumentException("import limits must be positive");
        }
    }
}
