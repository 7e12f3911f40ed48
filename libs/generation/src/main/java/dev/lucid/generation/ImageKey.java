package dev.lucid.generation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Content addresses of images: sha256 over the model fingerprint, prompt, seed and canonical settings,
 * each length-prefixed so no two different inputs share an encoding. The same inputs always give the
 * same key, on every replica, which is what lets every image be generated once.
 */
public final class ImageKey {
    private ImageKey() {
    }

    public static String of(String modelFingerprint, String prompt, long seed, GenerationSettings settings) {
        return "img-" + sha256("lucid.image.v1", modelFingerprint, prompt, Long.toString(seed), settings.canonical());
    }

    /** sha256 hex of length-prefixed UTF-8 parts. */
    public static String sha256(String... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String p : parts) {
                byte[] b = p.getBytes(StandardCharsets.UTF_8);
                md.update(Integer.toString(b.length).getBytes(StandardCharsets.US_ASCII));
                md.update((byte) ':');
                md.update(b);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
