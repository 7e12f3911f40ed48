package dev.lucid.coordinator.autoscaler;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * The autoscaler forced on against the mock API server, with two targets (generator owned by the
 * backlog, safety by its HPA), no worker threads (items stay pending, so the backlog is what the test
 * puts there) and an interval so long that only the test's own ticks decide.
 */
public class ScalingProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("lucid.coordinator.workers", "0"),
                Map.entry("lucid.autoscaler.mode", "on"),
                Map.entry("lucid.autoscaler.namespace", "test"),
                Map.entry("lucid.autoscaler.interval", "1h"),
                Map.entry("lucid.autoscaler.target-drain-time", "60s"),
                Map.entry("lucid.autoscaler.max-step", "2"),
                Map.entry("lucid.autoscaler.scale-up-cooldown", "30s"),
                Map.entry("lucid.autoscaler.scale-down-cooldown", "300s"),
                Map.entry("lucid.autoscaler.targets.generator.deployment", "generator"),
                Map.entry("lucid.autoscaler.targets.generator.latency-of", "generator"),
                Map.entry("lucid.autoscaler.targets.generator.min", "1"),
                Map.entry("lucid.autoscaler.targets.generator.max", "4"),
                Map.entry("lucid.autoscaler.targets.generator.seconds-per-item", "1.0"),
                Map.entry("lucid.autoscaler.targets.safety.deployment", "safety"),
                Map.entry("lucid.autoscaler.targets.safety.latency-of", "safety"),
                Map.entry("lucid.autoscaler.targets.safety.max", "4"));
    }
}
