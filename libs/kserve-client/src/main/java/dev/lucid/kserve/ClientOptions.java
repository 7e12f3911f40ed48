package dev.lucid.kserve;

import java.time.Duration;

/**
 * Client settings.
 *
 * @param deadline          deadline of each attempt
 * @param maxAttempts       attempts per call; retried only on UNAVAILABLE
 * @param initialBackoff    first backoff, doubled per retry up to {@code maxBackoff}
 * @param maxBackoff        largest backoff
 * @param maxMessageBytes   largest inbound message (images need more than gRPC's 4 MiB default)
 * @param validateRequests  check requests against model metadata before sending
 * @param sharedMemoryBytes size of each system shared memory region the client places tensors in when the
 *                          server runs on the same host (Triton's system shared memory); 0 = plain gRPC
 */
public record ClientOptions(Duration deadline, int maxAttempts, Duration initialBackoff, Duration maxBackoff,
                            int maxMessageBytes, boolean validateRequests, long sharedMemoryBytes) {

    public ClientOptions {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1");
        }
        if (maxMessageBytes < 1024) {
            throw new IllegalArgumentException("maxMessageBytes must be >= 1024");
        }
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline must be positive");
        }
        if (sharedMemoryBytes < 0 || sharedMemoryBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("sharedMemoryBytes must be in 0.." + Integer.MAX_VALUE);
        }
    }

    /** 30 s deadline, 4 attempts, 100 ms..2 s backoff, 256 MiB messages, validation on. */
    public static ClientOptions defaults() {
        return new ClientOptions(Duration.ofSeconds(30), 4, Duration.ofMillis(100), Duration.ofSeconds(2),
                256 * 1024 * 1024, true, 0);
    }

    public ClientOptions withDeadline(Duration d) {
        return new ClientOptions(d, maxAttempts, initialBackoff, maxBackoff, maxMessageBytes, validateRequests, sharedMemoryBytes);
    }

    public ClientOptions withMaxAttempts(int n) {
        return new ClientOptions(deadline, n, initialBackoff, maxBackoff, maxMessageBytes, validateRequests, sharedMemoryBytes);
    }

    public ClientOptions withValidation(boolean v) {
        return new ClientOptions(deadline, maxAttempts, initialBackoff, maxBackoff, maxMessageBytes, v, sharedMemoryBytes);
    }

    /**
     * Places inputs and fixed-size outputs in system shared memory regions of {@code bytes} each (one per
     * request in flight) instead of the gRPC messages; for a server on the same host. 0 turns it off.
     */
    public ClientOptions withSharedMemory(long bytes) {
        return new ClientOptions(deadline, maxAttempts, initialBackoff, maxBackoff, maxMessageBytes, validateRequests,
                bytes);
    }

    public ClientOptions withBackoff(Duration initial, Duration max) {
        return new ClientOptions(deadline, maxAttempts, initial, max, maxMessageBytes, validateRequests, sharedMemoryBytes);
    }
}
