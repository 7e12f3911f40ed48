package dev.lucid.kserve;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import org.jboss.logging.Logger;

/**
 * The one mapping of failures to gRPC statuses that every Lucid service answers with, so that a caller's choice
 * between failing an item and retrying it never depends on which service answered:
 * <ul>
 *   <li>bad input ({@link IllegalArgumentException}, {@link UnsupportedOperationException}): INVALID_ARGUMENT, the
 *       message naming the field;</li>
 *   <li>a status from a peer: as it is, except DEADLINE_EXCEEDED, which is UNAVAILABLE (a slow peer is retried);</li>
 *   <li>a backend failure ({@link KServeException}): UNAVAILABLE when it is down or slow, RESOURCE_EXHAUSTED when it
 *       sheds load (both retried by callers), FAILED_PRECONDITION when it refuses what it was sent (NOT_FOUND,
 *       INVALID_ARGUMENT, FAILED_PRECONDITION, UNIMPLEMENTED, OUT_OF_RANGE: a model or contract mismatch that a retry
 *       cannot fix), INTERNAL otherwise;</li>
 *   <li>a lost connection to Redis: UNAVAILABLE;</li>
 *   <li>running out of memory: RESOURCE_EXHAUSTED;</li>
 *   <li>anything else (a bug, any other {@link Error}): INTERNAL naming the exception's class, logged with its stack.</li>
 * </ul>
 * Callers treat INVALID_ARGUMENT, FAILED_PRECONDITION, NOT_FOUND and UNIMPLEMENTED as permanent and everything else as
 * transient (see {@link #isPermanent}).
 */
public final class StatusMapping {
    private static final Logger LOG = Logger.getLogger(StatusMapping.class);
    private static final String REDIS_CONNECTION = "redis.clients.jedis.exceptions.JedisConnectionException";

    private StatusMapping() {
    }

    /**
     * The status a server answers for {@code failure}.
     *
     * @param what what failed, for the description of unexpected failures ("generation", "import", ...)
     */
    public static StatusRuntimeException toStatus(Throwable failure, String what) {
        Status status = status(failure, what);
        if (status.getCode() == Status.Code.INTERNAL && !(failure instanceof StatusRuntimeException)
                && !(failure instanceof StatusException) && !(failure instanceof KServeException)) {
            LOG.errorf(failure, "%s failed", what);
        }
        return status.asRuntimeException();
    }

    private static Status status(Throwable e, String what) {
        if (e instanceof StatusRuntimeException s) {
            return peer(s.getStatus());
        }
        if (e instanceof StatusException s) {
            return peer(s.getStatus());
        }
        if (e instanceof IllegalArgumentException || e instanceof UnsupportedOperationException) {
            return Status.INVALID_ARGUMENT.withDescription(e.getMessage());
        }
        if (e instanceof KServeException k) {
            Status.Code code = switch (k.code()) {
                case UNAVAILABLE, DEADLINE_EXCEEDED -> Status.Code.UNAVAILABLE;
                case RESOURCE_EXHAUSTED -> Status.Code.RESOURCE_EXHAUSTED;
                case NOT_FOUND, INVALID_ARGUMENT, FAILED_PRECONDITION, UNIMPLEMENTED, OUT_OF_RANGE -> Status.Code.FAILED_PRECONDITION;
                default -> Status.Code.INTERNAL;
            };
            return Status.fromCode(code).withDescription("backend: " + k.getMessage());
        }
        if (isA(e, REDIS_CONNECTION)) {
            return Status.UNAVAILABLE.withDescription("redis is unavailable: " + e.getMessage());
        }
        if (e instanceof OutOfMemoryError) {
            return Status.RESOURCE_EXHAUSTED.withDescription(what + " failed: the service ran out of memory ("
                    + e.getMessage() + "); send less at once or raise its heap");
        }
        return Status.INTERNAL.withDescription(what + " failed: " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }

    /** A peer's status as this service passes it on: a peer's deadline is a slow peer, so UNAVAILABLE. */
    private static Status peer(Status s) {
        if (s.getCode() == Status.Code.DEADLINE_EXCEEDED) {
            return Status.UNAVAILABLE.withDescription("a peer did not answer in time: " + s.getDescription());
        }
        return s;
    }

    /** Whether a caller should give up on the work rather than retry it. */
    public static boolean isPermanent(Status.Code code) {
        return code == Status.Code.INVALID_ARGUMENT || code == Status.Code.FAILED_PRECONDITION
                || code == Status.Code.NOT_FOUND || code == Status.Code.UNIMPLEMENTED;
    }

    // By name: the mapping is shared by services without a Redis client on their class path.
    private static boolean isA(Throwable e, String className) {
        for (Class<?> c = e.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals(className)) {
                return true;
            }
        }
        return false;
    }
}
