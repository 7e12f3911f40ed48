package dev.lucid.coordinator;

import dev.lucid.evaluation.ContentStore;
import dev.lucid.evaluation.EvaluationRunner;
import dev.lucid.evaluation.EvaluationWorkers;
import dev.lucid.evaluation.RedisConnection;
import dev.lucid.evaluation.RedisGeneration;
import dev.lucid.evaluation.RedisKeys;
import dev.lucid.evaluation.RetryPolicy;
import dev.lucid.evaluation.WorkQueue;
import dev.lucid.kserve.TlsFiles;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

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
    private static final Logger LOG = Logger.getLogger(Evaluations.class);
    /** How long a coordinator starting before Redis waits for it. */
    static final int REDIS_WAIT_SECONDS = 60;
    private final UnifiedJedis redis;
    private final EvaluationRunner runner;
    private final WorkQueue queue;
    private final RedisGeneration generation;
    private final EvaluationWorkers workers;

    Evaluations(CoordinatorConfig config, MeshBackends backends, MeterRegistry registry) {
        this.redis = redisClient(config);
        RedisKeys keys = new RedisKeys(config.keyPrefix());
        claimSchema(keys);
        ContentStore store = new ContentStore(redis, config.keyPrefix(), config.blobDir());
        this.queue = new WorkQueue(redis, keys.work(), "coordinators");
        this.runner = new EvaluationRunner(redis, config.keyPrefix(), store, queue, backends, EvaluationRunner.QUEUE_CHUNK,
                new RetryPolicy(config.retryAttempts(), config.retryWindow(), config.retryDeliveries()));
        this.generation = new RedisGeneration(redis, config.keyPrefix());
        // Consumer names per process and worker: a restarted coordinator is a new consumer and reclaims the old one's items.
        String base = ManagementFactory.getRuntimeMXBean().getName() + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.workers = new EvaluationWorkers(runner, queue, generation, base, new EvaluationWorkers.Settings(
                config.workers(), config.initialConcurrency(), config.batchSize(), config.reclaimIdle(), config.backoffMin(), config.backoffMax(),
                config.sweepInterval(), config.consumerExpiry()));
        // A registry that outlives the application (dev-mode reloads, tests) keeps the first gauge of a name.
        registry.find("lucid.coordinator.concurrency").gauges().forEach(registry::remove);
        Gauge.builder("lucid.coordinator.concurrency", workers, EvaluationWorkers::concurrency)
                .description("passes that may run at once, adapted to the backends' queueing").register(registry);
    }

    /**
     * Checks the store's key schema before anything is written, refusing one this code does not read; waits up to
     * {@link #REDIS_WAIT_SECONDS} for a Redis that is not up yet (pods of a deployment start in any order).
     */
    private void claimSchema(RedisKeys keys) {
        for (int attempt = 1; ; attempt++) {
            try {
                int found = keys.claim(redis);
                if (found != 0 && found < RedisKeys.VERSION) {
                    LOG.infof("Redis key schema version %d taken over as version %d (%s)", found, RedisKeys.VERSION,
                            keys.schema());
                }
                return;
            } catch (JedisConnectionException e) {
                if (attempt >= REDIS_WAIT_SECONDS) {
                    throw e;
                }
                if (attempt == 1) {
                    LOG.warnf("Redis not reachable yet (%s); waiting up to %d s", e.getMessage(), REDIS_WAIT_SECONDS);
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
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
        return RedisConnection.open(config.redisHost(), config.redisPort(), tls, config.workers());
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
