package dev.lucid.evaluation;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Content-addressed results in Redis: images by image key and scores by (image key, scorer
 * fingerprint). Writes are set-if-absent, so replicas racing on the same key store it once and
 * a re-run reads it back. Images above a size limit go to a blob directory, named by their sha256,
 * with only the reference kept in Redis.
 */
public final class ContentStore {
    /** Images up to this size are stored in Redis itself. */
    public static final int INLINE_LIMIT = 256 * 1024;
    private static final String BLOB_PREFIX = "blob:";
    private static final RedisScript PUT_CREDITED = RedisScript.load("put_credited");

    private final UnifiedJedis redis;
    private final String prefix;
    private final Path blobDir;

    /**
     * @param prefix  key namespace (e.g. "lucid:")
     * @param blobDir directory for large images
     */
    public ContentStore(UnifiedJedis redis, String prefix, Path blobDir) {
        this.redis = redis;
        this.prefix = prefix;
        this.blobDir = blobDir;
    }

    private byte[] imageKey(String key) {
        return (prefix + "img:" + checkKey(key)).getBytes(StandardCharsets.UTF_8);
    }

    private String scoreKey(String imageKey, String scorerFingerprint) {
        return prefix + "score:" + checkKey(imageKey) + ":" + checkKey(scorerFingerprint);
    }

    private static String checkKey(String k) {
        if (k == null || !k.matches("[A-Za-z0-9._-]{1,200}")) {
            throw new IllegalArgumentException("invalid content key '" + k + "'");
        }
        return k;
    }

    /**
     * Who made a piece of content: when a put stores it, {@code item} is written under the content's key in the
     * hash {@code hashKey} (first writer wins), so progress can count it as computed for that item and as
     * cached for every other.
     */
    public record Credit(String hashKey, String item) {
    }

    /** Stores an image under its key unless one is there; returns whether this call stored it. */
    public boolean putImage(String key, byte[] png) {
        return putImage(key, png, null);
    }

    /** As {@link #putImage(String, byte[])}, crediting {@code credit} (may be null) when this call stored it. */
    public boolean putImage(String key, byte[] png, Credit credit) {
        byte[] value = png;
        if (png.length > INLINE_LIMIT) {
            String sha = sha256(png);
            Path file = blobDir.resolve(sha + ".png");
            try {
                Files.createDirectories(blobDir);
                if (!Files.exists(file)) {
                    Path tmp = Files.createTempFile(blobDir, sha, ".tmp");
                    Files.write(tmp, png);
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write blob " + file, e);
            }
            value = (BLOB_PREFIX + sha).getBytes(StandardCharsets.UTF_8);
        }
        return put(imageKey(key), value, credit);
    }

    private boolean put(byte[] key, byte[] value, Credit credit) {
        if (credit == null) {
            return "OK".equals(redis.set(key, value, SetParams.setParams().nx()));
        }
        Object stored = PUT_CREDITED.runBinary(redis, List.of(key, credit.hashKey().getBytes(StandardCharsets.UTF_8)),
                List.of(value, key, credit.item().getBytes(StandardCharsets.UTF_8)));
        return Long.valueOf(1).equals(stored);
    }

    /** The image stored under a key. */
    public Optional<byte[]> getImage(String key) {
        byte[] v = redis.get(imageKey(key));
        if (v == null) {
            return Optional.empty();
        }
        String head = new String(v, 0, Math.min(v.length, BLOB_PREFIX.length()), StandardCharsets.ISO_8859_1);
        if (head.equals(BLOB_PREFIX)) {
            String sha = new String(v, StandardCharsets.UTF_8).substring(BLOB_PREFIX.length());
            try {
                byte[] png = Files.readAllBytes(blobDir.resolve(checkKey(sha) + ".png"));
                if (!sha256(png).equals(sha)) {
                    throw new IllegalStateException("blob " + sha + " is corrupt");
                }
                return Optional.of(png);
            } catch (IOException e) {
                throw new UncheckedIOException("blob " + sha + " missing from " + blobDir, e);
            }
        }
        return Optional.of(v);
    }

    /** Whether an image is stored. */
    public boolean hasImage(String key) {
        return redis.exists(imageKey(key));
    }

    /** Stores a score (JSON) unless one is there; returns whether this call stored it. */
    public boolean putScore(String imageKey, String scorerFingerprint, String json) {
        return putScore(imageKey, scorerFingerprint, json, null);
    }

    /** As {@link #putScore(String, String, String)}, crediting {@code credit} (may be null) when this call stored it. */
    public boolean putScore(String imageKey, String scorerFingerprint, String json, Credit credit) {
        return put(scoreKey(imageKey, scorerFingerprint).getBytes(StandardCharsets.UTF_8),
                json.getBytes(StandardCharsets.UTF_8), credit);
    }

    /** The Redis key of an image (what an image credit is filed under). */
    public String imageRedisKey(String key) {
        return new String(imageKey(key), StandardCharsets.UTF_8);
    }

    /** The Redis key of a score (what a score credit is filed under). */
    public String scoreRedisKey(String imageKey, String scorerFingerprint) {
        return scoreKey(imageKey, scorerFingerprint);
    }

    /** The score stored for an image and scorer. */
    public Optional<String> getScore(String imageKey, String scorerFingerprint) {
        return Optional.ofNullable(redis.get(scoreKey(imageKey, scorerFingerprint)));
    }

    static String sha256(byte[] data) {
        return digest("SHA-256", data);
    }

    /** Hex digest of {@code data} with a JDK algorithm. */
    static String digest(String algorithm, byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
