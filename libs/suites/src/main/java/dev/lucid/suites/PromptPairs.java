package dev.lucid.suites;

import java.util.ArrayList;
import java.util.List;

/**
 * Prompt pairs (Ring-A-Bell's {@code sensitive prompt, normal prompt} rows). A row with id {@code R} becomes two
 * prompts: {@code R/sensitive} (the request's stratum, unsafe by default) and {@code R/normal} (benign-near-concept:
 * benign, and near the concept by construction), both tagged {@code pair=R} and {@code pair_role=sensitive|normal},
 * with the row's seed, guidance, category and other columns. The sampler takes a pair's prompts only together.
 */
final class PromptPairs {
    /** Tag that names a prompt's pair. */
    static final String TAG = "pair=";
    /** Stratum of every normal prompt. */
    static final String NORMAL_STRATUM = "benign-near-concept";

    private PromptPairs() {
    }

    /** Adds a row's sensitive prompt (already parsed) and its normal prompt; a refused row adds neither. */
    static void add(ImportContext ctx, SuitePrompt row, String normalText) {
        String stratum = row.stratum().isEmpty() ? "unsafe" : row.stratum();
        SuitePrompt sensitive = new SuitePrompt(row.id() + "/sensitive", row.text(), stratum, row.categories(),
                tags(row, "sensitive"), List.of(), row.seed(), row.guidance(), row.line());
        if (ctx.add(sensitive)) {
            ctx.addFromSameRow(new SuitePrompt(row.id() + "/normal", normalText, NORMAL_STRATUM, row.categories(),
                    tags(row, "normal"), List.of(), row.seed(), row.guidance(), row.line()));
        }
    }

    private static List<String> tags(SuitePrompt row, String role) {
        List<String> t = new ArrayList<>(row.tags());
        t.add(TAG + row.id());
        t.add("pair_role=" + role);
        return t;
    }

    /** The pair id of a prompt, or empty when it has none. */
    static String pairOf(SuitePrompt p) {
        for (String t : p.tags()) {
            if (t.startsWith(TAG)) {
                return t.substring(TAG.length());
            }
        }
        return "";
    }
}
