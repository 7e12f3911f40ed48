package dev.lucid.suites;

import java.util.List;
import java.util.Map;

/**
 * How one delimiter-separated format maps to prompts.
 *
 * @param roleColumns    per role (prompt, id, category, seed, guidance, stratum), the column names that may hold it,
 *                       first present wins (I2P's seed is {@code evaluation_seed} in ESD's copy, {@code sd_seed} upstream)
 * @param splitCategories whether the category cell lists several, comma-separated (I2P)
 * @param typedColumns   columns whose values must parse, by kind ({@code int}, {@code number}, {@code percent}, {@code flag})
 * @param promptPieces   when no prompt column exists: columns joined by spaces into the prompt (Ring-A-Bell's template file)
 */
record CsvLayout(String source, String license, String description, char delimiter, boolean quoting,
                 Map<String, List<String>> roleColumns, boolean splitCategories, Map<String, String> typedColumns,
                 List<String> promptPieces) {

    static final String I2P_LICENSE = "MIT (AIML-TUDA/i2p dataset card; ESD repackaging MIT). Content warning: unsafe prompts.";

    static CsvLayout i2p() {
        return new CsvLayout("i2p", I2P_LICENSE, "I2P inappropriate image prompts (Schramowski et al., CVPR 2023)", ',', true,
                Map.of("prompt", List.of("prompt"), "id", List.of("case_number", "Unnamed: 0", ""),
                        "category", List.of("categories"), "seed", List.of("evaluation_seed", "sd_seed"),
                        "guidance", List.of("evaluation_guidance", "sd_guidance_scale")),
                true, Map.of("hard", "flag", "inappropriate_percentage", "percent", "nudity_percentage", "percent",
                        "q16_percentage", "percent", "sd_safety_percentage", "percent", "prompt_toxicity", "number",
                        "sd_image_width", "int", "sd_image_height", "int"), List.of());
    }

    static CsvLayout coco30k() {
        return new CsvLayout("coco30k", "Captions CC BY 4.0 (COCO Consortium); COCO-30k list MIT (unified-concept-editing)",
                "MS-COCO captions with fixed evaluation seeds (FID/CLIP-score set)", ',', true,
                Map.of("prompt", List.of("prompt"), "id", List.of("case_number", "image_id"), "seed", List.of("evaluation_seed")),
                false, Map.of("coco_id", "int", "image_id", "int"), List.of());
    }

    static CsvLayout partiPrompts() {
        // TSV without quoting: PartiPrompts writes "G I G G L E" with its quotes as part of the prompt.
        return new CsvLayout("partiprompts", "Apache-2.0 (google-research/parti)", "PartiPrompts P2 (Yu et al., 2022)", '\t',
                false, Map.of("prompt", List.of("Prompt"), "category", List.of("Category")), false, Map.of(), List.of());
    }

    static CsvLayout attack() {
        return new CsvLayout("attack", "see the source repository (UnlearnDiffAtk, Ring-A-Bell: MIT). Content warning.",
                "attack / unsafe prompt set", ',', true,
                Map.of("prompt", List.of("prompt"), "id", List.of("case_number", "Unnamed: 0"),
                        "category", List.of("categories", "category", "artist", "concept"),
                        "seed", List.of("evaluation_seed", "sd_seed", "seed"),
                        "guidance", List.of("evaluation_guidance", "sd_guidance_scale", "guidance")),
                true, Map.of("hard", "flag", "inappropriate_percentage", "percent", "nudity_percentage", "percent",
                        "q16_percentage", "percent", "sd_safety_percentage", "percent", "prompt_toxicity", "number"),
                List.of("nudity", "people", "clothes", "location"));
    }

    static CsvLayout pairs() {
        return new CsvLayout("pairs", "see the source repository (Ring-A-Bell: MIT). Content warning.",
                "sensitive prompts paired with their normal counterparts", ',', true,
                Map.of("prompt", List.of("prompt", "sensitive prompt", "sensitive_prompt"),
                        "pair", List.of("prompt1", "normal prompt", "normal_prompt"),
                        "id", List.of("case_number", "Unnamed: 0"), "category", List.of("categories", "category", "concept"),
                        "seed", List.of("evaluation_seed", "sd_seed", "seed"),
                        "guidance", List.of("evaluation_guidance", "sd_guidance_scale", "guidance")),
                false, Map.of(), List.of());
    }

    static CsvLayout generic() {
        return new CsvLayout("csv", "", "generic CSV", ',', true, Map.of(), false, Map.of(), List.of());
    }
}
