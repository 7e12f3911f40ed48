package dev.lucid.evaluation;

import dev.lucid.testsupport.RedisTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One fault at a time against the runner and its workers on a real Redis (append-only, as the mesh runs it) over
 * the real toy mesh: a cancel with work in flight, a hung peer, a peer outage, retries after a failed scorer, a
 * Redis killed and restarted with its data, and one restarted without it. Each run must end with results
 * identical to an uninterrupted run, nothing lost and nothing counted twice.
 */
class FaultsTest {
    static final String ID = "ev-faults";
    static RedisTestServer redisServer;
    static UnifiedJedis redis;
    static ToyMesh mesh;
    static List<ItemResult> reference;

    @BeforeAll
    static void uninterrupted(@TempDir Path blobs) throws Exception {
        redisServer = RedisTestServer.startAppendOnly();
        redis = RedisClient.create("127.0.0.1", redisServer.port());
        mesh = new ToyMesh();
        EvaluationRunner runner = runner("reference:", blobs, mesh.backends());
        runner.submit(ToyMesh.plan(ID), "{}", "faults");
        drain(runner);
        reference = runner.results(ID);
        assertEquals(12, reference.size());
    }

    @AfterAll
    static void stop() throws Exception {
        mesh.close();
        redis.close();
        redisServer.close();
    }

    /** Restarts Redis and lets the client's pool drop the connections the restart broke. */
    static void restartRedis(boolean keepData) throws Exception {
        redisServer.restart(keepData);
        for (int i = 0; i < 32; i++) {
            try {
                redis.ping();
            } catch (redis.clients.jedis.exceptions.JedisConnectionException broken) {
                // a pooled connection of the old server, discarded
            }
        }
        assertEquals("PONG", redis.ping());
    }

    static EvaluationRunner runner(String prefix, Path blobs, Backends backends) {
        return new EvaluationRunner(redis, prefix, new ContentStore(redis, prefix, blobs),
                new WorkQueue(redis, prefix + "work", "coordinators"), backends, 5, RetryPolicy.DEFAULT);
    }

    static void drain(EvaluationRunner r) {
        for (int i = 0; i < 200 && !r.progress(ID).state().equals("SUCCEEDED"); i++) {
            r.runOnce("c", 4, 20, 60_000);
        }
    }

    /** Finished, with the uninterrupted run's results, each item once and each image and score computed once. */
    static void assertExact(EvaluationRunner r) {
        EvaluationLedger.Progress p = r.progress(ID);
        assertEquals("SUCCEEDED", p.state());
        assertEquals("", p.lastError(), "no error left on a succeeded evaluation");
        assertEquals(12, p.done());
        assertEquals(12, p.generated(), "each image generated once");
        assertEquals(0, p.imageCacheHits());
        assertEquals(24, p.scoresComputed(), "each score computed once");
        assertEquals(0, p.scoreCacheHits());
        assertEquals(reference, r.results(ID));
    }

