package dev.lucid.evaluation;

import java.time.Duration;

/**
 * When a runner stops retrying an item and files it as failed ("gives up"): after {@code maxAttempts} failed passes
 * or {@code maxWait} since its first failure, whichever comes first, or when it was handed out {@code maxDeliveries}
 * times without being recorded (each consumer holding it stopped: an item that kills its worker).
 */
public record RetryPolicy(int maxAttempts, Duration maxWait, int maxDeliveries) {
    /** 60 attempts (about 5 minutes at the default 5 s backoff ceiling), 10 minutes, 10 deliveries. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(60, Duration.ofMinutes(10), 10);

    public RetryPolicy {
        if (maxAttempts < 1 || maxDeliveries < 2 || maxWait.isNegative() || maxWait.isZero()) {
            throw new IllegalArgumentException("retry policy: need max attempts >= 1, max deliveries >= 2 and a positive"
                    + " max wait, got " + maxAttempts + ", " + maxDeliveries + " and " + maxWait);
        }
    }

    /** Whether an item that failed {@code attempts} times, the first {@code sinceFirstMillis} ago, is given up on. */
    public boolean exhausted(long attempts, long sinceFirstMillis) {
        return attempts >= maxAttempts || sinceFirstMillis >= maxWait.toMillis();
    }
}
