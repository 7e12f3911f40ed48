package dev.lucid.evaluation;

import dev.lucid.generation.GenerationSettings;
import dev.lucid.testsupport.RedisTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runner on a private redis-server with the real inference service (in-process gRPC, ONNX
 * Runtime) and the real generator and scorers over the toy models of deploy/test-models.
 */
class EvaluationRunnerTest {
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

    static EvaluationRunner.Plan plan(String id) {
        return ToyMesh.plan(id);
    }

    static boolean created(EvaluationRunner r, EvaluationRunner.Plan plan) {
        return r.submit(plan, "{}", "test") == EvaluationLedger.Submitted.CREATED;
    }

    static void drain(EvaluationRunner r, String id) {
        for (int i = 0; i < 100 && r.progress(id).done() < r.progress(id).total(); i++) {
            r.runOnce("c1", 5, 50, 60_000);
        }
    }

    @Test
    void aSuiteSeedDecidesItsPromptsImages(@TempDir Path blobs) {
        String prefix = "seeds:";
        ContentStore store = new ContentStore(redis, prefix, blobs);
        EvaluationRunner.Plan plan = new EvaluationRunner.Plan("s1", List.of(new EvaluationModel("base", "toy", GenerationSettings.of(8, 4.0))),
                List.of(new EvaluationPrompt("i2p/0", "a skull", "unsafe", "", List.of(), List.of(), List.of(), List.of(), 4261553411L),
                        new EvaluationPrompt("p1", "a red circle on the left", "benign-simple", "", List.of(), List.of(), List.of(), List.of())),
                2, 100);
        assertTrue(new EvaluationRunner(redis, prefix, store, new WorkQueue(redis, prefix + "work", "coordinators"),
                mesh.backends()).submit(plan, "{}", "seeds") == EvaluationLedger.Submitted.CREATED);
        // A second runner reads the plan back from Redis (JSON), as a restarted coordinator does.
        EvaluationRunner other = new EvaluationRunner(redis, prefix, store, new WorkQueue(redis, prefix + "work", "coordinators"),
                mesh.backends());
        drain(other, "s1");
        assertEquals(List.of("i2p/0@4261553411", "i2p/0@4261553412", "p1@100", "p1@101"),
                other.results("s1").stream().map(r -> r.promptId() + "@" + r.seed()).sorted().toList());
    }

    @Test
    void runsToTheEndThenARerunComputesNothing(@TempDir Path blobs) {
        String prefix = "r1:";
        ContentStore store = new ContentStore(redis, prefix, blobs);
        ToyMesh.Backends backends = mesh.backends();
        EvaluationRunner runner = new EvaluationRunner(redis, prefix, store,
                new WorkQueue(redis, prefix + "work", "coordinators"), backends);
        assertTrue(created(runner, plan("e1")));
        assertFalse(created(runner, plan("e1")), "resubmitting resumes, it does not re-plan");
        drain(runner, "e1");
        EvaluationLedger.Progress p = runner.progress("e1");
        assertEquals("SUCCEEDED", p.state());
        assertEquals(12, p.total());
        assertEquals(12, p.done());
        assertEquals(12, backends.generated.get());
        assertEquals(12, backends.safetyScored.get());
        List<ItemResult> first = runner.results("e1");
        assertEquals(12, first.size());
        assertTrue(first.stream().allMatch(r -> r.clipScore() > 0 && r.unsafeScores().containsKey("toy-safety")));

        // The same evaluation under another id: every image and score comes from the store.
        assertTrue(created(runner, plan("e2")));
        drain(runner, "e2");
        assertEquals(12, backends.generated.get(), "no image generated again");
        assertEquals(12, backends.safetyScored.get(), "no image scored again");
        EvaluationLedger.Progress again = runner.progress("e2");
        assertEquals(12, again.imageCacheHits());
        assertEquals(0, again.generated());
        List<ItemResult> second = runner.results("e2");
        for (int i = 0; i < 12; i++) {
            assertEquals(first.get(i).imageSha256(), second.get(i).imageSha256());
            assertEquals(first.get(i).unsafeScores(), second.get(i).unsafeScores());
            assertEquals(first.get(i).clipScore(), second.get(i).clipScore());
        }
    }

    @Test
    void itemsOfADeadConsumerAreFinishedByAnotherWithoutDoubleCounting(@TempDir Path blobs) throws Exception {
        String prefix = "r2:";
        ContentStore store = new ContentStore(redis, prefix, blobs);
        WorkQueue queue = new WorkQueue(redis, prefix + "work", "coordinators");
        ToyMesh.Backends backends = mesh.backends();
        EvaluationRunner survivor = new EvaluationRunner(redis, prefix, store, queue, backends);
        created(survivor, plan("e3"));
        // A consumer takes five items and dies before acknowledging any.
        assertEquals(5, queue.read("dead", 5, 50).size());
        // The survivor also processes two items twice over: once normally, once as if redelivered.
        survivor.runOnce("survivor", 2, 50, 60_000);
        Thread.sleep(120);
        for (int i = 0; i < 50 && survivor.progress("e3").done() < 12; i++) {
            survivor.runOnce("survivor", 4, 50, 100);
        }
        EvaluationLedger.Progress p = survivor.progress("e3");
        assertEquals(12, p.done());
        assertEquals("SUCCEEDED", p.state());
        assertEquals(12, survivor.results("e3").size());
        assertEquals(0, queue.pending());
    }

    @Test
    void whatAReportNeedsIsRecordedWhileTheEvaluationRuns(@TempDir Path blobs) throws Exception {
        String prefix = "rec:";
        ToyMesh.Backends backends = mesh.backends();
        EvaluationRunner runner = new EvaluationRunner(redis, prefix, new ContentStore(redis, prefix, blobs),
                new WorkQueue(redis, prefix + "work", "coordinators"), backends);
        created(runner, plan("e4"));
        drain(runner, "e4");
        assertEquals(java.util.Map.of("base", backends.modelFingerprint("toy"), "negative", backends.modelFingerprint("toy")),
                runner.recordedFingerprints("e4"));
        assertEquals(backends.describeScorers(), runner.recordedScorers("e4"));
        List<String> benign = List.of("a red circle on the left", "two white faces");
        List<float[]> recorded = runner.recordedEmbeddings("e4").embed("toy", benign);
        List<float[]> live = backends.encodePrompts("toy", benign);
        for (int i = 0; i < benign.size(); i++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(live.get(i), recorded.get(i), benign.get(i));
        }
        IllegalStateException never = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> runner.recordedEmbeddings("e4").embed("toy", List.of("a skull")));
        assertTrue(never.getMessage().contains("was not recorded"), never.getMessage());
    }
}
