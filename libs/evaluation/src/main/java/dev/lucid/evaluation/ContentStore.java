package dev.lucid.evaluation;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

import org.jboss.logging.Logger;

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
 * a re-run reads it back. Images (and prompt embeddings) above a size limit go to a blob directory, named
 * by their sha256, with only the reference kept in Redis. An image kept in Redis carries its PNG's sha256 in a
 * header ({@code sha256=HEX\n} then the PNG), so a cache hit never hashes the PNG again; values written before the
 * header (the PNG alone) are still read, and hashed.
 */
public final class ContentStore {
    private static final Logger LOG = Logger.getLogger(ContentStore.class);
    /** Images up to this size are stored in Redis itself. */
    public static final int INLINE_LIMIT = 256 * 1024;
    private static final String BLOB_PREFIX = "blob:";
    private static final RedisScript PUT_CREDITED = RedisScript.load("put_credited");
    private static final byte[] SHA_HEADER = "sha256=".getBytes(StandardCharsets.US_ASCII);
    /** Header length: the tag, 64 hex digits and a newline. */
    private static final int HEADER_LENGTH = SHA_HEADER.length + 65;

    private final UnifiedJedis redis;
    private final RedisKeys keys;
    private final Path blobDir;

    /**
     * @param prefix  key namespace (e.g. "lucid:")
     * @param blobDir directory for large images
     */
    public ContentStore(UnifiedJedis redis, String prefix, Path blobDir) {
        this.redis = redis;
        this.keys = new RedisKeys(prefix);
        this.blobDir = blobDir;
    }

    private byte[] imageKey(String key) {
        return keys.image(checkKey(key));
    }

    private String scoreKey(String imageKey, String scorerFingerprint) {
        return keys.score(checkKey(imageKey), checkKey(scorerFingerprint));
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
        return putImage(key, StoredImage.of(png), credit);
    }

    /** As {@link #putImage(String, byte[], Credit)}, for an image whose hash is already computed. */
    public boolean putImage(String key, StoredImage image, Credit credit) {
        byte[] png = image.png();
        byte[] value = png.length <= INLINE_LIMIT ? withHeader(image) : offload(png, image.sha256(), ".png");
        return put(imageKey(key), value, credit);
    }

    private static byte[] withHeader(StoredImage image) {
        byte[] png = image.png();
        byte[] out = new byte[HEADER_LENGTH + png.length];
        System.arraycopy(SHA_HEADER, 0, out, 0, SHA_HEADER.length);
        byte[] hex = image.sha256().getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(hex, 0, out, SHA_HEADER.length, hex.length);
        out[HEADER_LENGTH - 1] = '\n';
        System.arraycopy(png, 0, out, HEADER_LENGTH, png.length);
        return out;
    }

    /** An image as stored: its PNG and the PNG's sha256 (hex). */
    public record StoredImage(byte[] png, String sha256) {
        /** A PNG with its hash computed (once, here). */
        public static StoredImage of(byte[] png) {
            return new StoredImage(png, ContentStore.sha256(png));
        }
    }

    /** A stored image value as PNG and hash: with a header, from a blob (checked against its name) or legacy. */
    private StoredImage image(byte[] v) {
        if (startsWith(v, SHA_HEADER) && v.length >= HEADER_LENGTH) {
            return new StoredImage(java.util.Arrays.copyOfRange(v, HEADER_LENGTH, v.length),
                    new String(v, SHA_HEADER.length, 64, StandardCharsets.US_ASCII));
        }
        if (startsWith(v, BLOB_PREFIX.getBytes(StandardCharsets.US_ASCII))) {
            byte[] png = resolve(v);
            String ref = new String(v, StandardCharsets.UTF_8).substring(BLOB_PREFIX.length());
            return new StoredImage(png, ref.indexOf('.') < 0 ? ref : ref.substring(0, ref.indexOf('.')));
        }
        return StoredImage.of(v);
    }

    private static boolean startsWith(byte[] v, byte[] prefix) {
        return v.length >= prefix.length && java.util.Arrays.equals(v, 0, prefix.length, prefix, 0, prefix.length);
    }

