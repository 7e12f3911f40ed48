package dev.lucid.runtime;

/**
 * A model directory as the repository index shows it.
 *
 * @param name    model name (the directory name)
 * @param version served version, or empty when none could be loaded
 * @param state   load state
 * @param reason  why the model is unavailable; empty when ready
 */
public record ModelEntry(String name, String version, ModelState state, String reason) {
}
