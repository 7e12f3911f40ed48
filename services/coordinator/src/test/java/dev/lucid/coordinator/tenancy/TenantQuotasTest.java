package dev.lucid.coordinator.tenancy;

import dev.lucid.evaluation.RedisKeys;
import dev.lucid.testsupport.RedisTestServer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tenant quotas against a real, private redis-server. */
class TenantQuotasTest {
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

    static Clock at(String instant) {
        return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
    }

    static String refusal(Runnable r) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, r::run);
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
        return e.getStatus().getDescription();
    }

    @Test
    void itemsPerDayAreChargedOncePerEvaluationAndStartAfreshAtMidnightUtc() {
        TenantQuotas.Limits limits = new TenantQuotas.Limits(8, 1000, 500, 1000);
        TenantQuotas day1 = new TenantQuotas(redis, new RedisKeys("q1:"), limits, at("2026-12-04T10:00:00Z"));
        day1.claim("team-a", "ev-1", 300);
        day1.claim("team-a", "ev-1", 300); // a resubmit of the same evaluation is free
        assertEquals(300, day1.itemsToday("team-a"));
        day1.claim("team-a", "ev-2", 200);
        assertEquals(500, day1.itemsToday("team-a"));
        String msg = refusal(() -> day1.claim("team-a", "ev-3", 1));
        assertTrue(msg.startsWith("quota tenant-max-items-per-day: tenant team-a has used 500 of 500 items today (UTC)"), msg);
        assertEquals(Set.of("ev-1", "ev-2"), Set.copyOf(redis.zrange("q1:tenant:team-a:evals", 0, -1)), "a refused one is not owned");
        day1.claim("team-b", "ev-3", 500); // quotas are per tenant
        TenantQuotas day2 = new TenantQuotas(redis, new RedisKeys("q1:"), limits, at("2026-12-05T00:00:01Z"));
        assertEquals(0, day2.itemsToday("team-a"));
        assertDoesNotThrow(() -> day2.claim("team-a", "ev-3", 500));
        assertTrue(redis.ttl("q1:tenant:team-a:items:2026-12-05") > 86_400, "day counters expire on their own");
    }

    @Test
    void itemsPerEvaluationAndRunningEvaluationsAreBounded() {
        Clock now = at("2026-12-04T10:00:00Z");
        TenantQuotas q = new TenantQuotas(redis, new RedisKeys("q2:"), new TenantQuotas.Limits(2, 100, 10_000, 1000), now);
        String msg = refusal(() -> q.claim("team-a", "ev-big", 101));
        assertEquals("quota tenant-max-items-per-evaluation: the evaluation has 101 items (limit 100 for tenant team-a); "
                + "ask for fewer prompts, seeds or models", msg);
        assertEquals(0, q.itemsToday("team-a"), "a refused evaluation charges nothing");
        q.claim("team-a", "ev-1", 10);
        q.claim("team-a", "ev-2", 10);
        // Claimed and not created yet: they count as running, so a third submit racing them is refused.
        msg = refusal(() -> q.claim("team-a", "ev-3", 10));
        assertTrue(msg.startsWith("quota tenant-max-running: tenant team-a already runs 2 evaluations (limit 2)"), msg);
        redis.hset("q2:eval:ev-1", "state", "RUNNING");
        redis.hset("q2:eval:ev-2", "state", "RUNNING");
        assertTrue(refusal(() -> q.claim("team-a", "ev-3", 10)).startsWith("quota tenant-max-running:"));
        assertDoesNotThrow(() -> q.claim("team-a", "ev-2", 10), "resubmitting a running one is not one more");
        redis.hset("q2:eval:ev-1", "state", "SUCCEEDED");
        assertDoesNotThrow(() -> q.claim("team-a", "ev-3", 10), "once one finished");
        assertEquals(30, q.itemsToday("team-a"));
        // A claim whose evaluation was never created (a submit cut short) stops counting after the grace period.
        TenantQuotas later = new TenantQuotas(redis, new RedisKeys("q2:"), new TenantQuotas.Limits(2, 100, 10_000, 1000),
                Clock.offset(now, java.time.Duration.ofMillis(TenantQuotas.CLAIM_GRACE_MS + 1)));
        redis.hset("q2:eval:ev-2", "state", "SUCCEEDED");
        assertDoesNotThrow(() -> later.claim("team-a", "ev-4", 10), "ev-3 was never created: it aged out");
    }

    @Test
    void concurrentSubmitsOfOneTenantCannotPassTheRunningQuotaTogether() throws Exception {
        TenantQuotas q = new TenantQuotas(redis, new RedisKeys("q3:"), new TenantQuotas.Limits(3, 100, 10_000, 1000),
                at("2026-12-04T10:00:00Z"));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        java.util.List<java.util.concurrent.Future<Boolean>> claims = new java.util.ArrayList<>();
        for (int i = 0; i < 16; i++) {
            String id = "ev-" + i;
            claims.add(pool.submit(() -> {
                try {
                    q.claim("team-a", id, 1);
                    return true;
                } catch (StatusRuntimeException refused) {
                    return false;
                }
            }));
        }
        int accepted = 0;
        for (var f : claims) {
            accepted += f.get() ? 1 : 0;
        }
        pool.shutdown();
        assertEquals(3, accepted, "16 concurrent submits, a quota of 3");
        assertEquals(3, redis.zcard("q3:tenant:team-a:evals"));
    }

    @Test
    void limitsBelowOneAreRefusedNamingTheSetting() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new TenantQuotas.Limits(0, 1, 1, 1000)).getMessage()
                .startsWith("lucid.coordinator.tenant-max-running:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new TenantQuotas.Limits(1, 0, 1, 1000)).getMessage()
                .startsWith("lucid.coordinator.tenant-max-items-per-evaluation:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new TenantQuotas.Limits(1, 1, 0, 1000)).getMessage()
                .startsWith("lucid.coordinator.tenant-max-items-per-day:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new TenantQuotas.Limits(1, 1, 1, 0)).getMessage()
                .startsWith("lucid.coordinator.tenant-max-import-bytes-per-day:"));
    }

    @Test
    void importBytesAreChargedAsTheyStreamAndRefusedPastTheDaysLimit() {
        TenantQuotas day1 = new TenantQuotas(redis, new RedisKeys("q4:"), new TenantQuotas.Limits(8, 100, 100, 1000),
                at("2026-12-04T10:00:00Z"));
        day1.chargeImportBytes("team-a", 600);
        day1.chargeImportBytes("team-a", 400);
        String msg = refusal(() -> day1.chargeImportBytes("team-a", 1));
        assertEquals("quota tenant-max-import-bytes-per-day: tenant team-a has uploaded 1000 of 1000 suite bytes today (UTC) "
                + "and this upload needs more; the count starts afresh at midnight UTC", msg);
        assertEquals("1000", redis.get("q4:tenant:team-a:import-bytes:2026-12-04"), "a refused chunk is not charged");
        assertDoesNotThrow(() -> day1.chargeImportBytes("team-b", 1000), "each tenant has its own count");
        assertTrue(redis.ttl("q4:tenant:team-a:import-bytes:2026-12-04") > 86_400, "the day's count expires after two days");
        TenantQuotas day2 = new TenantQuotas(redis, new RedisKeys("q4:"), new TenantQuotas.Limits(8, 100, 100, 1000),
                at("2026-12-05T00:00:01Z"));
        assertDoesNotThrow(() -> day2.chargeImportBytes("team-a", 1000), "a new UTC day");
    }
}
