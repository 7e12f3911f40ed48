package dev.lucid.evaluation;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A Lua script that Redis runs atomically: nothing else runs between its commands, so a state transition written
 * as one script happens entirely or not at all, whatever process dies when. Sent by its SHA-1, and in full when
 * Redis does not know it (first use, or a Redis restarted since).
 */
final class RedisScript {
    private final String name;
    private final String source;
    private final String sha1;

    private RedisScript(String name, String source) {
        this.name = name;
        this.source = source;
        this.sha1 = ContentStore.digest("SHA-1", source.getBytes(StandardCharsets.UTF_8));
    }

    /** The script {@code lua/NAME.lua} beside this class. */
    static RedisScript load(String name) {
        try (InputStream in = RedisScript.class.getResourceAsStream("lua/" + name + ".lua")) {
            if (in == null) {
                throw new IllegalStateException("script lua/" + name + ".lua is missing from the classpath");
            }
            return new RedisScript(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read script " + name, e);
        }
    }

    /** Runs the script; its reply as Jedis decodes it (Long, String, List, or null). */
    Object run(UnifiedJedis redis, List<String> keys, List<String> args) {
        try {
            return redis.evalsha(sha1, keys, args);
        } catch (JedisNoScriptException e) {
            return redis.eval(source, keys, args);
        }
    }

    /**
     * Runs the script once per argument list, all in one round trip; the replies in order. Each run is atomic on its
     * own (others' commands may come between two runs). A run that Redis refused for not knowing the script (it
     * did nothing) is sent again in full.
     */
    List<Object> runPipelined(UnifiedJedis redis, List<String> keys, List<List<String>> argLists) {
        List<redis.clients.jedis.Response<Object>> replies = new java.util.ArrayList<>(argLists.size());
        try (redis.clients.jedis.AbstractPipeline p = redis.pipelined()) {
            argLists.forEach(args -> replies.add(p.evalsha(sha1, keys, args)));
            p.sync();
        }
        List<Object> out = new java.util.ArrayList<>(replies.size());
        for (int i = 0; i < replies.size(); i++) {
            try {
                out.add(replies.get(i).get());
            } catch (JedisNoScriptException e) {
                // Redis does not know the script (first use, or restarted): nothing of this one ran.
                out.add(run(redis, keys, argLists.get(i)));
            }
        }
        return out;
    }

    /** Runs the script with binary keys and arguments (image bytes); bulk replies come back as byte[]. */
    Object runBinary(UnifiedJedis redis, List<byte[]> keys, List<byte[]> args) {
        try {
            return redis.evalsha(sha1.getBytes(StandardCharsets.US_ASCII), keys, args);
        } catch (JedisNoScriptException e) {
            return redis.eval(source.getBytes(StandardCharsets.UTF_8), keys, args);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
