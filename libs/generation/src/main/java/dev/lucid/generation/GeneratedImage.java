package dev.lucid.generation;

/**
 * A generated image.
 *
 * @param promptId id of the prompt it was made for
 * @param seed     noise seed
 * @param key      content address: hash of model fingerprint, prompt, seed and canonical settings
 * @param sha256   hash of the PNG bytes
 * @param png      deterministic PNG encoding
 */
public record GeneratedImage(String promptId, long seed, String key, String sha256, byte[] png, int width, int height) {
}
