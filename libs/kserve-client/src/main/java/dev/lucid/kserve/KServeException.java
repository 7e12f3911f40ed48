package dev.lucid.kserve;

import io.grpc.Status;

/** A failed call to a KServe v2 server, carrying the gRPC status code. */
public class KServeException extends RuntimeException {
    private final Status.Code code;

    public KServeException(Status.Code code, String message, Throwable cause) {
        super(code + ": " + message, cause);
        this.code = code;
    }

    /** The gRPC status code (UNAVAILABLE, INVALID_ARGUMENT, NOT_FOUND, DEADLINE_EXCEEDED, ...). */
    public Status.Code code() {
        return code;
    }
}
