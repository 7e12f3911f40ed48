package dev.lucid.runtime;

import io.grpc.Status;

/** A request the server refuses or cannot serve; the code maps to the gRPC status of the answer. */
public class InferenceException extends RuntimeException {
    private final Status.Code code;

    public InferenceException(Status.Code code, String message) {
        super(message);
        this.code = code;
    }

    public InferenceException(Status.Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public Status.Code code() {
        return code;
    }

    public static InferenceException invalid(String message) {
        return new InferenceException(Status.Code.INVALID_ARGUMENT, message);
    }

    public static InferenceException notFound(String message) {
        return new InferenceException(Status.Code.NOT_FOUND, message);
    }

    public static InferenceException unavailable(String message) {
        return new InferenceException(Status.Code.UNAVAILABLE, message);
    }
}
