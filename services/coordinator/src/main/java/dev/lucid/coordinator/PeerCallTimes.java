package dev.lucid.coordinator;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Wall time of every call the coordinator makes to a peer, as {@code lucid_peer_call_seconds{peer=...}} with its
 * p50, p90, p99 and max over the last hour (Micrometer keeps them in HdrHistograms), so a load run reads the
 * percentiles of each RPC from {@code /q/metrics}.
 */
@ApplicationScoped
public class PeerCallTimes {
    private final MeterRegistry registry;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    PeerCallTimes(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Records one call of {@code rpc} (e.g. "generator.Generate") that took {@code nanos}. */
    public void record(String rpc, long nanos) {
        timers.computeIfAbsent(rpc, r -> Timer.builder("lucid.peer.call").tag("peer", r)
                .description("wall time of the coordinator's calls to a peer")
                .publishPercentiles(0.5, 0.9, 0.99, 1.0).percentilePrecision(2)
                .distributionStatisticExpiry(Duration.ofHours(1)).distributionStatisticBufferLength(2)
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }
}
