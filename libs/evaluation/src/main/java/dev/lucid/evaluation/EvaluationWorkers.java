package dev.lucid.evaluation;

import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The threads that run evaluations in one process: {@code workers} threads, each its own stream consumer (so a
 * reclaim can tell live work from dead), taking batches from the runner and backing off exponentially while a
 * peer is down; how many of them run a pass at once adapts to the backends' queueing ({@link ConcurrencyLimit}); claims on items in progress are renewed so that live work is never reclaimed; and a sweeper that
 * notices a Redis that lost its data (and plans again what it knew), finishes the queueing of evaluations whose
 * submitter died, deletes acknowledged work entries from the stream, and removes consumers of dead processes from
 * the group.
 */
public final class EvaluationWorkers implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EvaluationWorkers.class);

    /**
     * @param workers        worker threads (consumers), the most passes at once; 0 for a process that only serves the API
     * @param initialConcurrency passes at once to start with (at most {@code workers}), adapted between 1 and
     *                       {@code workers} to the backends' queueing; 0 for a fixed {@code workers}
     * @param batchSize      items per pass
     * @param reclaimIdle    an item unacknowledged this long with a silent consumer is taken over
     * @param backoffMin     first wait after a failed pass
     * @param backoffMax     longest wait (work resumes within about this long of a peer's return)
     * @param sweepInterval  how often the sweeper looks
     * @param consumerExpiry a consumer holding nothing and silent this long is removed from the group
     */
    public record Settings(int workers, int initialConcurrency, int batchSize, Duration reclaimIdle, Duration backoffMin,
                           Duration backoffMax, Duration sweepInterval, Duration consumerExpiry) {
        public Settings {
            if (workers < 0 || batchSize < 1) {
                throw new IllegalArgumentException("workers must be >= 0 and batch size >= 1, got " + workers + " and " + batchSize);
            }
            if (initialConcurrency < 0) {
                throw new IllegalArgumentException("initial concurrency must be >= 0, got " + initialConcurrency);
            }
            if (reclaimIdle.toMillis() < 100) {
                throw new IllegalArgumentException("reclaim idle must be >= 100 ms, got " + reclaimIdle);
            }
        }
    }

    private final EvaluationRunner runner;
    private final WorkQueue queue;
    private final RedisGeneration generation;
    private final Settings settings;
    private final ConcurrencyLimit concurrency;
    private final List<String> consumers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;
    private volatile Set<String> lastActive = Set.of();

    /** @param consumerBase unique per process (e.g. host, pid and a random suffix); worker i is {@code base-wi} */
    public EvaluationWorkers(EvaluationRunner runner, WorkQueue queue, RedisGeneration generation, String consumerBase,
                             Settings settings) {
        this.runner = runner;
        this.queue = queue;
        this.generation = generation;
        this.settings = settings;
        int most = Math.max(1, settings.workers());
        this.concurrency = settings.initialConcurrency() == 0 ? ConcurrencyLimit.fixed(most)
                : new ConcurrencyLimit(1, most, Math.min(most, settings.initialConcurrency()));
        for (int i = 0; i < settings.workers(); i++) {
            consumers.add(consumerBase + "-w" + i);
        }
    }

    /** This process's consumer names. */
    public List<String> consumers() {
        return List.copyOf(consumers);
    }

    /** How many passes may run at once now. */
    public int concurrency() {
        return concurrency.limit();
    }

    /** Starts the workers, the claim renewal and the sweeper. */
    public synchronized void start() {
        // Renewed three times per reclaim period: a live item's idle time never comes near the limit.
        runner.keepClaimsFresh(Math.max(50, settings.reclaimIdle().toMillis() / 3));
        for (String c : consumers) {
            threads.add(daemon("evaluation-" + c.substring(c.lastIndexOf('-') + 1), () -> work(c)));
        }
        threads.add(daemon("evaluation-sweeper", this::sweepLoop));
        threads.forEach(Thread::start);
    }

    private static Thread daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private void work(String consumer) {
        Backoff backoff = new Backoff(settings.backoffMin().toMillis(), settings.backoffMax().toMillis());
        while (!stopping) {
            long wait = 0;
            long ticket;
            try {
                ticket = concurrency.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                long t0 = System.nanoTime();
                EvaluationRunner.Pass p = runner.runOnce(consumer, settings.batchSize(), 1000,
                        settings.reclaimIdle().toMillis());
                if (p.waitingFor() != null) {
                    concurrency.onPeerDown();
                    wait = backoff.failure();
                } else {
                    concurrency.onPass(ticket, p.recorded(), (System.nanoTime() - t0) / 1e6);
                    backoff.success();
                }
            } catch (RuntimeException e) {
                if (stopping) {
                    return;
                }
                wait = backoff.failure();
                LOG.warnf("worker %s: pass failed (retrying in %d ms): %s", consumer, wait, e.toString());
            } catch (Error e) {
                // E.g. out of memory on a huge batch: the thread lives on (its items are retried within bounds).
                if (stopping) {
                    return;
                }
                wait = backoff.failure();
                LOG.errorf(e, "worker %s: pass failed (retrying in %d ms)", consumer, wait);
            } finally {
                concurrency.release();
            }
            if (wait > 0 && !sleep(wait)) {
                return;
            }
        }
    }

    private void sweepLoop() {
        while (!stopping) {
            try {
                sweep();
            } catch (RuntimeException e) {
                LOG.warnf("sweep failed: %s", e.toString());
            }
            if (!sleep(settings.sweepInterval().toMillis())) {
                return;
            }
        }
    }

    /** One look: Redis loss, unfinished queueing, acknowledged entries, dead consumers. */
    public void sweep() {
        if (generation.check()) {
            String note = "Redis lost its data (detected " + Instant.ofEpochMilli(generation.lossDetectedMillis())
                    + "); re-planned from the coordinator's copy of the spec: every item runs again";
            for (String id : lastActive) {
                boolean replanned = runner.replanLost(id, note);
                LOG.errorf("Redis lost its data: evaluation %s %s", id, replanned ? "re-planned from this coordinator's copy"
                        : "is gone (no copy here): submit its spec again");
            }
        }
        Set<String> active = new HashSet<>(runner.ledger().active());
        for (String id : active) {
            runner.resumeQueueing(id);
        }
        lastActive = active;
        queue.trimAcknowledged();
        int removed = queue.removeIdleConsumers(settings.consumerExpiry().toMillis(), new HashSet<>(consumers));
        if (removed > 0) {
            LOG.infof("removed %d consumers of stopped coordinators from the work group", removed);
        }
    }

    private boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        stopping = true;
        threads.forEach(Thread::interrupt);
        runner.stopKeepingClaims();
    }
}
