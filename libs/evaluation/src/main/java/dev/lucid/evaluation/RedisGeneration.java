package dev.lucid.evaluation;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

import java.util.UUID;

/**
 * Tells when Redis lost its data (a restart without persistence, a failover to an empty replica, a flush): a
 * random marker is written once under {@code PREFIX generation}, and a marker that vanished or changed since the
 * last look means everything written before is gone.
 */
public final class RedisGeneration {
    private final UnifiedJedis redis;
    private final RedisKeys keys;
    private final String key;
    private String seen;
    private volatile long lossDetectedMillis;

    public RedisGeneration(UnifiedJedis redis, String prefix) {
        this.redis = redis;
        this.keys = new RedisKeys(prefix);
        this.key = keys.generation();
    }

    /** Looks at the marker (writing one where there is none); true when it changed since the last look. */
    public synchronized boolean check() {
        String now = redis.get(key);
        if (now == null) {
            keys.claim(redis); // an empty store (or one from before markers) gets its schema version too
            redis.set(key, UUID.randomUUID().toString(), SetParams.setParams().nx());
            now = redis.get(key);
        }
        boolean lost = seen != null && !seen.equals(now);
        seen = now;
        if (lost) {
            lossDetectedMillis = System.currentTimeMillis();
        }
        return lost;
    }

    /** When a loss was last detected (epoch ms), 0 if never. */
    public long lossDetectedMillis() {
        return lossDetectedMillis;
    }
}
