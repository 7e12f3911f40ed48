package dev.lucid.coordinator.autoscaler;

import java.time.Duration;

/**
 * Bounds and pace of one scaled deployment.
 *
 * @param min                  fewest replicas (at least 0)
 * @param max                  most replicas (at least {@code min}, at most 1000)
 * @param maxStep              most replicas added or removed by one decision (at least 1)
 * @param scaleUpCooldown      least time between a change and the next scale-up
 * @param scaleDownCooldown    least time after the last change, and after the backlog last needed the
 *                             current replicas, before a scale-down
 * @param targetDrainTime      the backlog should be worked off within this time
 * @param defaultSecondsPerItem a replica's seconds per work item until a latency has been measured
 */
public record ScalingPolicy(int min, int max, int maxStep, Duration scaleUpCooldown, Duration scaleDownCooldown,
                            Duration targetDrainTime, double defaultSecondsPerItem) {
    /** Upper bound on {@code max}: a guard against a typo that would ask the cluster for thousands of pods. */
    public static final int MAX_REPLICAS = 1000;

    public ScalingPolicy {
        if (min < 0 || max < min || max > MAX_REPLICAS) {
            throw new IllegalArgumentException("replicas must satisfy 0 <= min <= max <= " + MAX_REPLICAS + ", got min="
                    + min + " max=" + max);
        }
        if (maxStep < 1) {
            throw new IllegalArgumentException("max-step must be at least 1, got " + maxStep);
        }
        if (scaleUpCooldown.isNegative() || scaleDownCooldown.isNegative()) {
            throw new IllegalArgumentException("cooldowns must not be negative");
        }
        if (targetDrainTime.isNegative() || targetDrainTime.isZero()) {
            throw new IllegalArgumentException("target-drain-time must be positive, got " + targetDrainTime);
        }
        if (!(defaultSecondsPerItem > 0) || Double.isInfinite(defaultSecondsPerItem)) {
            throw new IllegalArgumentException("seconds-per-item must be a positive number, got " + defaultSecondsPerItem);
        }
    }
}
