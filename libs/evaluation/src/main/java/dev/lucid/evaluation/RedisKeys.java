package dev.lucid.evaluation;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;

/**
 * Lucid's Redis key schema, in one place: every key the coordinator reads or writes is named here, under one
 * prefix ({@code lucid.coordinator.key-prefix}, default {@code lucid:}), and the schema's version is stored beside
 * them ({@code PREFIX schema}). README's "Redis key schema" lists the keys and what each holds.
 *
 * <p>Versions: 1, every store written before the version was recorded (utility features as JSON arrays); 2, features
 * as base64 little-endian float32 ({@link StoredFeatures}). Version 2 reads version 1's values, so a version-1 store
 * is taken over as it is and marked 2; a store of a version this code does not know is refused with a message
 * saying so, never read.
 */
public record RedisKeys(String prefix) {
    /** The schema this code writes. */
    public static final int VERSION = 2;
    /** The oldest schema this code reads. */
    public static final int OLDEST_READ = 1;

    public RedisKeys {
        if (prefix == null || prefix.isEmpty() || prefix.length() > 64 || prefix.chars().anyMatch(c -> c <= ' ' || c > '~')) {
            throw new IllegalArgumentException("key prefix must be 1..64 printable ASCII characters without spaces, got '"
                    + prefix + "'");
        }
    }

    /** The schema version marker. */
    public String schema() {
        return prefix + "schema";
    }

    /** The marker that tells a Redis that lost its data ({@link RedisGeneration}). */
    public String generation() {
        return prefix + "generation";
    }

    /** The work stream (one entry per item to run; consumer group {@code coordinators}). */
    public String work() {
        return prefix + "work";
    }

    /** What precedes an evaluation id in its state hash's key (Lua scripts that are given an id use it). */
    public String evaluationPrefix() {
        return prefix + "eval:";
    }

    /** An evaluation's state hash. */
    public String evaluation(String id) {
        return evaluationPrefix() + id;
    }

    /** One of an evaluation's records ({@code plan}, {@code spec}, {@code results}, {@code done}, ...). */
    public String evaluation(String id, String record) {
        return evaluation(id) + ":" + record;
    }

    /** The listing of evaluations by creation time. */
    public String evaluations() {
        return prefix + "evals";
    }

    /** The ids of running evaluations. */
    public String active() {
        return prefix + "active";
    }

    /** A stored image, by its content key. */
    public byte[] image(String contentKey) {
        return bytes(prefix + "img:" + contentKey);
    }

    /** A stored score, by the image's content key and the scorer's fingerprint. */
    public String score(String imageKey, String scorerFingerprint) {
        return prefix + "score:" + imageKey + ":" + scorerFingerprint;
    }

    /** A stored prompt embedding, by the text encoder's fingerprint and the text's sha256. */
    public byte[] embedding(String modelFingerprint, String textSha256) {
        return bytes(prefix + "emb:" + modelFingerprint + ":" + textSha256);
    }

    /** What precedes a tenant's name in its keys. */
    public String tenantPrefix() {
        return prefix + "tenant:";
    }

    /** A tenant's evaluations (a sorted set by creation time). */
    public String tenantEvaluations(String tenant) {
        return tenantPrefix() + tenant + ":evals";
    }

    /** The items a tenant was charged on a UTC day. */
    public String tenantItems(String tenant, LocalDate day) {
        return tenantPrefix() + tenant + ":items:" + day;
    }

    /** The suite bytes a tenant uploaded on a UTC day. */
    public String tenantImportBytes(String tenant, LocalDate day) {
        return tenantPrefix() + tenant + ":import-bytes:" + day;
    }

    /**
     * Checks the store's schema version and records {@link #VERSION} where it may: in an empty store, or over a
     * version this code reads. Returns the version found (0 for an empty store).
     *
     * @throws IllegalStateException the store holds a schema this code does not read
     */
    public int claim(UnifiedJedis redis) {
        String found = redis.get(schema());
        if (found == null) {
            // No marker: a store from before versions were recorded (1) when anything of Lucid's is there, else empty.
            boolean used = redis.exists(evaluations()) || redis.exists(generation()) || redis.exists(work());
            if ("OK".equals(redis.set(schema(), Integer.toString(VERSION), SetParams.setParams().nx()))) {
                return used ? OLDEST_READ : 0;
            }
            found = redis.get(schema()); // another process wrote a marker first: judge that one
        }
        int version;
        try {
            version = Integer.parseInt(found.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("Redis key " + schema() + " holds '" + found + "', not a schema version:"
                    + " this store was not written by Lucid, or was damaged; use another Redis or key prefix");
        }
        if (version > VERSION || (version != 0 && version < OLDEST_READ)) {
            throw new IllegalStateException("Redis holds Lucid key schema version " + version + " (" + schema()
                    + "); this coordinator reads versions " + OLDEST_READ + " to " + VERSION + ". "
                    + (version > VERSION ? "Run a coordinator of that version or newer, " : "Export what you need with an "
                    + "older coordinator, ") + "or point this one at another Redis or key prefix (lucid.coordinator.key-prefix)");
        }
        if (version < VERSION) {
            redis.set(schema(), Integer.toString(VERSION));
        }
        return version;
    }

    private static byte[] bytes(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }
}
