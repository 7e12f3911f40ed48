package dev.lucid.coordinator;

import dev.lucid.evaluation.ContentStore;
import dev.lucid.evaluation.EvaluationRunner;
import dev.lucid.evaluation.WorkQueue;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The coordinator's state: the Redis connection, the content store, the work stream and the runner,
 * plus the worker threads that take items off the stream. Everything lives in Redis, so a restarted
 * coordinator (or another replica) continues where this one stopped.
 */
@ApplicationScoped
public class Evaluations {
    private static final Logger LOG = Logger.getLogger(Evaluations.class);

    private final CoordinatorConfig config;
    private final UnifiedJedis redis;
    private final EvaluationRunner runner;
    private final WorkQueue queue;
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean stopping;

    Evaluations(CoordinatorConfig config, MeshBackends backends) {
        this.config = config;
        this.redis = RedisClient.create(config.redisHost(), config.redisPort());
        ContentStore store = new ContentStore(redis, config.keyPrefix(), config.blobDir());
        this.queue = new WorkQueue(redis, config.keyPrefix() + "work", "coordinators");
        // A consumer name per process: a restarted coordinator is a new consumer and reclaims the old one's items.
        String consumer = ManagementFactory.getRuntimeMXBean().getName() + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.runner = new EvaluationRunner(redis, config.keyPrefix(), store, queue, backends, consumer);
    }

    public EvaluationRunner runner() {
        return runner;
    }

    /** The work stream (the autoscaler reads its backlog). */
    public WorkQueue queue() {
        return queue;
    }

    public UnifiedJedis redis() {
        return redis;
    }

    public String key(String suffix) {
        return config.keyPrefix() + suffix;
    }

    void start(@Observes StartupEvent ev) {
        for (int i = 0; i < config.workers(); i++) {
            Thread t = new Thread(this::work, "evaluation-worker-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
    }

    private void work() {
        long backoff = 200;
        while (!stopping) {
            try {
                runner.runOnce(config.batchSize(), 1000, config.reclaimIdle().toMillis());
                backoff = 200;
            } catch (RuntimeException e) {
                if (stopping) {
                    return;
                }
                LOG.warnf("worker pass failed (retrying in %d ms): %s", backoff, e.toString());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = Math.min(10_000, backoff * 2);
            }
        }
    }

    /** Whether Redis answers. */
    public boolean redisUp() {
        try {
            return "PONG".equals(redis.ping());
        } catch (RuntimeException e) {
            return false;
        }
    }

    void stop(@Observes ShutdownEvent ev) {
        stopping = true;
        workers.forEach(Thread::interrupt);
        redis.close();
    }
}
