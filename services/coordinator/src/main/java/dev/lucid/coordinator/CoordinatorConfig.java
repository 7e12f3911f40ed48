package dev.lucid.coordinator;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Settings of the coordinator ({@code lucid.coordinator.*}). */
@ConfigMapping(prefix = "lucid.coordinator")
public interface CoordinatorConfig {
    String redisHost();

    int redisPort();

    /** Redis over TLS with the files of {@code lucid.tls.*} (Redis's {@code tls-port}). */
    @WithDefault("false")
    boolean redisTls();

    /** Namespace of every Redis key. */
    String keyPrefix();

    /** Directory for images too large for Redis. */
    Path blobDir();

    /** Worker threads taking items off the stream: the most passes that run at once. */
    int workers();

    /**
     * Passes at once to start with; the coordinator then adapts it between 1 and {@code workers} to how long the
     * backends queue its calls. 0 runs all {@code workers} at once, always.
     */
    @WithDefault("2")
    int initialConcurrency();

    /** Items per worker pass (items of one model are generated in one call). */
    int batchSize();

    /** How long an item may stay unacknowledged with a consumer before another takes it. */
    Duration reclaimIdle();

    /** First wait of a worker after a failed pass (a peer down); doubles per failure. */
    @WithDefault("250ms")
    Duration backoffMin();

    /** Longest wait between retries while a peer is down: work resumes within about this long of its return. */
    @WithDefault("5s")
    Duration backoffMax();

    /** How often the sweeper looks for lost Redis data, unfinished queueing and dead consumers. */
    @WithDefault("2s")
    Duration sweepInterval();

    /** A stream consumer holding nothing and silent this long belongs to a stopped coordinator and is removed. */
    @WithDefault("10m")
    Duration consumerExpiry();

    /** Failed passes after which an item is given up on (filed as failed; the report names it). */
    @WithDefault("60")
    int retryAttempts();

    /** Time since an item's first failure after which it is given up on, whatever its attempts. */
    @WithDefault("10m")
    Duration retryWindow();

    /** Hand-outs without a recording (each holder stopped) after which an item is given up on. */
    @WithDefault("10")
    int retryDeliveries();

    /** Deadline of each call to a peer service. */
    Duration peerDeadline();

    /** host:port of the sampler. */
    String sampler();

    /** host:port of the generator. */
    String generator();

    /** host:port of the safety scorer. */
    String safety();

    /** host:port of the utility scorer. */
    String utility();

    /** Most work items per evaluation. */
    long maxItems();

    /** Directory of reference statistics {@code <id>.npz} that specs name in {@code metrics.fid_reference}. */
    Optional<Path> fidReferences();

    /**
     * Bearer tokens naming tenants (lines {@code TENANT SHA256-OF-TOKEN}); unset = no authentication. Each tenant
     * sees, watches, reports, exports and cancels only its own evaluations.
     */
    Optional<Path> tokensFile();

    /** Evaluations one tenant may have running at once (RESOURCE_EXHAUSTED beyond). */
    @WithDefault("8")
    int tenantMaxRunning();

    /** Items (images) one evaluation of a tenant may have (RESOURCE_EXHAUSTED beyond). */
    @WithDefault("1000000")
    long tenantMaxItemsPerEvaluation();

    /** Items a tenant may submit per UTC day, counted once per evaluation when first submitted (RESOURCE_EXHAUSTED beyond). */
    @WithDefault("5000000")
    long tenantMaxItemsPerDay();

    /** Suite bytes a tenant may upload per UTC day through ImportSuite (RESOURCE_EXHAUSTED beyond); default 1 GiB. */
    @WithDefault("1073741824")
    long tenantMaxImportBytesPerDay();
}
