package dev.lucid.suites;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An imported prompt suite.
 *
 * @param fingerprint sha-256 (hex) of the prompts' canonical encoding ({@link SuiteCodec}); independent of the suite id
 * @param rowsRead    data rows the importer read
 * @param rowsSkipped rows skipped in lenient mode
 */
public record Suite(String id, String source, String license, String description, String format, String fingerprint,
                    List<SuitePrompt> prompts, long rowsRead, long rowsSkipped) {
    public Suite {
        prompts = List.copyOf(prompts);
    }

    /** Prompts per stratum (unset stratum counted as ""), sorted by name. */
    public Map<String, Long> countsByStratum() {
        Map<String, Long> m = new TreeMap<>();
        prompts.forEach(p -> m.merge(p.stratum(), 1L, Long::sum));
        return m;
    }

    /** Prompts per category, sorted by name; a prompt with several categories counts once in each. */
    public Map<String, Long> countsByCategory() {
        Map<String, Long> m = new TreeMap<>();
        prompts.forEach(p -> p.categories().forEach(c -> m.merge(c, 1L, Long::sum)));
        return m;
    }
}
