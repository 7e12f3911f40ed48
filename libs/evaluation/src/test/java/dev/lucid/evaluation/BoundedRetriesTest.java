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
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retries are bounded: an item that keeps failing is given up on after its attempts or its time, or when every
 * consumer holding it stopped; the evaluation still finishes and names it; a resubmit runs it again. Acknowledged
 * work entries are trimmed from the stream, pending ones kept. On a real Redis over the real toy mesh.
 */
class BoundedRetriesTest {
    static final String ID = "ev-retries";
    static RedisTestServer redisServer;
    static UnifiedJedis redis;
    static ToyMesh mesh;

    @BeforeAll
    static void start() throws Exception {
        redisServer = RedisTestServer.start();
        redis = RedisClient.create("127.0.0.1", redisServer.port());
        mesh = new ToyMesh();
    }

    @AfterAll
    static void stop() throws Exception {
        mesh.close();
        redis.close();
        redisServer.close();
    }

    /** The toy mesh, except that the generator is down for prompt p3's items while {@code broken} is set. */
    static final class BrokenForOnePrompt extends FaultyBackends {
        volatile boolean broken = true;
        final AtomicInteger refused = new AtomicInteger();

        BrokenForOnePrompt(ToyMesh.Backends real) {
            super(real);
            generatorItems = items -> {
                if (broken && items.stream().anyMatch(i -> i.promptId().equals("p3"))) {
                    refused.incrementAndGet();
                    throw FaultyBackends.unavailable("generator");
                }
            };
        }
    }

    static EvaluationRunner runner(String prefix, Path blobs, Backends backends, RetryPolicy retries) {
        return new EvaluationRunner(redis, prefix, new ContentStore(redis, prefix, blobs),
                new WorkQueue(redis, prefix + "work", "coordinators"), backends, 5, retries);
    }

    /** Passes of one item each until the evaluation finishes (bounded). */
    static int finish(EvaluationRunner r, long pauseMillis) throws InterruptedException {
        int passes = 0;
        while (!r.progress(ID).state().equals("SUCCEEDED")) {
            assertTrue(++passes < 500, "the evaluation finishes: " + r.progress(ID));
            r.runOnce("c", 1, 20, 60_000);
            Thread.sleep(pauseMillis);
        }
        return passes;
    }

    @Test
    void anItemThatKeepsFailingIsGivenUpOnAfterItsAttemptsAndRunsAgainOnResubmit(@TempDir Path blobs) throws Exception {
        BrokenForOnePrompt backends = new BrokenForOnePrompt(mesh.backends());
        EvaluationRunner r = runner("attempts:", blobs, backends, new RetryPolicy(3, Duration.ofMinutes(10), 10));
        r.submit(ToyMesh.plan(ID), "{}", "retries");
        finish(r, 0);
        EvaluationLedger.Progress p = r.progress(ID);
        assertEquals(8, p.done(), "the other prompts' items are recorded");
        assertEquals(4, p.failed(), "p3's four items (2 models x 2 seeds) are given up on");
        assertEquals(8, p.generated() + p.imageCacheHits(), "failed items count in no counter but their own");
        assertEquals(12, backends.refused.get(), "each failing item tried exactly 3 times");
        List<EvaluationRunner.FailedItem> failed = r.failedItems(ID);
        assertEquals(4, failed.size());
        for (EvaluationRunner.FailedItem f : failed) {
            assertEquals("p3", f.prompt());
            assertEquals(3, f.attempts());
            assertEquals("waiting for generator: UNAVAILABLE: generator is down", f.error());
        }
        assertEquals(8, r.results(ID).size(), "no result for a failed item");

        backends.broken = false;
        assertEquals(EvaluationLedger.Submitted.RESTARTED, r.submit(ToyMesh.plan(ID), "{}", "retries"),
                "a resubmit runs the items given up on again");
        finish(r, 0);
        EvaluationLedger.Progress again = r.progress(ID);
        assertEquals(12, again.done());
        assertEquals(0, again.failed());
        assertEquals(12, again.generated(), "each image generated once over both runs");
        assertEquals(List.of(), r.failedItems(ID));
        assertEquals(EvaluationLedger.Submitted.RESUMED, r.submit(ToyMesh.plan(ID), "{}", "retries"),
                "a fully succeeded evaluation is not started again");
    }

