package dev.lucid.suites;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Row accounting of one import: every data row read is either imported or skipped (lenient mode) with a reason;
 * in strict mode the first bad row ends the import with its file, line and reason. Imported prompts go straight to
 * the suite's file ({@link PromptTable.Writer}), so the heap holds only their index.
 */
final class ImportContext {
    final ImportRequest request;
    final ImportLimits limits;
    private final PromptTable.Writer prompts;
    private final List<String> reasons = new ArrayList<>();
    private long read;
    private long skipped;
    private long imported;
    private long repaired;
    private final Set<Long> repairedLines = new HashSet<>();

    /** An import writing its prompts to {@code file}. */
    ImportContext(ImportRequest request, ImportLimits limits, Path file) {
        this.request = request;
        this.limits = limits;
        try {
            this.prompts = new PromptTable.Writer(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the suite's prompts to " + file, e);
        }
    }

    String file() {
        return request.fileName();
    }

    /** Counts a data row; refuses files with more rows than the limit. */
    void rowRead(long line) {
        if (++read > limits.maxRows()) {
            throw new SuiteFormatException(file(), line, "more than " + limits.maxRows() + " rows");
        }
    }

    /** A malformed row: fails in strict mode, is counted and remembered in lenient mode. */
    void bad(long line, String reason) {
        bad(line, 0, reason);
    }

    /** A malformed row whose problem starts at a known column. */
    void bad(long line, long column, String reason) {
        SuiteFormatException e = new SuiteFormatException(file(), line, column, reason);
        if (!request.lenient()) {
            throw e;
        }
        skipped++;
        if (reasons.size() < limits.maxSkipReasons()) {
            reasons.add(e.getMessage());
        }
    }

    /**
     * A row imported with an unusable part left out: fails in strict mode; in lenient mode it is counted and its
     * reason (saying what was kept) is listed with the skip reasons.
     */
    void repaired(long line, String reason) {
        SuiteFormatException e = new SuiteFormatException(file(), line, reason);
        if (!request.lenient()) {
            throw e;
        }
        if (repairedLines.add(line)) {
            repaired++; // a row repaired twice counts once; each repair keeps its reason
        }
        if (reasons.size() < limits.maxSkipReasons()) {
            reasons.add(e.getMessage());
        }
    }

    /** A malformed row of a second file of the same import (lenient mode). */
    void badElsewhere(SuiteFormatException e) {
        skipped++;
        if (reasons.size() < limits.maxSkipReasons()) {
            reasons.add(e.getMessage());
        }
    }

    /**
     * Adds a well-formed row's prompt (false when refused); a repeated id is a malformed row. An empty prompt is
     * kept: benchmarks have them (I2P case 2260) and generate an unconditional image for them.
     */
    boolean add(SuitePrompt p) {
        if (!prompts.add(p)) {
            bad(p.line(), "id '" + p.id() + "' repeats an earlier row's id");
            return false;
        }
        imported++;
        return true;
    }

    /** Adds a second prompt of a row already counted (the normal prompt of a pair). */
    void addFromSameRow(SuitePrompt p) {
        if (!prompts.add(p)) {
            throw new IllegalStateException("id '" + p.id() + "' taken twice in one row");
        }
    }

    /** Counts a row that was imported into an existing prompt (a question joined to its prompt). */
    void joined() {
        imported++;
    }

    ImportResult finish(String source, String defaultLicense, String description) {
        if (read == 0) {
            throw new SuiteFormatException(file(), 0, "no data rows");
        }
        if (prompts.size() == 0) {
            throw new SuiteFormatException(file(), 0, "every one of the " + read + " rows was skipped; first: "
                    + (reasons.isEmpty() ? "?" : reasons.get(0)));
        }
        String license = request.license().isEmpty() ? defaultLicense : request.license();
        try {
            PromptTable table = prompts.finish();
            Suite s = new Suite(request.suiteId(), source, license, description, request.format().cliName(),
                    prompts.fingerprint(), table, read, skipped);
            return new ImportResult(s, read, imported, skipped, reasons, repaired);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the suite's prompts", e);
        }
    }

    /** Ends the import's file: deleted unless {@link #finish} handed it to the suite. */
    void close() {
        try {
            prompts.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
