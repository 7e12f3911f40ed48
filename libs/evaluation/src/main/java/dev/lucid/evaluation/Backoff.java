package dev.lucid.evaluation;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with a ceiling and ±20% jitter (so replicas do not retry in lockstep): waits double from
 * {@code minMillis} after each failure up to {@code maxMillis}, and start again at the minimum after a success.
 * A ceiling of a few seconds means work resumes within seconds of a peer's return.
 */
final class Backoff {
    private final long minMillis;
    private final long maxMillis;
    private long next;

    Backoff(long minMillis, long maxMillis) {
        if (minMillis < 1 || maxMillis < minMillis) {
            throw new IllegalArgumentException("backoff needs 1 <= min <= max, got " + minMillis + ".." + maxMillis);
        }
        this.minMillis = minMillis;
        this.maxMillis = maxMillis;
        this.next = minMillis;
    }

    /** The wait after one more failure. */
    long failure() {
        long base = next;
        next = Math.min(maxMillis, next * 2);
        return Math.max(1, Math.round(base * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble())));
    }

    void success() {
        next = minMillis;
    }
}