    @Test
    void theTimeBoundGivesUpWithAttemptsLeft(@TempDir Path blobs) throws Exception {
        BrokenForOnePrompt backends = new BrokenForOnePrompt(mesh.backends());
        EvaluationRunner r = runner("window:", blobs, backends, new RetryPolicy(1000, Duration.ofMillis(300), 10));
        r.submit(ToyMesh.plan(ID), "{}", "retries");
        finish(r, 40);
        assertEquals(4, r.progress(ID).failed());
        for (EvaluationRunner.FailedItem f : r.failedItems(ID)) {
            assertTrue(f.attempts() >= 2 && f.attempts() < 1000, "given up on by time, after " + f.attempts() + " attempts");
        }
    }

    @Test
    void anItemWhoseHoldersKeepStoppingIsGivenUpOn(@TempDir Path blobs) throws Exception {
        EvaluationRunner r = runner("deliveries:", blobs, mesh.backends(), new RetryPolicy(60, Duration.ofMinutes(10), 3));
        WorkQueue queue = new WorkQueue(redis, "deliveries:work", "coordinators");
        r.submit(ToyMesh.plan(ID), "{}", "retries");
        // Two holders take the first item and stop without recording it (each hand-out is counted by Redis).
        assertEquals(1, queue.read("stopped-1", 1, 0).size());
        List<WorkQueue.Delivery> second = queue.reclaim("stopped-2", 0, 1);
        assertEquals(1, second.size());
        assertEquals(2, second.get(0).deliveries(), "Redis counts each hand-out");
        // The third hand-out reaches the limit: the item is filed as failed instead of being processed, and the pass
        // goes on to new work.
        EvaluationRunner.Pass pass = r.runOnce("c", 1, 20, 0);
        assertEquals(1, pass.recorded(), "the next new item");
        assertEquals(1, r.progress(ID).failed());
        EvaluationRunner.FailedItem f = r.failedItems(ID).get(0);
        assertTrue(f.error().startsWith("handed out 3 times and never recorded"), f.error());
        finish(r, 0);
        assertEquals(11, r.progress(ID).done());
    }

    @Test
    void reReadingOnesOwnItemsThroughAnOutageIsNotAHandOut(@TempDir Path blobs) throws Exception {
        EvaluationRunner r = runner("reread:", blobs, mesh.backends(), new RetryPolicy(60, Duration.ofMinutes(10), 3));
        WorkQueue queue = new WorkQueue(redis, "reread:work", "coordinators");
        r.submit(ToyMesh.plan(ID), "{}", "retries");
        assertEquals(2, queue.read("backing-off", 2, 0).size());
        for (int pass = 0; pass < 12; pass++) {
            List<WorkQueue.Delivery> again = queue.readOwnPending("backing-off", 16);
            assertEquals(2, again.size(), "a worker's own items, every pass");
            assertEquals(1, again.get(0).deliveries(), "handed out once, however often its holder re-reads it");
        }
        List<WorkQueue.Delivery> taken = queue.reclaim("other", 0, 16);
        assertEquals(2, taken.size());
        assertEquals(2, taken.get(0).deliveries(), "one takeover is the second hand-out");
        assertEquals(2, r.runOnce("other", 16, 20, 60_000).recorded(), "the taker records them");
        finish(r, 0);
        assertEquals(0, r.progress(ID).failed(), "nothing given up on: no holder stopped three times");
        assertEquals(12, r.progress(ID).done());
    }

    @Test
    void acknowledgedEntriesAreTrimmedAndPendingOnesKept(@TempDir Path blobs) throws Exception {
        EvaluationRunner r = runner("trim:", blobs, mesh.backends(), RetryPolicy.DEFAULT);
        WorkQueue queue = new WorkQueue(redis, "trim:work", "coordinators");
        r.submit(ToyMesh.plan(ID), "{}", "retries");
        assertEquals(12, queue.length());
        assertEquals(2, queue.read("slow", 2, 0).size());
        assertEquals(4, r.runOnce("c", 4, 20, 60_000).recorded());
        assertEquals(0, queue.trimAcknowledged(), "entries 3-6 are acknowledged, but entry 1 is still pending");
        assertEquals(2, r.runOnce("slow", 2, 20, 60_000).recorded());
        assertEquals(6, queue.trimAcknowledged(), "the six acknowledged entries go");
        assertEquals(6, queue.length());
        assertEquals(6, queue.backlog(), "the six undelivered entries stay queued");
        finish(r, 0);
        assertEquals(6, queue.trimAcknowledged());
        assertEquals(0, queue.length());
        assertEquals(0, queue.backlog());
        assertEquals(12, r.progress(ID).done());
    }
}
