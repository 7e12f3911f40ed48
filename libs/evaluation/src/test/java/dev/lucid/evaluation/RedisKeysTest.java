package dev.lucid.evaluation;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lucid.testsupport.RedisTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The key schema's names, and its version check against a real, private redis-server. */
class RedisKeysTest {
    static RedisTestServer server;
    static UnifiedJedis redis;

    @BeforeAll
    static void start() throws Exception {
        server = RedisTestServer.start();
        redis = RedisClient.create("127.0.0.1", server.port());
    }

    @AfterAll
    static void stop() throws Exception {
        redis.close();
        server.close();
    }

    @Test
    void namesEveryKeyUnderThePrefixAsReadmeDocumentsThem() {
        RedisKeys k = new RedisKeys("lucid:");
        assertEquals("lucid:schema", k.schema());
        assertEquals("lucid:generation", k.generation());
        assertEquals("lucid:work", k.work());
        assertEquals("lucid:eval:ev-1", k.evaluation("ev-1"));
        assertEquals("lucid:eval:ev-1:results", k.evaluation("ev-1", "results"));
        assertEquals("lucid:evals", k.evaluations());
        assertEquals("lucid:active", k.active());
        assertEquals("lucid:img:abc", new String(k.image("abc"), StandardCharsets.UTF_8));
        assertEquals("lucid:score:abc:fp", k.score("abc", "fp"));
        assertEquals("lucid:emb:fp:sha", new String(k.embedding("fp", "sha"), StandardCharsets.UTF_8));
        assertEquals("lucid:tenant:team-a:evals", k.tenantEvaluations("team-a"));
        assertEquals("lucid:tenant:team-a:items:2026-12-05", k.tenantItems("team-a", LocalDate.parse("2026-12-05")));
        assertEquals("lucid:tenant:team-a:import-bytes:2026-12-05", k.tenantImportBytes("team-a", LocalDate.parse("2026-12-05")));
        for (String bad : new String[]{"", "a b", "é:", "x".repeat(65)}) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> new RedisKeys(bad)).getMessage()
                    .startsWith("key prefix must be"), bad);
        }
    }

    @Test
    void anEmptyStoreIsMarkedWithTheCurrentVersion() {
        RedisKeys k = new RedisKeys("v-empty:");
        assertEquals(0, k.claim(redis));
        assertEquals(Integer.toString(RedisKeys.VERSION), redis.get(k.schema()));
        assertEquals(RedisKeys.VERSION, k.claim(redis), "a second claim finds its own version");
    }

    @Test
    void aStoreFromBeforeVersionsIsReadAndTakenOver(@TempDir Path blobs) throws Exception {
        // What a version-1 coordinator left: an evaluation listed, and a cached utility with features as a JSON array.
        RedisKeys k = new RedisKeys("v-one:");
        redis.zadd(k.evaluations(), 1, "ev-old");
        ContentStore store = new ContentStore(redis, "v-one:", blobs);
        redis.set(k.score("img", "clip"), "{\"clipScore\":0.5,\"answers\":[\"yes\"],\"features\":[0.25,-1.5]}");
        assertEquals(RedisKeys.OLDEST_READ, k.claim(redis));
        assertEquals(Integer.toString(RedisKeys.VERSION), redis.get(k.schema()));
        Backends.Utility u = new ObjectMapper().readValue(store.getScore("img", "clip").orElseThrow(), Backends.Utility.class);
        assertEquals(List.of("yes"), u.answers());
        assertEquals(-1.5f, u.features()[1]);
    }

    @Test
    void aNewerOrForeignSchemaIsRefusedNamingTheVersions() {
        RedisKeys newer = new RedisKeys("v-new:");
        redis.set(newer.schema(), Integer.toString(RedisKeys.VERSION + 1));
        String m = assertThrows(IllegalStateException.class, () -> newer.claim(redis)).getMessage();
        assertTrue(m.startsWith("Redis holds Lucid key schema version " + (RedisKeys.VERSION + 1) + " (v-new:schema);"
                + " this coordinator reads versions 1 to " + RedisKeys.VERSION), m);
        assertTrue(m.contains("lucid.coordinator.key-prefix"), m);
        assertEquals(Integer.toString(RedisKeys.VERSION + 1), redis.get(newer.schema()), "a refused store is left as it was");

        RedisKeys foreign = new RedisKeys("v-foreign:");
        redis.set(foreign.schema(), "banana");
        assertTrue(assertThrows(IllegalStateException.class, () -> foreign.claim(redis)).getMessage()
                .contains("holds 'banana', not a schema version"));
    }

    @Test
    void aStoreThatLostItsDataIsMarkedAgainWithItsGeneration() {
        RedisKeys k = new RedisKeys("v-lost:");
        RedisGeneration generation = new RedisGeneration(redis, "v-lost:");
        assertFalse(generation.check());
        assertEquals(Integer.toString(RedisKeys.VERSION), redis.get(k.schema()));
        redis.del(k.schema(), k.generation()); // what a flush does to this prefix
        assertTrue(generation.check(), "the loss is noticed");
        assertEquals(Integer.toString(RedisKeys.VERSION), redis.get(k.schema()), "and the schema marked again");
    }
}