    static void await(BooleanSupplier condition, Duration limit, String what) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + limit + ": " + what);
            }
            Thread.sleep(20);
        }
    }

    static EvaluationWorkers workers(EvaluationRunner r, String prefix, Duration reclaimIdle, Duration backoffMax) {
        return new EvaluationWorkers(r, new WorkQueue(redis, prefix + "work", "coordinators"),
                new RedisGeneration(redis, prefix), "faults-" + prefix.replace(":", ""), new EvaluationWorkers.Settings(2, 0, 4,
                reclaimIdle, Duration.ofMillis(50), backoffMax, Duration.ofMillis(100), Duration.ofSeconds(60)));
    }

    @Test
    void aCancelDropsItemsInFlightAndHoldsUntilTheSpecIsSubmittedAgain(@TempDir Path blobs) throws Exception {
        FaultyBackends backends = new FaultyBackends(mesh.backends());
        EvaluationRunner r = runner("cancel:", blobs, backends);
        r.submit(ToyMesh.plan(ID), "{}", "faults");
        assertEquals(4, r.runOnce("c", 4, 20, 60_000).recorded());
        CountDownLatch inCall = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        backends.generator = () -> {
            inCall.countDown();
            release.await();
        };
        AtomicInteger recordedAfterCancel = new AtomicInteger(-1);
        Thread inFlight = new Thread(() -> recordedAfterCancel.set(r.runOnce("c", 4, 20, 60_000).recorded()));
        inFlight.start();
        assertTrue(inCall.await(10, TimeUnit.SECONDS));
        assertEquals("CANCELLED", r.cancel(ID));
        backends.generator = FaultyBackends.NONE;
        release.countDown();
        inFlight.join(30_000);
        assertEquals(0, recordedAfterCancel.get(), "items in flight at the cancel are dropped when they return");
        EvaluationRunner.Pass rest = r.runOnce("c", 16, 20, 60_000);
        assertEquals(4, rest.dropped(), "the items still queued are dropped");
        assertEquals("CANCELLED", r.progress(ID).state());
        assertEquals(4, r.progress(ID).done());
        assertEquals(EvaluationLedger.Submitted.RESTARTED, r.submit(ToyMesh.plan(ID), "{}", "faults"));
        drain(r);
        assertExact(r);
        assertEquals(EvaluationLedger.Submitted.RESUMED, r.submit(ToyMesh.plan(ID), "{}", "faults"),
                "a succeeded evaluation is not started again");
    }

    @Test
    void aHungPeerDoesNotGetItsBatchRedoneByAnotherWorker(@TempDir Path blobs) throws Exception {
        FaultyBackends backends = new FaultyBackends(mesh.backends());
        // Every safety call takes four times the reclaim limit.
        backends.safety = () -> Thread.sleep(1200);
        EvaluationRunner r = runner("hung:", blobs, backends);
        r.submit(ToyMesh.plan(ID), "{}", "faults");
        try (EvaluationWorkers w = workers(r, "hung:", Duration.ofMillis(300), Duration.ofMillis(400))) {
            w.start();
            await(() -> r.progress(ID).state().equals("SUCCEEDED"), Duration.ofSeconds(60), "the evaluation finishes");
        }
        assertEquals(12, backends.real.safetyScored.get(), "no image scored twice");
        assertEquals(12, backends.real.generated.get(), "no image generated twice");
        assertExact(r);
    }

    @Test
    void aPeerOutageBacksOffWithoutPullingTheStreamAndResumesWithinSeconds(@TempDir Path blobs) throws Exception {
        FaultyBackends backends = new FaultyBackends(mesh.backends());
        AtomicInteger attempts = new AtomicInteger();
        backends.generator = () -> {
            attempts.incrementAndGet();
            throw FaultyBackends.unavailable("generator");
        };
        EvaluationRunner r = runner("outage:", blobs, backends);
        WorkQueue queue = new WorkQueue(redis, "outage:work", "coordinators");
        r.submit(ToyMesh.plan(ID), "{}", "faults");
        AtomicLong maxPending = new AtomicLong();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                maxPending.accumulateAndGet(queue.pending(), Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        try (EvaluationWorkers w = workers(r, "outage:", Duration.ofSeconds(1), Duration.ofMillis(400))) {
            w.start();
            await(() -> attempts.get() >= 2, Duration.ofSeconds(10), "the workers try the generator");
            Thread.sleep(2000);
            EvaluationLedger.Progress waiting = r.ledger().progress(ID);
            assertTrue(waiting.waiting().startsWith("waiting for generator: UNAVAILABLE: generator is down"), waiting.waiting());
            assertEquals(0, waiting.done());
            int during = attempts.get();
            // Backing off from 50 ms to a 400 ms ceiling, two workers make at most about 16 attempts in 2.5 s.
            assertTrue(during <= 24, "attempts during the outage: " + during);
            backends.generator = FaultyBackends.NONE;
            long back = System.nanoTime();
            await(() -> r.progress(ID).done() > 0, Duration.ofSeconds(3), "work resumes within the backoff ceiling");
            System.out.printf("outage: %d generator attempts in 2.5 s down, first item %d ms after the generator was back%n",
                    during, (System.nanoTime() - back) / 1_000_000);
            await(() -> r.progress(ID).state().equals("SUCCEEDED"), Duration.ofSeconds(60), "the evaluation finishes");
        } finally {
            sampling.set(false);
            sampler.join();
        }
        assertTrue(maxPending.get() <= 8, "items pulled from the stream during the outage: " + maxPending.get()
                + " (at most one batch per worker)");
        assertEquals("", r.ledger().progress(ID).waiting());
        assertExact(r);
    }

    @Test
    void retriesAfterAScorerFailedCountEachItemOnce(@TempDir Path blobs) {
        FaultyBackends backends = new FaultyBackends(mesh.backends());
        AtomicInteger failures = new AtomicInteger(3);
        backends.utility = () -> {
            if (failures.getAndDecrement() > 0) {
                throw FaultyBackends.unavailable("utility");
            }
        };
        EvaluationRunner r = runner("retries:", blobs, backends);
        r.submit(ToyMesh.plan(ID), "{}", "faults");
        EvaluationRunner.Pass first = r.runOnce("c", 4, 20, 60_000);
        assertEquals("waiting for utility scorer: UNAVAILABLE: utility is down", first.waitingFor());
        drain(r);
        assertExact(r);
    }

    @Test
    void aRedisKilledAndRestartedWithItsAppendOnlyFileLosesNothing(@TempDir Path blobs) throws Exception {
        EvaluationRunner r = runner("aof:", blobs, mesh.backends());
        r.submit(ToyMesh.plan(ID), "{}", "faults");
        r.runOnce("c", 4, 20, 60_000);
        restartRedis(true);
        for (int i = 0; i < 200 && !state(r).equals("SUCCEEDED"); i++) {
            try {
                r.runOnce("c", 4, 20, 60_000);
            } catch (redis.clients.jedis.exceptions.JedisConnectionException reconnecting) {
                Thread.sleep(50);
            }
        }
        assertExact(r);
    }

    private static String state(EvaluationRunner r) {
        try {
            return r.progress(ID).state();
        } catch (redis.clients.jedis.exceptions.JedisConnectionException e) {
            return "";
        }
    }

    @Test
    void aRedisThatLostItsDataIsNoticedAndTheEvaluationPlannedAgain(@TempDir Path blobs) throws Exception {
        FaultyBackends backends = new FaultyBackends(mesh.backends());
        EvaluationRunner r = runner("lost:", blobs, backends);
        EvaluationRunner stranger = runner("lost:", blobs, mesh.backends());
        r.submit(ToyMesh.plan(ID), "{}", "faults");
        try (EvaluationWorkers w = workers(r, "lost:", Duration.ofSeconds(1), Duration.ofMillis(400))) {
            w.sweep(); // marker seen, the evaluation known as active
            r.runOnce("c", 4, 20, 60_000);
            // A batch in flight while Redis restarts empty lands in the empty Redis: it must write no state.
            CountDownLatch inCall = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            backends.generator = () -> {
                inCall.countDown();
                release.await();
            };
            Thread inFlight = new Thread(() -> {
                try {
                    r.runOnce("c", 4, 20, 60_000);
                } catch (RuntimeException expected) {
                    // the connection broke with the restart
                }
            });
            inFlight.start();
            assertTrue(inCall.await(10, TimeUnit.SECONDS));
            restartRedis(false);
            backends.generator = FaultyBackends.NONE;
            release.countDown();
            inFlight.join(30_000);
            assertFalse(redis.exists("lost:eval:" + ID), "no half state written into the empty Redis");
            assertThrows(IllegalArgumentException.class, () -> r.progress(ID), "unknown, so Watch ends instead of looping");
            assertFalse(stranger.replanLost(ID, "x"), "a coordinator without a copy cannot plan it again");
            w.sweep(); // notices the loss and plans again from its copy
            EvaluationLedger.Progress replanned = r.ledger().progress(ID);
            assertEquals("RUNNING", replanned.state());
            assertTrue(replanned.lastError().startsWith("Redis lost its data"), replanned.lastError());
        }
        drain(r);
        assertExact(r);
    }
}
