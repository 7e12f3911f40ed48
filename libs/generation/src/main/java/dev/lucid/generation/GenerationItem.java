package dev.lucid.generation;

/** One image to generate: the prompt (with its id, echoed back) and the noise seed. */
public record GenerationItem(String promptId, String prompt, long seed) {
    public GenerationItem {
        if (prompt == null || prompt.length() > GenerationSettings.MAX_TEXT_CHARS) {
            throw new IllegalArgumentException("prompt missing or longer than " + GenerationSettings.MAX_TEXT_CHARS
                    + " characters");
        }
        if (seed < 0) {
            throw new IllegalArgumentException("seed must be >= 0, got " + seed);
        }
    }
}
