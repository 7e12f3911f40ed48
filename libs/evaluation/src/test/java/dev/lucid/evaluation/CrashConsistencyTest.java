package dev.lucid.evaluation;

import dev.lucid.api.v1.EvaluatedModel;
import dev.lucid.api.v1.EvaluationSpec;
import dev.lucid.api.v1.ModelRef;
import dev.lucid.api.v1.Report;
import dev.lucid.testsupport.RedisTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kills a coordinator's core ({@link CrashDrill}, a process of its own) at every {@link CrashPoint}, starts it
 * again, and requires the evaluation to finish with results and a report identical to an uninterrupted run, every
 * item counted exactly once, and every image and score counted as computed exactly once (the store starts empty
 * for each point). The same with a pair of processes sharing the Redis: one dies at the point while the other
 * works on and finishes alone.
 */
class CrashConsistencyTest {
    static final String ID = "ev-crash";
    static RedisTestServer redisServer;
    static UnifiedJedis redis;
    static ToyMesh mesh;
    static List<ItemResult> reference;
    static String referenceReport;

    @BeforeAll
    static void uninterrupted(@TempDir Path blobs) throws Exception {
        redisServer = RedisTestServer.start();
        redis = RedisClient.create("127.0.0.1", redisServer.port());
        mesh = new ToyMesh();
        String prefix = "reference:";
        EvaluationRunner runner = new EvaluationRunner(redis, prefix, new ContentStore(redis, prefix, blobs),
                new WorkQueue(redis, prefix + "work", "coordinators"), mesh.backends());
        runner.submit(ToyMesh.plan(ID), "{}", "drill");
        for (int i = 0; i < 100 && !runner.progress(ID).state().equals("SUCCEEDED"); i++) {
            runner.runOnce("c", CrashDrill.BATCH, 50, 60_000);
        }
        reference = runner.results(ID);
        assertEquals(12, reference.size());
        referenceReport = report(runner);
    }

    @AfterAll
    static void stop() throws Exception {
        mesh.close();
        redis.close();
        redisServer.close();
    }

    /** The report of the drill's evaluation as JSON (the same assembler and settings the coordinator uses). */
    static String report(EvaluationRunner runner) throws Exception {
        EvaluationSpec spec = EvaluationSpec.newBuilder().setName("drill").setBaseline("base").setSeedsPerPrompt(2)
                .setBaseSeed(100)
                .addModels(EvaluatedModel.newBuilder().setLabel("base").setModel(ModelRef.newBuilder().setName("toy")))
                .addModels(EvaluatedModel.newBuilder().setLabel("negative").setModel(ModelRef.newBuilder().setName("toy")))
                .build();
        Report r = new ReportAssembler(new ReportAssembler.Settings(0.5, 200, 7, 0, 5)).assemble(ID, spec,
                runner.plan(ID), runner.results(ID), runner::features, runner.recordedEmbeddings(ID), List.of());
        return r.toString(); // every field, in protobuf text format
    }

    @TestFactory
    Stream<DynamicTest> oneCoordinatorKilledAtEveryPoint() {
        return Arrays.stream(CrashPoint.values()).map(p -> DynamicTest.dynamicTest(p.name(), () -> drill(p, false)));
    }

    @TestFactory
    Stream<DynamicTest> oneOfTwoCoordinatorsKilledAtEveryPoint() {
        return Arrays.stream(CrashPoint.values()).map(p -> DynamicTest.dynamicTest(p.name(), () -> drill(p, true)));
    }

    private static String roleOf(CrashPoint p) {
        return switch (p) {
            case CANCEL_BEFORE_REPLY, RESTART_AFTER_EPOCH -> "cancel-restart";
            case ITEMS_AFTER_RECLAIM -> "work";
            default -> "submit";
        };
    }

