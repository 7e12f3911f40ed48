package dev.lucid.suites;

import java.util.List;

/**
 * The outcome of an import: nothing is dropped silently, so {@code rowsRead == rowsImported + rowsSkipped}.
 *
 * @param skipReasons  the first skip reasons ({@code file:line: reason}), bounded by {@link ImportLimits#maxSkipReasons()};
 *                     rows imported with a repair are listed too, their reason saying what was kept
 * @param rowsRepaired imported rows of which a part was unusable and left out (e.g. a DSG dependency that is not a
 *                     list of proposition ids); counted among the imported
 */
public record ImportResult(Suite suite, long rowsRead, long rowsImported, long rowsSkipped, List<String> skipReasons,
                           long rowsRepaired) {
    public ImportResult {
        skipReasons = List.copyOf(skipReasons);
    }

    /** An import without repaired rows. */
    public ImportResult(Suite suite, long rowsRead, long rowsImported, long rowsSkipped, List<String> skipReasons) {
        this(suite, rowsRead, rowsImported, rowsSkipped, skipReasons, 0);
    }
}
