package dev.lucid.coordinator.autoscaler;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Decides replicas from the backlog: enough replicas to work off the pending items within the target
 * drain time at the measured seconds per item, kept within min/max, moved at most {@code maxStep} at a
 * time, scaled up no sooner than the up-cooldown after a change and scaled down only once the backlog
 * has not needed the current replicas for the down-cooldown. Plain Java; knows nothing of Kubernetes.
 * Not thread-safe: one scaling loop owns it.
 */
public final class ReplicaPlanner {
    private record History(Instant lastChange, Instant lastBusy) {
    }

    private final Map<String, History> history = new HashMap<>();

    /** Replicas that drain {@code backlog} items within the policy's target time at {@code secondsPerItem}, within min/max. */
    public static int wanted(ScalingPolicy policy, long backlog, double secondsPerItem) {
        if (backlog < 0) {
            throw new IllegalArgumentException("backlog must not be negative, got " + backlog);
        }
        double spi = secondsPerItem > 0 && Double.isFinite(secondsPerItem) ? secondsPerItem : policy.defaultSecondsPerItem();
        double work = backlog * spi / (policy.targetDrainTime().toMillis() / 1000.0);
        long raw = (long) Math.ceil(Math.min(work, ScalingPolicy.MAX_REPLICAS));
        return (int) Math.max(policy.min(), Math.min(policy.max(), raw));
    }

    /**
     * The decision for {@code target} now. Call {@link #applied} once the change has been made, so the
     * cooldowns count from it.
     */
    public ScaleDecision decide(String target, ScalingPolicy policy, int current, long backlog, double secondsPerItem,
                                Instant now) {
        if (current < 0) {
            throw new IllegalArgumentException("current replicas must not be negative, got " + current);
        }
        int wanted = wanted(policy, backlog, secondsPerItem);
        // A deployment seen for the first time counts as busy now: a restarted coordinator does not
        // scale down what its predecessor just scaled up.
        History h = history.computeIfAbsent(target, k -> new History(null, now));
        if (wanted >= current) {
            h = new History(h.lastChange(), now);
            history.put(target, h);
        }
        String need = backlog + " items pending, " + wanted + " replicas wanted";
        if (wanted == current) {
            return new ScaleDecision(current, wanted, current, need + ": no change");
        }
        if (wanted > current) {
            if (h.lastChange() != null && since(h.lastChange(), now).compareTo(policy.scaleUpCooldown()) < 0) {
                return new ScaleDecision(current, wanted, current, need + ": scale-up cooldown");
            }
            int next = Math.min(wanted, current + policy.maxStep());
            return new ScaleDecision(current, wanted, next, need + ": scale up");
        }
        Instant quietSince = latest(h.lastChange(), h.lastBusy());
        if (since(quietSince, now).compareTo(policy.scaleDownCooldown()) < 0) {
            return new ScaleDecision(current, wanted, current, need + ": scale-down cooldown");
        }
        int next = Math.max(wanted, current - policy.maxStep());
        return new ScaleDecision(current, wanted, next, need + ": scale down");
    }

    /** Records that {@code target}'s replicas were changed at {@code now}. */
    public void applied(String target, Instant now) {
        History h = history.get(target);
        history.put(target, new History(now, h == null ? now : h.lastBusy()));
    }

    private static Duration since(Instant then, Instant now) {
        return Duration.between(then, now);
    }

    private static Instant latest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }
}
