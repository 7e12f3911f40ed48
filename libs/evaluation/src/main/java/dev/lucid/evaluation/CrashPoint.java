package dev.lucid.evaluation;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Named places between the coordinator's Redis writes where a test can make the process die on the spot
 * ({@code Runtime.halt}, no shutdown hooks, no finally blocks), to prove that an evaluation survives a crash in
 * every window. Armed by the system property {@code lucid.crash-at=NAME} or {@code NAME@N} (halt at the N-th
 * time the point is reached, default 1); unarmed, reaching a point costs one field read.
 */
public enum CrashPoint {
    /** Submit: the evaluation exists (plan, spec, state), none of its work is queued. */
    SUBMIT_AFTER_CREATE,
    /** Submit: one chunk of work items is queued, the rest not yet. */
    SUBMIT_BETWEEN_CHUNKS,
    /** Submit: everything is queued; the client has no answer yet. */
    SUBMIT_BEFORE_REPLY,
    /** Resubmit of a cancelled evaluation: its new epoch has begun, nothing is queued for it. */
    RESTART_AFTER_EPOCH,
    /** Cancel: the state is CANCELLED; the client has no answer yet. */
    CANCEL_BEFORE_REPLY,
    /** Work: items are delivered to this consumer, nothing is computed. */
    ITEMS_AFTER_DELIVERY,
    /** Work: items of a silent consumer were reclaimed by this one, nothing is computed. */
    ITEMS_AFTER_RECLAIM,
    /** Work: the batch's images are generated and stored, no score is. */
    ITEMS_AFTER_IMAGES,
    /** Work: safety scores are stored, utility scores not. */
    ITEMS_AFTER_SAFETY,
    /** Work: every score is stored, no item is recorded. */
    ITEMS_AFTER_UTILITY,
    /** Work: the first item of a batch is recorded and acknowledged, the others not. */
    ITEMS_BETWEEN_COMPLETIONS;

    /** The system property that arms a point. */
    public static final String PROPERTY = "lucid.crash-at";
    private static final CrashPoint ARMED;
    private static final int AT_HIT;
    private static final AtomicInteger HITS = new AtomicInteger();

    static {
        String spec = System.getProperty(PROPERTY, "").trim();
        if (spec.isEmpty()) {
            ARMED = null;
            AT_HIT = 0;
        } else {
            int at = spec.indexOf('@');
            ARMED = valueOf(at < 0 ? spec : spec.substring(0, at));
            AT_HIT = at < 0 ? 1 : Integer.parseInt(spec.substring(at + 1));
        }
    }

    /** Halts the process here when this point is armed and reached for the configured time. */
    public void reach() {
        if (ARMED == this && HITS.incrementAndGet() == AT_HIT) {
            System.err.println("lucid: crash point " + name() + " reached: halting");
            System.err.flush();
            Runtime.getRuntime().halt(CRASH_EXIT_CODE);
        }
    }

    /** The exit code of a halted process (as a SIGKILL would leave it). */
    public static final int CRASH_EXIT_CODE = 137;
}
