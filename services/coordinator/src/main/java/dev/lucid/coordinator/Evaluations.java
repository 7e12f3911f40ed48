package dev.lucid.coordinator;

import dev.lucid.evaluation.ContentStore;
import dev.lucid.evaluation.EvaluationRunner;
import dev.lucid.evaluation.EvaluationWorkers;
import dev.lucid.evaluation.RedisConnection;
import dev.lucid.evaluation.RedisGeneration;
import dev.lucid.evaluation.RetryPolicy;
import dev.lucid.evaluation.WorkQueue;
import dev.lucid.kserve.TlsFiles;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.ConfigProvider;
import redis.clients.jedis.UnifiedJedis;

import java.lang.management.ManagementFactory;
import java.util.Optional;
import java.util.UUID;

/**
 * The coordinator's state: the Redis connection, the content store, the work stream and the runner, plus the
 * worker threads that take items off the stream (one stream consumer each). Everything lives in Redis, so a
 * restarted coordinator (or another replica) continues where this one stopped.
 */
@ApplicationScoped
public class Evaluations {
    private final UnifiedJedis redis;
    private final EvaluationRunner runner;
    private final WorkQueue queue;
    private final RedisGeneration generation;
    private final EvaluationWorkers workers;

    Evaluations(CoordinatorConfig config, MeshBackends backends) {
        this.redis = redisClient(config);
        ContentStore store = new ContentStore(redis, config.keyPrefix(), config.blobDir());
        this.queue = new WorkQueue(redis, config.keyPrefix() + "work", "coordinators");
        this.runner = new EvaluationRunner(redis, config.keyPrefix(), store, queue, backends, EvaluationRunner.QUEUE_CHUNK,
                new RetryPolicy(config.retryAttempts(), config.retryWindow(), config.retryDeliveries()));
        this.generation = new RedisGeneration(redis, config.keyPrefix());
        // Consumer names per process and worker: a restarted coordinator is a new consumer and reclaims the old one's items.
        String base = ManagementFactory.getRuntimeMXBean().getName() + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.workers = new EvaluationWorkers(runner, queue, generation, base, new EvaluationWorkers.Settings(
                config.workers(), config.batchSize(), config.reclaimIdle(), config.backoffMin(), config.backoffMax(),
                config.sweepInterval(), config.consumerExpiry()));
    }

    /** Plain text, or TLS with the mesh's files ({@code lucid.tls.*}) when {@code redis-tls} is on. */
    private static UnifiedJedis redisClient(CoordinatorConfig config) {
        Optional<TlsFiles> tls = Optional.empty();
        if (config.redisTls()) {
            tls = Optional.of(TlsFiles.fromSettings(k -> ConfigProvider.getConfig().getOptionalValue(k, String.class))
                    .orElseThrow(() -> new IllegalArgumentException("lucid.coordinator.redis-tls is on but no TLS files are"
                            + " set (" + TlsFiles.CA + ", and " + TlsFiles.CERT + "/" + TlsFiles.KEY
                            + " when Redis checks client certificates)")));
        }
        return RedisConnection.open(config.redisHost(), config.redisPort(), tls);
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

    /** The Redis-loss detector (Watch and GetReport say so when an evaluation vanished with the data). */
    public RedisGeneration generation() {
        return generation;
    }

    void start(@Observes StartupEvent ev) {
        workers.start();
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
        workers.close();
        redis.close();
    }
}
