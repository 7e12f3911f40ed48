package dev.lucid.coordinator.autoscaler;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Seconds per work item of each backend (generator, safety, utility) as the coordinator sees them: an
 * exponentially weighted moving average over calls, each call's wall time divided by its items. Includes
 * the network and the model server's queue time, which is what more replicas shorten.
 */
@ApplicationScoped
public class BackendLatency {
    /** Backends whose calls are timed. */
    public static final Set<String> BACKENDS = Set.of("generator", "safety", "utility");
    /** Weight of the newest call. */
    static final double ALPHA = 0.2;

    private final Map<String, Double> secondsPerItem = new ConcurrentHashMap<>();

    /** Records one call to {@code backend} that handled {@code items} items in {@code nanos}. */
    public void record(String backend, long nanos, int items) {
        if (!BACKENDS.contains(backend)) {
            throw new IllegalArgumentException("unknown backend '" + backend + "' (" + BACKENDS + ")");
        }
        if (items <= 0 || nanos < 0) {
            return;
        }
        double sample = nanos / 1e9 / items;
        secondsPerItem.merge(backend, sample, (old, s) -> old + ALPHA * (s - old));
    }

    /** The average seconds per item of {@code backend}, empty before its first call. */
    public OptionalDouble secondsPerItem(String backend) {
        Double v = secondsPerItem.get(backend);
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }
}
