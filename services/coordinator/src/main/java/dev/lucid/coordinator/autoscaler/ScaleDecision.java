package dev.lucid.coordinator.autoscaler;

/**
 * What the planner decided for one deployment.
 *
 * @param current  replicas now
 * @param wanted   replicas the backlog calls for, within min/max (before cooldown and step limit)
 * @param next     replicas to set now (equals {@code current} when nothing changes)
 * @param reason   why, in words (for the log)
 */
public record ScaleDecision(int current, int wanted, int next, String reason) {
    /** Whether the deployment's scale should be patched. */
    public boolean changes() {
        return next != current;
    }
}