    private void drill(CrashPoint point, boolean pair) throws Exception {
        String prefix = (pair ? "pair-" : "one-") + point.name().toLowerCase() + ":";
        Path blobs = Files.createTempDirectory("lucid-drill");
        List<Drill> survivors = new ArrayList<>();
        if (point == CrashPoint.ITEMS_AFTER_RECLAIM) {
            // A first coordinator dies holding delivered items, which the armed one then reclaims.
            assertEquals(CrashPoint.CRASH_EXIT_CODE, exit(start(prefix, blobs, "submit", CrashPoint.ITEMS_AFTER_DELIVERY, "prelude")),
                    "the prelude coordinator halts holding items");
        }
        Drill victim = start(prefix, blobs, roleOf(point), point, "victim");
        if (pair && point != CrashPoint.ITEMS_AFTER_RECLAIM) {
            survivors.add(start(prefix, blobs, "work", null, "partner"));
        }
        assertEquals(CrashPoint.CRASH_EXIT_CODE, exit(victim), () -> point + " was reached and halted the process; its log:\n" + victim.tail());
        EvaluationRunner runner = new EvaluationRunner(redis, prefix, new ContentStore(redis, prefix, blobs),
                new WorkQueue(redis, prefix + "work", "coordinators"), mesh.backends());
        if (point == CrashPoint.CANCEL_BEFORE_REPLY) {
            Thread.sleep(1500);
            assertEquals("CANCELLED", runner.progress(ID).state(), "a cancel survives the crash, even with a partner working");
            // The user submits the cancelled spec again: it restarts.
            assertEquals(EvaluationLedger.Submitted.RESTARTED, runner.submit(ToyMesh.plan(ID), "{}", "drill"));
        }
        if (!pair || point == CrashPoint.ITEMS_AFTER_RECLAIM) {
            survivors.add(start(prefix, blobs, "work", null, "restarted"));
        }
        for (Drill s : survivors) {
            assertEquals(0, exit(s), () -> "the surviving coordinator finishes the evaluation; its log:\n" + s.tail());
        }
        EvaluationLedger.Progress p = runner.progress(ID);
        assertEquals("SUCCEEDED", p.state());
        assertEquals("", p.lastError());
        assertEquals(12, p.total());
        assertEquals(12, p.done(), "every item counted once");
        for (String k : List.of("done", "made", "scored")) {
            assertEquals(false, redis.exists(prefix + "eval:" + ID + ":" + k), k + ": what only running needs goes once it finished");
        }
        assertEquals(12, redis.hlen(prefix + "eval:" + ID + ":results"));
        // A fresh store for this point: every image and score was computed by this evaluation, once per item.
        assertEquals(new HashSet<>(reference.stream().map(ItemResult::imageKey).toList()).size(), p.generated());
        assertEquals(0, p.imageCacheHits());
        assertEquals(24, p.scoresComputed());
        assertEquals(0, p.scoreCacheHits());
        assertEquals(reference, runner.results(ID), "results identical to the uninterrupted run");
        assertEquals(referenceReport, report(runner), "report identical to the uninterrupted run");
    }

    /** A drill process and its log. */
    private record Drill(Process process, Path log) {
        String tail() {
            try {
                List<String> lines = Files.readAllLines(log);
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
            } catch (java.io.IOException e) {
                return "(no log: " + e + ")";
            }
        }
    }

    private static Drill start(String prefix, Path blobs, String role, CrashPoint point, String name) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Xss16m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", // ONNX Runtime loads models deep in the stack
                "-Dlucid.repo.root=" + ToyMesh.ROOT.toAbsolutePath().normalize(),
                "-cp", System.getProperty("java.class.path")));
        if (point != null) {
            cmd.add("-D" + CrashPoint.PROPERTY + "=" + point.name());
        }
        cmd.addAll(List.of(CrashDrill.class.getName(), Integer.toString(redisServer.port()), prefix, blobs.toString(), role, ID));
        File log = Files.createTempFile("lucid-drill-" + name, ".log").toFile();
        return new Drill(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start(), log.toPath());
    }

    private static int exit(Drill d) throws Exception {
        Process p = d.process();
        if (!p.waitFor(150, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("drill process did not end within 150 s");
        }
        return p.exitValue();
    }
}
