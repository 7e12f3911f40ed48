package dev.lucid.suites;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The header columns that identify each named delimiter-separated format, so a file imports only under its own
 * format: an I2P file must have I2P's columns, and a CSV with just a {@code prompt} column is refused as
 * {@code coco30k} with the name of the format it does look like.
 */
final class FormatColumns {
    /**
     * One required column: any of {@code names}; {@code role} is the prompt role it fills (a column mapping for that
     * role replaces it), or empty for a column the format always has.
     */
    record Required(String role, List<String> names) {
    }

    /** Required columns per format name (formats not listed, attack and csv, take any header with a prompt). */
    static final Map<String, List<Required>> BY_FORMAT = Map.of(
            "i2p", List.of(new Required("prompt", List.of("prompt")), new Required("category", List.of("categories")),
                    new Required("", List.of("hard"))),
            "coco30k", List.of(new Required("prompt", List.of("prompt")), new Required("seed", List.of("evaluation_seed")),
                    new Required("", List.of("coco_id", "image_id"))),
            "partiprompts", List.of(new Required("prompt", List.of("Prompt")), new Required("category", List.of("Category")),
                    new Required("", List.of("Challenge"))));

    /** Formats tried, in order, to say what a refused header looks like. */
    private static final List<String> ORDER = List.of("i2p", "coco30k", "partiprompts");

    private FormatColumns() {
    }

    /** Refuses a header that lacks a column of {@code format}, naming the missing columns and the format it looks like. */
    static void check(String file, long line, String format, List<String> header, Map<String, String> mapping) {
        List<Required> required = BY_FORMAT.get(format);
        if (required == null) {
            return;
        }
        List<String> missing = missing(required, header, mapping);
        if (missing.isEmpty()) {
            return;
        }
        throw new SuiteFormatException(file, line, "the header is not that of format " + format + ": missing column" + (missing.size() > 1 ? "s " : " ")
                + String.join(", ", missing) + " (header: " + String.join(", ", header) + "); " + looksLike(format, header));
    }

    private static List<String> missing(List<Required> required, List<String> header, Map<String, String> mapping) {
        List<String> missing = new ArrayList<>();
        for (Required r : required) {
            if (!r.role().isEmpty() && mapping.containsKey(r.role())) {
                continue;
            }
            if (r.names().stream().noneMatch(header::contains)) {
                missing.add("'" + String.join("' or '", r.names()) + "'");
            }
        }
        return missing;
    }

    /** What a header that is not {@code format}'s looks like, as advice. */
    static String looksLike(String format, List<String> header) {
        for (String other : ORDER) {
            if (!other.equals(format) && missing(BY_FORMAT.get(other), header, Map.of()).isEmpty()) {
                return "its columns are those of " + other + " (--format " + other + ")";
            }
        }
        if (header.contains("prompt")) {
            return "it looks like an attack or generic prompt list (--format attack, or --format csv with a column mapping)";
        }
        return "it matches no named format (--format csv with a column mapping names its columns)";
    }
}