    /**
     * A value small enough for Redis as it is; a larger one written to the blob directory, its reference returned. The
     * blob is named by its sha256: {@code knownSha} where the caller has it, else computed here.
     */
    private byte[] offload(byte[] value, String knownSha, String extension) {
        if (value.length <= INLINE_LIMIT) {
            return value;
        }
        String sha = knownSha != null ? knownSha : sha256(value);
        Path file = blobDir.resolve(sha + extension);
        try {
            Files.createDirectories(blobDir);
            if (!Files.exists(file)) {
                Path tmp = Files.createTempFile(blobDir, sha, ".tmp");
                Files.write(tmp, value);
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write blob " + file, e);
        }
        return (BLOB_PREFIX + sha + extension).getBytes(StandardCharsets.UTF_8);
    }

    /** The bytes behind a stored value: itself, or the blob it refers to (checked against its hash). */
    private byte[] resolve(byte[] v) {
        String head = new String(v, 0, Math.min(v.length, BLOB_PREFIX.length()), StandardCharsets.ISO_8859_1);
        if (!head.equals(BLOB_PREFIX)) {
            return v;
        }
        String ref = new String(v, StandardCharsets.UTF_8).substring(BLOB_PREFIX.length());
        int dot = ref.indexOf('.');
        // References written before blobs had other extensions name only the hash of a PNG.
        String sha = dot < 0 ? ref : ref.substring(0, dot);
        String file = checkKey(sha) + (dot < 0 ? ".png" : checkKey(ref.substring(dot)));
        try {
            byte[] bytes = Files.readAllBytes(blobDir.resolve(file));
            if (!sha256(bytes).equals(sha)) {
                // Removed, so that storing the content again writes a good file (offload keeps an existing one).
                Files.deleteIfExists(blobDir.resolve(file));
                throw new CorruptBlobException("blob " + file + " is corrupt (its sha256 is not its name); removed");
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("blob " + file + " missing from " + blobDir, e);
        }
    }

    /**
     * Stores a prompt's text-encoder embedding under a model fingerprint unless one is there (float32, little
     * endian); a report's geometry reads it back instead of asking the generator again.
     */
    public void putEmbedding(String modelFingerprint, String text, float[] embedding) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * embedding.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(embedding);
        put(embeddingKey(modelFingerprint, text), offload(b.array(), null, ".f32"), null);
    }

    /** A stored embedding, if any. */
    public Optional<float[]> getEmbedding(String modelFingerprint, String text) {
        byte[] v = redis.get(embeddingKey(modelFingerprint, text));
        if (v == null) {
            return Optional.empty();
        }
        java.nio.FloatBuffer f = java.nio.ByteBuffer.wrap(resolve(v)).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] out = new float[f.remaining()];
        f.get(out);
        return Optional.of(out);
    }

    /** Whether an embedding is stored. */
    public boolean hasEmbedding(String modelFingerprint, String text) {
        return redis.exists(embeddingKey(modelFingerprint, text));
    }

    private byte[] embeddingKey(String modelFingerprint, String text) {
        return keys.embedding(checkKey(modelFingerprint), sha256(text.getBytes(StandardCharsets.UTF_8)));
    }

    private boolean put(byte[] key, byte[] value, Credit credit) {
        if (credit == null) {
            return "OK".equals(redis.set(key, value, SetParams.setParams().nx()));
        }
        Object stored = PUT_CREDITED.runBinary(redis, List.of(key, credit.hashKey().getBytes(StandardCharsets.UTF_8)),
                List.of(value, key, credit.item().getBytes(StandardCharsets.UTF_8)));
        return Long.valueOf(1).equals(stored);
    }

    /**
     * The image stored under a key. A blob that is missing or fails its hash is never served: its reference is
     * dropped and the image reported absent, so the caller generates it again.
     */
    public Optional<byte[]> getImage(String key) {
        return Optional.ofNullable(getImages(List.of(key)).get(key)).map(StoredImage::png);
    }

    /**
     * The images stored under some keys, read in one round trip, by key; a key with no image (or only a corrupt or
     * missing blob, whose reference is then dropped so the image is generated again) is absent from the map.
     */
    public java.util.Map<String, StoredImage> getImages(java.util.Collection<String> keys) {
        java.util.Map<String, StoredImage> out = new java.util.HashMap<>();
        if (keys.isEmpty()) {
            return out;
        }
        List<String> distinct = List.copyOf(new java.util.LinkedHashSet<>(keys));
        List<byte[]> values = redis.mget(distinct.stream().map(this::imageKey).toArray(byte[][]::new));
        for (int i = 0; i < distinct.size(); i++) {
            byte[] v = values.get(i);
            if (v == null) {
                continue;
            }
            try {
                out.put(distinct.get(i), image(v));
            } catch (CorruptBlobException | UncheckedIOException e) {
                LOG.warnf("image %s: %s; dropped, it is generated again", distinct.get(i), e.getMessage());
                redis.del(imageKey(distinct.get(i)));
            }
        }
        return out;
    }

    /** A blob whose bytes do not hash to its name (removed from the blob directory when found). */
    static final class CorruptBlobException extends IllegalStateException {
        CorruptBlobException(String message) {
            super(message);
        }
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

    /** The scores stored for some images under one scorer, read in one round trip, in key order (null: none). */
    public List<String> getScores(List<String> imageKeys, String scorerFingerprint) {
        if (imageKeys.isEmpty()) {
            return List.of();
        }
        return redis.mget(imageKeys.stream().map(k -> scoreKey(k, scorerFingerprint)).toArray(String[]::new));
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
