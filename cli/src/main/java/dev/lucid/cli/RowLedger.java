package dev.lucid.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Rows set aside or repaired while reading input files: all counted by reason, the first few kept with their line. */
final class RowLedger {
    /** One recorded row. */
    record Entry(String file, long line, String reason) {
    }

    /** Rows kept with their line number. */
    static final int KEPT = 10;

    private final Map<String, Integer> reasons = new LinkedHashMap<>();
    private final List<Entry> first = new ArrayList<>();
    private int count;

    /** Records one row of {@code file} at {@code line} for {@code reason}. */
    void add(String file, long line, String reason) {
        count++;
        reasons.merge(reason, 1, Integer::sum);
        if (first.size() < KEPT) {
            first.add(new Entry(file, line, reason));
        }
    }

    int count() {
        return count;
    }

    Map<String, Integer> reasons() {
        return reasons;
    }

    List<Entry> first() {
        return first;
    }
}
