package dev.lucid.evaluation;

import org.jboss.logging.Logger;
import redis.clients.jedis.StreamEntryID;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a consumer's claim on the work items it is processing fresh while its peer calls run (which may take
 * minutes), so that reclaiming by idle time takes only the items of consumers that really stopped: a live
 * consumer's items never reach the reclaim limit.
 */
final class ClaimKeeper implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ClaimKeeper.class);

    private final WorkQueue queue;
    private final Map<String, Set<StreamEntryID>> held = new ConcurrentHashMap<>();
    private ScheduledExecutorService timer;

    ClaimKeeper(WorkQueue queue) {
        this.queue = queue;
    }

    /** Starts renewing held claims every {@code periodMillis} (a fraction of the reclaim limit). */
    synchronized void start(long periodMillis) {
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "work-claim-keeper");
                t.setDaemon(true);
                return t;
            });
            timer.scheduleWithFixedDelay(this::renew, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
        }
    }

    void hold(String consumer, Collection<StreamEntryID> ids) {
        held.computeIfAbsent(consumer, k -> ConcurrentHashMap.newKeySet()).addAll(ids);
    }

    void release(String consumer, Collection<StreamEntryID> ids) {
        Set<StreamEntryID> s = held.get(consumer);
        if (s != null) {
            s.removeAll(ids);
        }
    }

    private void renew() {
        held.forEach((consumer, ids) -> {
            List<StreamEntryID> now = List.copyOf(ids);
            try {
                queue.touch(consumer, now);
            } catch (RuntimeException e) {
                LOG.warnf("cannot renew the claims of %s: %s", consumer, e.toString());
            }
        });
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
