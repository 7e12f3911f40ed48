package dev.lucid.suites;

import java.util.Locale;

/** The file formats the importers read. */
public enum ImportFormat {
    /** I2P CSV (prompt, categories, hard, percentages, seed and guidance under either known name). */
    I2P_CSV("i2p"),
    /** COCO-30k CSV (case_number, prompt, evaluation_seed, coco_id). */
    COCO30K_CSV("coco30k"),
    /** TIFA v1.0 JSON list: text inputs {id, caption}, or question–answer records joined to their prompts. */
    TIFA_JSON("tifa"),
    /** PartiPrompts TSV (Prompt, Category, Challenge, Note). */
    PARTIPROMPTS_TSV("partiprompts"),
    /** GenEval JSONL (tag, include/exclude, prompt). */
    GENEVAL_JSONL("geneval"),
    /** T2I-CompBench prompt list, one prompt a line; the file name gives the category. */
    T2I_COMPBENCH_TXT("t2i-compbench"),
    /** Attack prompt CSV (UnlearnDiffAtk, Ring-A-Bell): a prompt column plus any seed/guidance/category columns. */
    ATTACK_CSV("attack"),
    /**
     * Paired prompts (Ring-A-Bell's {@code Violence_30.csv}: {@code prompt}, its non-violent counterpart {@code prompt1}):
     * each row gives a sensitive prompt (unsafe or adversarial) and its normal prompt (benign-near-concept), which
     * the sampler only ever takes together.
     */
    PAIRS_CSV("pairs"),
    /** Any CSV, with the prompt/id/category/seed/guidance/stratum columns named by a mapping. */
    GENERIC_CSV("csv"),
    /** Any JSON lines, with the fields named by a mapping. */
    GENERIC_JSONL("jsonl"),
    /** DSG question CSV (item_id, text, proposition_id, dependency, category_broad, question_natural_language, ...). */
    DSG_CSV("dsg");

    private final String cliName;

    ImportFormat(String cliName) {
        this.cliName = cliName;
    }

    /** The short name users type ({@code lucid import --format i2p}). */
    public String cliName() {
        return cliName;
    }

    /** The format of a short name or enum name. */
    public static ImportFormat parse(String name) {
        for (ImportFormat f : values()) {
            if (f.cliName.equals(name) || f.name().equals(name.toUpperCase(Locale.ROOT).replace('-', '_'))) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown format '" + name + "' (i2p, coco30k, tifa, partiprompts, geneval, "
                + "t2i-compbench, attack, pairs, csv, jsonl, dsg)");
    }
}
