package dev.lucid.suites;

import java.util.Map;
import java.util.Set;

/**
 * What to import and how.
 *
 * @param suiteId        id of the new suite
 * @param format         file format
 * @param fileName       the file's name (for messages; T2I-CompBench takes its category from it)
 * @param defaultStratum stratum of rows that do not give one (may be empty)
 * @param columnMapping  for generic formats, and to override a known format's columns: role -> column
 *                       (roles: prompt, id, category, seed, guidance, stratum; pair: the normal prompt of a pairs file)
 * @param lenient        skip and count malformed rows instead of failing
 * @param license        license note to record; empty takes the format's default note
 */
public record ImportRequest(String suiteId, ImportFormat format, String fileName, String defaultStratum,
                            Map<String, String> columnMapping, boolean lenient, String license) {
    /**
     * A suite id: 1-64 of a-z, 0-9, '.', '_', '-' (starting with a letter or digit) without '__', optionally after
     * {@code TENANT__}, the space of a tenant's suites (tenant names are a-z, 0-9 and '-').
     */
    public static boolean validSuiteId(String id) {
        if (id == null) {
            return false;
        }
        int sep = id.indexOf("__");
        String plain = id;
        if (sep >= 0) {
            if (!id.substring(0, sep).matches("[a-z0-9][a-z0-9-]{0,62}")) {
                return false;
            }
            plain = id.substring(sep + 2);
        }
        return plain.matches("[a-z0-9][a-z0-9._-]{0,63}") && !plain.contains("__");
    }

    /** Roles a column mapping may name. */
    public static final Set<String> ROLES = Set.of("prompt", "id", "category", "seed", "guidance", "stratum", "pair");

    public ImportRequest {
        if (!validSuiteId(suiteId)) {
            throw new IllegalArgumentException("suite_id: 1-64 lower-case letters, digits, '.', '_', '-' without '__' "
                    + "(TENANT__ID names a tenant's suite), got '" + suiteId + "'");
        }
        if (format == null) {
            throw new IllegalArgumentException("format: required");
        }
        if (fileName == null || fileName.isBlank() || fileName.length() > 255) {
            throw new IllegalArgumentException("file_name: required, at most 255 characters");
        }
        Strata.check(defaultStratum, "default_stratum");
        columnMapping = Map.copyOf(columnMapping);
        for (Map.Entry<String, String> e : columnMapping.entrySet()) {
            if (!ROLES.contains(e.getKey())) {
                throw new IllegalArgumentException("column_mapping: unknown role '" + e.getKey() + "' (prompt, id, category, seed, guidance, stratum, pair)");
            }
            if (e.getValue().isEmpty() || e.getValue().length() > 200) {
                throw new IllegalArgumentException("column_mapping." + e.getKey() + ": column name of 1-200 characters required");
            }
        }
        if ((format == ImportFormat.GENERIC_CSV || format == ImportFormat.GENERIC_JSONL) && !columnMapping.containsKey("prompt")) {
            throw new IllegalArgumentException("column_mapping.prompt: required for format " + format.cliName());
        }
        if (format == ImportFormat.PAIRS_CSV && (defaultStratum.startsWith("benign"))) {
            throw new IllegalArgumentException("default_stratum: a pairs file's sensitive prompts are unsafe or adversarial, got '"
                    + defaultStratum + "' (its normal prompts are always benign-near-concept)");
        }
        if (license == null || license.length() > 1000) {
            throw new IllegalArgumentException("license: at most 1000 characters");
        }
    }

    /** A request without mapping, in strict mode, with the format's license note. */
    public static ImportRequest of(String suiteId, ImportFormat format, String fileName, String defaultStratum) {
        return new ImportRequest(suiteId, format, fileName, defaultStratum, Map.of(), false, "");
    }

    /** The same request in lenient mode. */
    public ImportRequest lenientMode() {
        return new ImportRequest(suiteId, format, fileName, defaultStratum, columnMapping, true, license);
    }

    /** The same request with a column mapping. */
    public ImportRequest withMapping(Map<String, String> mapping) {
        return new ImportRequest(suiteId, format, fileName, defaultStratum, mapping, lenient, license);
    }
}
