package dev.lucid.suites;

import java.util.List;
import java.util.Map;

/**
 * An imported prompt suite; its prompts stay on disk ({@link PromptTable}).
 *
 * @param fingerprint sha-256 (hex) of the prompts' canonical encoding ({@link SuiteCodec}); independent of the suite id
 * @param rowsRead    data rows the importer read
 * @param rowsSkipped rows skipped in lenient mode
 */
public record Suite(String id, String source, String license, String description, String format, String fingerprint,
                    PromptTable prompts, long rowsRead, long rowsSkipped) {
    /** A suite of prompts given in memory (written to a temporary file); the fingerprint is computed. */
    public static Suite of(String id, String source, String license, String description, String format,
                           List<SuitePrompt> prompts, long rowsRead, long rowsSkipped) {
        return new Suite(id, source, license, description, format, SuiteCodec.fingerprint(prompts), PromptTable.of(prompts),
                rowsRead, rowsSkipped);
    }

    /** Prompts per stratum (unset stratum counted as ""), sorted by name. */
    public Map<String, Long> countsByStratum() {
        return prompts.countsByStratum();
    }

    /** Prompts per category, sorted by name; a prompt with several categories counts once in each. */
    public Map<String, Long> countsByCategory() {
        return prompts.countsByCategory();
    }
}
