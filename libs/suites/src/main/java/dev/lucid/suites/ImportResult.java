package dev.lucid.suites;

import java.util.List;

/**
 * The outcome of an import: nothing is dropped silently, so {@code rowsRead == rowsImported + rowsSkipped}.
 *
 * @param skipReasons the first skip reasons ({@code file:line: reason}), bounded by {@link ImportLimits#maxSkipReasons()}
 */
public record ImportResult(Suite suite, long rowsRead, long rowsImported, long rowsSkipped, List<String> skipReasons) {
    public ImportResult {
        skipReasons = List.copyOf(skipReasons);
    }
}
