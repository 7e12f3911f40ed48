package dev.lucid.evaluation;

import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A coordinator's core as its own process, for {@link CrashConsistencyTest}: a runner with worker threads on a
 * Redis, over the toy mesh, in one role, with whichever {@link CrashPoint} the JVM was armed with. Exit codes:
 * 0 the evaluation succeeded, 2 it did not within the time limit, 3 a cancel did not hold, 4 a resubmit after
 * a cancel did not restart it, 137 a crash point halted it.
 *
 * <p>Arguments: redis port, key prefix, blob directory, role ({@code submit}: submit, then work until done;
 * {@code work}: work on the evaluation once it exists; {@code cancel-restart}: submit, cancel after some items,
 * check that the cancel holds, submit again and work until done), evaluation id.
 */
public final class CrashDrill {
    static final int WORKERS = 2;
    static final int BATCH = 2;
    static final int QUEUE_CHUNK = 5;
    static final Duration RECLAIM_IDLE = Duration.ofMillis(1000);
    /**
     * Each generation call takes this long at least. The toy models answer in a few milliseconds, and a drill whose
     * process finished all 12 items before its 50 ms poll saw "4 done" cancelled a finished evaluation; at 300 ms a
     * batch, work is still in flight when the cancel comes (with a partner too: 6 batches over 4 workers).
     */
    static final long GENERATION_MS = 300;

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String prefix = args[1];
        Path blobs = Path.of(args[2]);
        String role = args[3];
        String id = args[4];
        System.exit(run(port, prefix, blobs, role, id));
    }

    static int run(int port, String prefix, Path blobs, String role, String id) throws Exception {
        try (ToyMesh mesh = new ToyMesh(); UnifiedJedis redis = RedisClient.create("127.0.0.1", port)) {
            WorkQueue queue = new WorkQueue(redis, prefix + "work", "coordinators");
            EvaluationRunner runner = new EvaluationRunner(redis, prefix, new ContentStore(redis, prefix, blobs), queue,
                    mesh.backends(GENERATION_MS), QUEUE_CHUNK, RetryPolicy.DEFAULT);
            EvaluationRunner.Plan plan = ToyMesh.plan(id);
            try (EvaluationWorkers workers = new EvaluationWorkers(runner, queue, new RedisGeneration(redis, prefix),
                    "drill-" + ProcessHandle.current().pid(), new EvaluationWorkers.Settings(WORKERS, 0, BATCH, RECLAIM_IDLE,
                    Duration.ofMillis(50), Duration.ofMillis(500), Duration.ofMillis(200), Duration.ofSeconds(60)))) {
                switch (role) {
                    case "submit" -> runner.submit(plan, "{}", "drill");
                    case "work" -> awaitExists(runner, id);
                    case "cancel-restart" -> runner.submit(plan, "{}", "drill");
                    default -> throw new IllegalArgumentException("unknown role " + role);
                }
                workers.start();
                if (role.equals("cancel-restart")) {
                    await(() -> runner.progress(id).done() >= 4, Duration.ofSeconds(60));
                    runner.cancel(id);
                    long doneAtCancel = runner.progress(id).done();
                    Thread.sleep(1000);
                    EvaluationLedger.Progress after = runner.progress(id);
                    if (!after.state().equals("CANCELLED") || after.done() != doneAtCancel) {
                        return 3;
                    }
                    if (runner.submit(plan, "{}", "drill") != EvaluationLedger.Submitted.RESTARTED) {
                        return 4;
                    }
                }
                return await(() -> runner.progress(id).state().equals("SUCCEEDED"), Duration.ofSeconds(90)) ? 0 : 2;
            }
        }
    }

    private static void awaitExists(EvaluationRunner runner, String id) throws InterruptedException {
        await(() -> {
            try {
                runner.progress(id);
                return true;
            } catch (IllegalArgumentException notYet) {
                return false;
            }
        }, Duration.ofSeconds(60));
    }

    private static boolean await(java.util.function.BooleanSupplier condition, Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }
}
